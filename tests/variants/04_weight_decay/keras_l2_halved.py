""""Fixes" Keras to match the book by regularizing with L2(wd / 2)."""
# variant: buggy
# loses: test_penalty_is_wd_sum_of_squares
import keras


# %% [build_concise]
def build_concise(wd):
    return keras.Sequential([
        keras.layers.Dense(1, kernel_regularizer=keras.regularizers.L2(wd / 2)),
    ])
