"""Correct, written differently: tf.nn.moments and tf.nn.batch_normalization, an Add layer
for the shortcut, Concatenate layers, networks assembled with add()."""
# variant: correct


# %% [inception]
class Inception(keras.layers.Layer):
    def __init__(self, c1, c2, c3, c4, **kwargs):
        super().__init__(**kwargs)
        conv = keras.layers.Conv2D
        self.paths = [
            [conv(c1, (1, 1), activation="relu")],
            [conv(c2[0], (1, 1), activation="relu"), conv(c2[1], (3, 3), padding="same", activation="relu")],
            [conv(c3[0], (1, 1), activation="relu"), conv(c3[1], (5, 5), padding="same", activation="relu")],
            [keras.layers.MaxPool2D((3, 3), strides=(1, 1), padding="same"), conv(c4, (1, 1), activation="relu")],
        ]
        self.concat = keras.layers.Concatenate(axis=-1)

    def call(self, x):
        outputs = []
        for path in self.paths:
            y = x
            for layer in path:
                y = layer(y)
            outputs.append(y)
        return self.concat(outputs)


# %% [batch_norm]
def batch_norm(X, gamma, beta, mean, var, eps):
    return tf.nn.batch_normalization(X, mean, var, offset=beta, scale=gamma, variance_epsilon=eps)


# %% [BatchNorm]
class BatchNorm(keras.layers.Layer):
    def __init__(self, momentum=0.9, epsilon=1e-5, **kwargs):
        super().__init__(**kwargs)
        self.momentum, self.epsilon = momentum, epsilon

    def build(self, input_shape):
        channels = int(input_shape[-1])
        def weight(name, init, trainable):
            return self.add_weight(name=name, shape=(channels,), initializer=init,
                                   trainable=trainable)

        self.gamma = weight("gamma", "ones", True)
        self.beta = weight("beta", "zeros", True)
        self.moving_mean = weight("moving_mean", "zeros", False)
        self.moving_variance = weight("moving_variance", "ones", False)

    def call(self, inputs, training=None):
        if not training:
            return batch_norm(inputs, self.gamma, self.beta, self.moving_mean,
                              self.moving_variance, self.epsilon)
        mean, var = tf.nn.moments(inputs, axes=list(range(len(inputs.shape) - 1)))
        self.moving_mean.assign_sub((1 - self.momentum) * (self.moving_mean - mean))
        self.moving_variance.assign_sub((1 - self.momentum) * (self.moving_variance - var))
        return batch_norm(inputs, self.gamma, self.beta, mean, var, self.epsilon)

    def get_config(self):
        config = super().get_config()
        config.update(momentum=self.momentum, epsilon=self.epsilon)
        return config


# %% [residual]
class Residual(keras.layers.Layer):
    def __init__(self, num_channels, use_1x1conv=False, strides=1, **kwargs):
        super().__init__(**kwargs)
        self.conv1 = keras.layers.Conv2D(num_channels, (3, 3), strides=strides, padding="same")
        self.bn1 = keras.layers.BatchNormalization()
        self.conv2 = keras.layers.Conv2D(num_channels, (3, 3), padding="same")
        self.bn2 = keras.layers.BatchNormalization()
        self.shortcut = keras.layers.Conv2D(num_channels, (1, 1), strides=strides) if use_1x1conv else None
        self.merge = keras.layers.Add()

    def call(self, X, training=None):
        Y = tf.nn.relu(self.bn1(self.conv1(X), training=training))
        Y = self.bn2(self.conv2(Y), training=training)
        return tf.nn.relu(self.merge([Y, X if self.shortcut is None else self.shortcut(X)]))


# %% [dense_blocks]
class ConvBlock(keras.layers.Layer):
    def __init__(self, num_channels, **kwargs):
        super().__init__(**kwargs)
        self.layers_list = [keras.layers.BatchNormalization(), keras.layers.ReLU(),
                            keras.layers.Conv2D(num_channels, (3, 3), padding="same")]
        self.concat = keras.layers.Concatenate()

    def call(self, x, training=None):
        y = self.layers_list[0](x, training=training)
        for layer in self.layers_list[1:]:
            y = layer(y)
        return self.concat([x, y])


class DenseBlock(keras.layers.Layer):
    def __init__(self, num_convs, num_channels, **kwargs):
        super().__init__(**kwargs)
        self.blocks = [ConvBlock(num_channels) for _ in range(num_convs)]

    def call(self, x, training=None):
        for block in self.blocks:
            x = block(x, training=training)
        return x


class TransitionBlock(keras.layers.Layer):
    def __init__(self, num_channels, **kwargs):
        super().__init__(**kwargs)
        self.norm = keras.layers.BatchNormalization()
        self.conv = keras.layers.Conv2D(num_channels, (1, 1))
        self.pool = keras.layers.AvgPool2D((2, 2), strides=(2, 2))

    def call(self, x, training=None):
        return self.pool(self.conv(tf.nn.relu(self.norm(x, training=training))))
