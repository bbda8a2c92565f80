"""VGG convolutions without padding='same': each one shrinks the image by 2, so the block
shapes are wrong, and the narrow VGG runs out of pixels at 28 x 28 (the judge cannot train it)."""
# variant: buggy
# loses: test_vgg_block, test_vgg11_layers, test_vgg_accuracy


# %% [vgg_block]
def vgg_block(num_convs, num_channels):
    blk = keras.Sequential()
    for _ in range(num_convs):
        blk.add(keras.layers.Conv2D(num_channels, kernel_size=3, activation="relu"))
    blk.add(keras.layers.MaxPooling2D(pool_size=2, strides=2))
    return blk
