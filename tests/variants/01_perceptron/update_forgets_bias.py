"""The learning rule updates w but never the bias b."""
# variant: buggy
# loses: test_update_rule, test_learns_and_or
import numpy as np


# %% [perceptron]
def step(z):
    return (np.asarray(z) >= 0).astype(np.int64)


def perceptron_predict(X, w, b):
    return step(np.asarray(X) @ np.asarray(w) + b)


def perceptron_update(w, b, x, y, lr):
    error = y - perceptron_predict(np.asarray(x)[None, :], w, b)[0]
    return np.asarray(w) + lr * error * np.asarray(x), b


def train_perceptron(X, y, lr=1.0, max_epochs=100):
    X = np.asarray(X, dtype=float)
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(max_epochs):
        mistakes = 0
        for x_i, y_i in zip(X, y):
            new_w, new_b = perceptron_update(w, b, x_i, y_i, lr)
            mistakes += int(new_b != b or np.any(new_w != w))
            w, b = new_w, new_b
        if mistakes == 0:
            break
    return w, b
