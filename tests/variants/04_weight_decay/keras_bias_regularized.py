"""Regularizes the Keras bias too (bias_regularizer)."""
# variant: buggy
# loses: test_bias_not_regularized
import keras


# %% [build_concise]
def build_concise(wd):
    return keras.Sequential([
        keras.layers.Dense(1, kernel_regularizer=keras.regularizers.L2(wd),
                           bias_regularizer=keras.regularizers.L2(wd)),
    ])
