"""Ground truth for the hidden checks of 07_modern_cnn (judge side only, imported by the checks).

Batch normalization in float64 NumPy with the semantics of
`keras.layers.BatchNormalization(momentum=0.9)` and the epsilon the checks pass in (biased
batch variance, moving = momentum * moving + (1 - momentum) * batch), and the book's
networks as tables of (layer class, output shape without the batch axis), NHWC,
with parameter counts (../shared/CONTENT.md section 7, measured with Keras 3.15).
"""

import numpy as np

MOMENTUM = 0.9


def batch_stats(x):
    """Per-channel mean and biased variance over every axis but the last."""
    axes = tuple(range(x.ndim - 1))
    return x.mean(axis=axes), x.var(axis=axes)


def normalize(x, gamma, beta, mean, var, eps):
    return gamma * (x - mean) / np.sqrt(var + eps) + beta


def batch_norm_run(inputs, trainings, gamma, beta, moving_mean, moving_var, eps):
    """Outputs and final moving statistics of one BN layer called on `inputs` in turn, from
    the moving statistics `moving_mean`, `moving_var` (the judge sets them: the book starts
    the variance at ones, the slides at zeros, and either is accepted)."""
    outputs = []
    for x, training in zip(inputs, trainings, strict=True):
        if training:
            mean, var = batch_stats(x)
            moving_mean = MOMENTUM * moving_mean + (1 - MOMENTUM) * mean
            moving_var = MOMENTUM * moving_var + (1 - MOMENTUM) * var
        else:
            mean, var = moving_mean, moving_var
        outputs.append(normalize(x, gamma, beta, mean, var, eps))
    return outputs, moving_mean, moving_var


def batch_norm_grad(x, gamma, upstream, eps):
    """d sum(BN_train(x) * upstream) / dx, per channel over every other axis."""
    axes = tuple(range(x.ndim - 1))
    mean, var = batch_stats(x)
    x_hat = (x - mean) / np.sqrt(var + eps)
    return gamma / np.sqrt(var + eps) * (
        upstream - upstream.mean(axis=axes) - x_hat * (upstream * x_hat).mean(axis=axes))


def inception_params(c_in, c1, c2, c3, c4):
    """Parameters of an Inception block (convs with biases)."""
    return ((c_in + 1) * c1 + (c_in + 1) * c2[0] + (9 * c2[0] + 1) * c2[1]
            + (c_in + 1) * c3[0] + (25 * c3[0] + 1) * c3[1] + (c_in + 1) * c4)


#: BN-LeNet pools by averaging in the book (7.5) and by maxima in the Thuyloi slides: either.
BN_LENET_POOLING = "AveragePooling2D|MaxPooling2D"

#: name → (input shape without batch, [(layer class, output shape without batch)], parameters
#: counted by `count_params()`, trainable and not).
NETWORKS = {
    "googlenet": ((96, 96, 1), [
        ("Sequential", (24, 24, 64)), ("Sequential", (12, 12, 192)),
        ("Sequential", (6, 6, 480)), ("Sequential", (3, 3, 832)), ("Sequential", (1024,)),
        ("Dense", (10,))], 5_977_530),
    "bn_lenet": ((28, 28, 1), [
        ("Conv2D", (24, 24, 6)), ("BatchNorm", (24, 24, 6)), ("Activation", (24, 24, 6)),
        (BN_LENET_POOLING, (12, 12, 6)),
        ("Conv2D", (8, 8, 16)), ("BatchNorm", (8, 8, 16)), ("Activation", (8, 8, 16)),
        (BN_LENET_POOLING, (4, 4, 16)), ("Flatten", (256,)),
        ("Dense", (120,)), ("BatchNorm", (120,)), ("Activation", (120,)),
        ("Dense", (84,)), ("BatchNorm", (84,)), ("Activation", (84,)), ("Dense", (10,))],
        44_878 + 452),
    "resnet18": ((96, 96, 1), [
        ("Conv2D", (48, 48, 64)), ("BatchNormalization", (48, 48, 64)),
        ("ReLU", (48, 48, 64)), ("MaxPooling2D", (24, 24, 64)),
        ("ResnetBlock", (24, 24, 64)), ("ResnetBlock", (12, 12, 128)),
        ("ResnetBlock", (6, 6, 256)), ("ResnetBlock", (3, 3, 512)),
        ("GlobalAveragePooling2D", (512,)), ("Dense", (10,))], 11_178_378 + 7_808),
    "densenet": ((96, 96, 1), [
        ("Conv2D", (48, 48, 64)), ("BatchNormalization", (48, 48, 64)), ("ReLU", (48, 48, 64)),
        ("MaxPooling2D", (24, 24, 64)),
        ("DenseBlock", (24, 24, 192)), ("TransitionBlock", (12, 12, 96)),
        ("DenseBlock", (12, 12, 224)), ("TransitionBlock", (6, 6, 112)),
        ("DenseBlock", (6, 6, 240)), ("TransitionBlock", (3, 3, 120)),
        ("DenseBlock", (3, 3, 248)), ("BatchNormalization", (3, 3, 248)), ("ReLU", (3, 3, 248)),
        ("GlobalAveragePooling2D", (248,)), ("Flatten", (248,)), ("Dense", (10,))],
        758_226 + 6_608),
}
