"""Ground truth for the hidden checks of 06_cnn (judge side only, imported by the checks).

Float64 NumPy versions of the operations and the book's networks as tables of
(layer class, output shape without the batch axis), NHWC, with parameter
counts (../shared/CONTENT.md section 7, measured with Keras 3.15).
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def corr2d(x, k):
    """'valid' 2-D cross-correlation of a 2-D array with a 2-D kernel."""
    return np.einsum("ijab,ab->ij", sliding_window_view(x, k.shape), k)


def corr2d_grad(x_shape, k, upstream):
    """d sum(corr2d(X, K) * upstream) / dX: each output scatters upstream * K back."""
    grad = np.zeros(x_shape)
    kh, kw = k.shape
    for i in range(upstream.shape[0]):
        for j in range(upstream.shape[1]):
            grad[i:i + kh, j:j + kw] += upstream[i, j] * k
    return grad


def conv2d(x, kernel):
    """Keras Conv2D (valid, stride 1, no bias) on one NHWC image: x (h, w, ci), kernel (kh, kw, ci, co)."""
    windows = sliding_window_view(x, kernel.shape[:2], axis=(0, 1))  # (h', w', ci, kh, kw)
    return np.einsum("ijcab,abco->ijo", windows, kernel)


def pool2d(x, pool_size, mode):
    """Stride-1 'valid' max or average pooling of a 2-D array."""
    windows = sliding_window_view(x, pool_size)
    return windows.max(axis=(2, 3)) if mode == "max" else windows.mean(axis=(2, 3))


def output_size(n, k, p, s):
    """The book's rule, p = total padding: floor((n - k + p + s) / s)."""
    return (n - k + p + s) // s


#: name → (input shape without batch, [(layer class, output shape without batch)], parameters).
NETWORKS = {
    "lenet": ((28, 28, 1), [
        ("Conv2D", (28, 28, 6)), ("AveragePooling2D", (14, 14, 6)),
        ("Conv2D", (10, 10, 16)), ("AveragePooling2D", (5, 5, 16)), ("Flatten", (400,)),
        ("Dense", (120,)), ("Dense", (84,)), ("Dense", (10,))], 61_706),
    "alexnet": ((224, 224, 1), [
        ("Conv2D", (54, 54, 96)), ("MaxPooling2D", (26, 26, 96)),
        ("Conv2D", (26, 26, 256)), ("MaxPooling2D", (12, 12, 256)),
        ("Conv2D", (12, 12, 384)), ("Conv2D", (12, 12, 384)), ("Conv2D", (12, 12, 256)),
        ("MaxPooling2D", (5, 5, 256)), ("Flatten", (6400,)), ("Dense", (4096,)),
        ("Dropout", (4096,)), ("Dense", (4096,)), ("Dropout", (4096,)), ("Dense", (10,))],
        46_764_746),
    "vgg": ((224, 224, 1), [
        ("Sequential", (112, 112, 64)), ("Sequential", (56, 56, 128)),
        ("Sequential", (28, 28, 256)), ("Sequential", (14, 14, 512)),
        ("Sequential", (7, 7, 512)), ("Sequential", (10,))], 128_806_154),
    "nin": ((224, 224, 1), [
        ("Sequential", (54, 54, 96)), ("MaxPooling2D", (26, 26, 96)),
        ("Sequential", (26, 26, 256)), ("MaxPooling2D", (12, 12, 256)),
        ("Sequential", (12, 12, 384)), ("MaxPooling2D", (5, 5, 384)), ("Dropout", (5, 5, 384)),
        ("Sequential", (5, 5, 10)), ("GlobalAveragePooling2D", (10,)), ("Flatten", (10,))],
        1_992_166),
}

#: The book's VGG-11 architecture.
VGG11 = [[1, 64], [1, 128], [2, 256], [2, 512], [2, 512]]
