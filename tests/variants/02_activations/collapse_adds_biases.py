"""Collapses the biases by adding them, forgetting that later weights multiply earlier biases."""
# variant: buggy
# loses: test_matches_the_stack
import numpy as np


# %% [collapse_linear]
def collapse_linear(weights, biases):
    W = np.asarray(weights[0])
    for W_i in weights[1:]:
        W = W @ np.asarray(W_i)
    return W, sum(np.asarray(b) for b in biases)
