"""Hidden layer that only copies the inputs: the network computes OR, not XOR."""
# variant: buggy
# loses: test_mlp_solves_xor
import numpy as np


# %% [xor_mlp]
def xor_mlp_params():
    return np.eye(2), np.zeros(2), np.array([[1.0], [1.0]]), np.array([-0.5])
