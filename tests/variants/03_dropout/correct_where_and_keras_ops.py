"""Correct: mask through tf.where and keras.random, training checked explicitly, Sequential built with add()."""
# variant: correct
import keras
import tensorflow as tf


# %% [dropout_layer]
def dropout_layer(X, dropout):
    if not 0 <= dropout <= 1:
        raise ValueError(f"dropout must be in [0, 1], got {dropout}")
    X = tf.convert_to_tensor(X)
    if dropout == 1:
        return tf.zeros_like(X)
    keep = keras.random.uniform(tf.shape(X), dtype=X.dtype) >= dropout
    return tf.where(keep, X / (1 - dropout), tf.zeros_like(X))


# %% [dropout_class]
class Dropout(keras.layers.Layer):
    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, inputs, training=None):
        if training is not None and bool(training):
            return dropout_layer(inputs, self.rate)
        return inputs

    def get_config(self):
        config = super().get_config()
        config["rate"] = self.rate
        return config


# %% [build_net]
def build_net(num_outputs=10, num_hiddens1=256, num_hiddens2=256, dropout1=0.2, dropout2=0.5):
    net = keras.Sequential()
    net.add(keras.layers.Flatten())
    for units, rate in ((num_hiddens1, dropout1), (num_hiddens2, dropout2)):
        net.add(keras.layers.Dense(units, activation="relu"))
        net.add(Dropout(rate))
    net.add(keras.layers.Dense(num_outputs))
    return net
