"""The judge's own arithmetic for train_step's checks (judge side only, imported by them).

The network the runner builds for probe ``train_step`` is Flatten → Dense(16, relu) →
ShiftInTraining (adds 1 in training mode only) → Dense(10), with weights the judge
draws. One SGD step on the mean sparse cross-entropy of its logits is computed here in
float64 NumPy, in training mode and in inference mode, so the weights the runner sends
back can be checked against both.
"""

import numpy as np

HIDDEN = 16
CLASSES = 10


def initial_weights(rng, inputs):
    """Kernel and bias of both Dense layers, in Keras' ``get_weights`` order."""
    return [rng.normal(0, 0.05, (inputs, HIDDEN)).astype("float32"),
            rng.normal(0, 0.05, HIDDEN).astype("float32"),
            rng.normal(0, 0.3, (HIDDEN, CLASSES)).astype("float32"),
            rng.normal(0, 0.05, CLASSES).astype("float32")]


def _forward(weights, x, training):
    w1, b1, w2, b2 = (np.asarray(w, dtype=np.float64) for w in weights)
    flat = x.reshape(len(x), -1).astype(np.float64)
    pre = flat @ w1 + b1
    shifted = np.maximum(pre, 0) + (1.0 if training else 0.0)
    logits = shifted @ w2 + b2
    return flat, pre, shifted, logits


def loss(weights, x, y, training=True):
    """Mean sparse categorical cross-entropy of the network's logits."""
    logits = _forward(weights, x, training)[3]
    logits = logits - logits.max(axis=1, keepdims=True)
    log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return float(-log_probs[np.arange(len(y)), y].mean())


def sgd_step(weights, x, y, learning_rate, training):
    """The weights after one SGD step on (x, y)."""
    flat, pre, shifted, logits = _forward(weights, x, training)
    w1, b1, w2, b2 = (np.asarray(w, dtype=np.float64) for w in weights)
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    grad_logits = probs
    grad_logits[np.arange(len(y)), y] -= 1.0
    grad_logits /= len(y)
    grad_hidden = (grad_logits @ w2.T) * (pre > 0)
    grads = [flat.T @ grad_hidden, grad_hidden.sum(axis=0),
             shifted.T @ grad_logits, grad_logits.sum(axis=0)]
    return [w - learning_rate * g for w, g in zip((w1, b1, w2, b2), grads, strict=True)]
