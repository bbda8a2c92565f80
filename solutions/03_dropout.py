"""Reference solution for assignment 03_dropout: dropout from scratch as a Keras layer.

Follows d2l v0.17 §4.6 (dropout), ported to Keras 3.
"""
import keras
import tensorflow as tf


# %% [dropout_layer]
def dropout_layer(X, dropout):
    """Apply inverted dropout to `X`.

    Each element is dropped (set to zero) independently with probability
    `dropout`; the kept elements are divided by `1 - dropout`, so the
    expected value of the output equals `X`.

    Args:
        X: tensor or NumPy array of floats (float32 or float64), any rank.
        dropout: probability of DROPPING an element, `0 <= dropout <= 1`.

    Returns:
        A tensor with the same shape and dtype as `X`.

    Raises:
        ValueError: if `dropout` is outside [0, 1].
    """
    dropout = float(dropout)
    if not 0.0 <= dropout <= 1.0:
        raise ValueError(
            "`dropout` is the probability of dropping an element and must be "
            f"between 0 and 1. Received: dropout={dropout}"
        )
    X = tf.convert_to_tensor(X)
    # Everything is dropped: return zeros rather than dividing by zero.
    if dropout == 1.0:
        return tf.zeros_like(X)
    # Nothing is dropped.
    if dropout == 0.0:
        return X
    # u ~ U[0, 1) is below 1 - p with probability 1 - p: those elements are kept.
    mask = tf.random.uniform(shape=tf.shape(X), minval=0, maxval=1) < 1.0 - dropout
    # Cast to X's own dtype: the book's tf.float32 breaks float64 inputs.
    return tf.cast(mask, dtype=X.dtype) * X / (1.0 - dropout)


# %% [dropout_class]
class Dropout(keras.layers.Layer):
    """Inverted dropout as a Keras layer, active only in training mode.

    Implement three methods:
        __init__(self, rate, **kwargs): store the drop probability in `self.rate`.
        call(self, inputs, training=None): apply `dropout_layer` only when
            `training` is truthy; otherwise return `inputs` unchanged.
        get_config(self): the base layer config plus `"rate"`.

    Args:
        rate: probability of dropping each element, between 0 and 1.
        **kwargs: base layer arguments (`name`, `dtype`, ...).
    """

    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, inputs, training=None):
        # Keras passes True in fit, False in predict/evaluate and None on a
        # direct call: only an explicit truthy value switches dropout on.
        if training:
            return dropout_layer(inputs, self.rate)
        return inputs

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate})
        return config


# %% [build_net]
def build_net(num_outputs=10, num_hiddens1=256, num_hiddens2=256,
              dropout1=0.2, dropout2=0.5):
    """Build the book's MLP with two hidden layers and dropout.

    Args:
        num_outputs: number of classes (size of the logits).
        num_hiddens1: units of the first hidden layer.
        num_hiddens2: units of the second hidden layer.
        dropout1: drop probability after the first hidden layer.
        dropout2: drop probability after the second hidden layer.

    Returns:
        A `keras.Sequential` model mapping images of shape (batch, 28, 28, 1)
        or (batch, 28, 28) to logits of shape (batch, num_outputs).
    """
    return keras.Sequential([
        keras.layers.Flatten(),
        keras.layers.Dense(num_hiddens1, activation="relu"),
        # Lower drop probability close to the input layer.
        Dropout(dropout1),
        keras.layers.Dense(num_hiddens2, activation="relu"),
        Dropout(dropout2),
        keras.layers.Dense(num_outputs),
    ])


# %% [train_step]
def train_step(net, X, y, loss_fn, optimizer):
    """Run one minibatch optimization step on `net` and return its loss.

    Args:
        net: a Keras model that outputs logits.
        X: a minibatch of inputs.
        y: the matching integer labels.
        loss_fn: a Keras loss, e.g. `SparseCategoricalCrossentropy(from_logits=True)`.
        optimizer: a Keras optimizer, e.g. `SGD(learning_rate=0.5)`.

    Returns:
        The minibatch loss as a scalar tensor.
    """
    with tf.GradientTape() as tape:
        # training=True switches dropout on; the book's net(X) leaves it off.
        y_hat = net(X, training=True)
        loss = loss_fn(y, y_hat)
    grads = tape.gradient(loss, net.trainable_variables)
    optimizer.apply_gradients(zip(grads, net.trainable_variables))
    return loss
