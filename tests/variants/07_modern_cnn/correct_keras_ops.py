"""Correct, written differently: batch norm with keras.ops (rsqrt, mean, var), the moving
update in one expression per variable, tf.concat in the blocks, a ResnetBlock built from a
list of specs."""
# variant: correct


# %% [batch_norm]
def batch_norm(X, gamma, beta, mean, var, eps):
    scale = gamma * keras.ops.rsqrt(var + eps)
    return X * scale + (beta - mean * scale)


# %% [BatchNorm]
class BatchNorm(keras.layers.Layer):
    def __init__(self, momentum=0.9, epsilon=1e-5, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.epsilon = epsilon

    def build(self, input_shape):
        n = input_shape[-1]
        self.gamma = self.add_weight(shape=(n,), initializer=keras.initializers.Ones(), name="gamma")
        self.beta = self.add_weight(shape=(n,), initializer=keras.initializers.Zeros(), name="beta")
        self.moving_mean = self.add_weight(shape=(n,), initializer="zeros", trainable=False, name="moving_mean")
        self.moving_variance = self.add_weight(shape=(n,), initializer="ones", trainable=False, name="moving_variance")

    def call(self, inputs, training=None):
        mean, var = self.moving_mean, self.moving_variance
        if training:
            axes = tuple(range(inputs.ndim - 1))
            mean, var = keras.ops.mean(inputs, axis=axes), keras.ops.var(inputs, axis=axes)
            m = self.momentum
            self.moving_mean.assign(self.moving_mean * m + mean * (1 - m))
            self.moving_variance.assign(self.moving_variance * m + var * (1 - m))
        return batch_norm(inputs, self.gamma, self.beta, mean, var, self.epsilon)

    def get_config(self):
        return dict(super().get_config(), momentum=self.momentum, epsilon=self.epsilon)


# %% [resnet]
class ResnetBlock(keras.layers.Layer):
    def __init__(self, num_channels, num_residuals, first_block=False, **kwargs):
        super().__init__(**kwargs)
        specs = [dict(use_1x1conv=not first_block, strides=1 if first_block else 2)]
        specs += [dict(use_1x1conv=False, strides=1)] * (num_residuals - 1)
        self.blocks = [Residual(num_channels, **spec) for spec in specs]

    def call(self, X, training=None):
        for block in self.blocks:
            X = block(X, training=training)
        return X


def resnet18():
    net = keras.Sequential()
    net.add(keras.layers.Conv2D(64, kernel_size=(7, 7), strides=(2, 2), padding="same"))
    net.add(keras.layers.BatchNormalization())
    net.add(keras.layers.Activation(keras.activations.relu))
    net.add(keras.layers.MaxPool2D(pool_size=(3, 3), strides=(2, 2), padding="same"))
    for i, channels in enumerate((64, 128, 256, 512)):
        net.add(ResnetBlock(channels, 2, first_block=i == 0))
    net.add(keras.layers.GlobalAvgPool2D())
    net.add(keras.layers.Dense(10))
    return net
