"""Batch norm that always normalizes with the batch's statistics: at inference a single
image (or a batch of one class) is normalized by itself, and the moving statistics it keeps
are never used.

It also costs test_bn_lenet_accuracy: the judge trains only layers it has proved to be the
student's network, and this network's inference outputs differ from its declared layers'.
"""
# variant: buggy
# loses: test_inference_uses_moving_statistics, test_matches_keras_semantics_with_scale_and_shift, test_bn_lenet_layers, test_bn_lenet_accuracy


# %% [BatchNorm]
class BatchNorm(keras.layers.Layer):
    def __init__(self, momentum=0.9, epsilon=1e-5, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.epsilon = epsilon

    def build(self, input_shape):
        shape = (input_shape[-1],)
        self.gamma = self.add_weight(name="gamma", shape=shape, initializer="ones")
        self.beta = self.add_weight(name="beta", shape=shape, initializer="zeros")
        self.moving_mean = self.add_weight(name="moving_mean", shape=shape, initializer="zeros", trainable=False)
        self.moving_variance = self.add_weight(name="moving_variance", shape=shape, initializer="ones", trainable=False)

    def call(self, inputs, training=None):
        axes = list(range(len(inputs.shape) - 1))
        mean = tf.reduce_mean(inputs, axis=axes)
        var = tf.reduce_mean(tf.square(inputs - mean), axis=axes)
        if training:
            self.moving_mean.assign(self.momentum * self.moving_mean + (1 - self.momentum) * mean)
            self.moving_variance.assign(self.momentum * self.moving_variance + (1 - self.momentum) * var)
        return batch_norm(inputs, self.gamma, self.beta, mean, var, self.epsilon)

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "epsilon": self.epsilon}
