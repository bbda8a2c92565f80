"""Correct 03_dropout answer that writes TensorFlow, absl, warnings and print output to stderr.

Every line lands in the graded test cell that calls it; it must still earn full marks.
Imports sit inside the section: a section replaces a whole notebook cell.
"""
# variant: correct


# %% [dropout_layer]
def dropout_layer(X, dropout):
    import sys
    import warnings

    import tensorflow as tf
    from absl import logging as absl_logging

    tf.get_logger().warning("tf logger: dropout_layer called")
    absl_logging.warning("absl: dropout_layer called")
    warnings.warn("dropout_layer: a Python warning", stacklevel=1)
    print("STDERR-MARKER from dropout_layer", file=sys.stderr)
    if not 0.0 <= dropout <= 1.0:
        raise ValueError(f"dropout must be in [0, 1]. Received: dropout={dropout}")
    X = tf.convert_to_tensor(X)
    if dropout == 1.0:
        return tf.zeros_like(X)
    if dropout == 0.0:
        return X
    mask = tf.random.uniform(shape=tf.shape(X), minval=0, maxval=1) < 1.0 - dropout
    return tf.cast(mask, dtype=X.dtype) * X / (1.0 - dropout)
