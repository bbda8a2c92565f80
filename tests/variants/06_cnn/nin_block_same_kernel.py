"""Uses kernel_size for all three convolutions of the NiN block instead of 1 x 1 for the
last two: more parameters, and no longer a per-pixel MLP."""
# variant: buggy
# loses: test_nin_block, test_nin_layers


# %% [nin_block]
def nin_block(num_channels, kernel_size, strides, padding):
    return keras.Sequential([
        keras.layers.Conv2D(num_channels, kernel_size, strides=strides, padding=padding,
                            activation="relu"),
        keras.layers.Conv2D(num_channels, kernel_size, padding="same", activation="relu"),
        keras.layers.Conv2D(num_channels, kernel_size, padding="same", activation="relu"),
    ])
