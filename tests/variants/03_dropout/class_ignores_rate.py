"""The Dropout class stores its rate and reports it in get_config(), but always drops half:
dropout_layer(inputs, 0.5). The table then declares the rates build_net was given, and only
measuring what the layers drop in training mode shows they are not used. It costs
test_trained_accuracy too: the judge trains only the rates it has measured; and the
reload check, whose reloaded layer must drop at the rate the judge wrote into the file."""
# variant: buggy
# loses: test_uses_own_dropout_with_given_rates, test_trained_accuracy, test_is_configurable_keras_layer


# %% [dropout_class]
class Dropout(keras.layers.Layer):
    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, inputs, training=None):
        if training:
            return dropout_layer(inputs, 0.5)
        return inputs

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate})
        return config
