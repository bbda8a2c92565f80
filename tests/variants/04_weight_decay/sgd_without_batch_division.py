"""SGD forgets to divide the summed gradient by the batch size."""
# variant: buggy
# loses: test_sgd_divides_by_batch_size, test_plain_step_matches_sgd, test_decay_shrinks_weights


# %% [sgd]
def sgd(params, grads, lr, batch_size):
    for param, grad in zip(params, grads):
        param.assign_sub(lr * grad)
