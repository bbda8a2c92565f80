"""Hidden Dense layers without an activation: the 'MLP' is a linear model in disguise."""
# variant: buggy
# loses: test_mlp_is_not_affine
import keras


# %% [get_mlp]
def get_mlp():
    return keras.Sequential([keras.layers.Dense(64), keras.layers.Dense(1)])
