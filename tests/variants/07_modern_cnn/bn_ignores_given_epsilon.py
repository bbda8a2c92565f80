"""BatchNorm that stores the epsilon it is given but always normalizes with 1e-5: right with
its default, wrong for any other (the judge passes its own)."""
# variant: buggy
# loses: test_training_mode_normalizes_each_channel, test_inference_uses_moving_statistics, test_matches_keras_semantics_with_scale_and_shift, test_training_gradient


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
        self.moving_mean = self.add_weight(name="moving_mean", shape=shape,
                                           initializer="zeros", trainable=False)
        self.moving_variance = self.add_weight(name="moving_variance", shape=shape,
                                               initializer="ones", trainable=False)

    def call(self, inputs, training=None):
        if training:
            axes = list(range(len(inputs.shape) - 1))
            mean = tf.reduce_mean(inputs, axis=axes)
            var = tf.reduce_mean((inputs - mean) ** 2, axis=axes)
            self.moving_mean.assign(self.momentum * self.moving_mean
                                    + (1.0 - self.momentum) * mean)
            self.moving_variance.assign(self.momentum * self.moving_variance
                                        + (1.0 - self.momentum) * var)
        else:
            mean, var = self.moving_mean, self.moving_variance
        return batch_norm(inputs, self.gamma, self.beta, mean, var, 1e-5)

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "epsilon": self.epsilon}
