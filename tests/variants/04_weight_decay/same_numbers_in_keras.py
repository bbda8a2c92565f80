"""Believes Keras with wd = lambda and the same learning rate takes the same steps."""
# variant: buggy
# loses: test_equivalent_settings


# %% [keras_equivalent]
def keras_equivalent(lambd, lr):
    return lambd, lr
