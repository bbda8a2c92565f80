"""LeNet's first convolution without padding='same' (the original 32 x 32 LeNet on 28 x 28
images): 24 x 24 feature maps, 256 flattened features, 44,426 parameters. It still learns."""
# variant: buggy
# loses: test_lenet_layers


# %% [lenet]
def lenet():
    return keras.Sequential([
        keras.layers.Conv2D(filters=6, kernel_size=5, activation="sigmoid"),
        keras.layers.AveragePooling2D(pool_size=2, strides=2),
        keras.layers.Conv2D(filters=16, kernel_size=5, activation="sigmoid"),
        keras.layers.AveragePooling2D(pool_size=2, strides=2),
        keras.layers.Flatten(),
        keras.layers.Dense(120, activation="sigmoid"),
        keras.layers.Dense(84, activation="sigmoid"),
        keras.layers.Dense(10),
    ])
