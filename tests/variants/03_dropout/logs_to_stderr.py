"""Correct 03_dropout answer that logs: the TensorFlow logger and a Python warning (stderr).

Every line lands in the graded test cell that calls it (the TensorFlow logger writes to
stdout in a notebook shell, as in Jupyter); it must still earn full marks.
Only modules the source policy allows: no sys (print to stderr) or absl.
Imports sit inside the section: a section replaces a whole notebook cell.
"""
# variant: correct


# %% [dropout_layer]
def dropout_layer(X, dropout):
    import warnings

    import tensorflow as tf

    tf.get_logger().warning("tf logger: dropout_layer called")
    warnings.warn("STDERR-MARKER from dropout_layer: a Python warning", stacklevel=1)
    if not 0.0 <= dropout <= 1.0:
        raise ValueError(f"dropout must be in [0, 1]. Received: dropout={dropout}")
    X = tf.convert_to_tensor(X)
    if dropout == 1.0:
        return tf.zeros_like(X)
    if dropout == 0.0:
        return X
    mask = tf.random.uniform(shape=tf.shape(X), minval=0, maxval=1) < 1.0 - dropout
    return tf.cast(mask, dtype=X.dtype) * X / (1.0 - dropout)
