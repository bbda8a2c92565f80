"""The check-writer's comparisons: a shape or values against the judge's truth, with the
student's message.

TRUSTED SIDE. A hidden check reads as a specification: draw inputs, get the
student's values (``runner.array`` has already checked they are a finite
array), compute the truth, and state the comparison::

    expect_close(got, reference.corr2d(x, k), f"corr2d trên X {x.shape} và K {k.shape}",
                 rtol=1e-10, atol=1e-10, hint="Y[i, j] = sum(X[i:i+kh, j:j+kw] * K)")

Each function raises ``AssertionError`` with a Vietnamese message (the check's
failed verdict) that says what was compared and how it differs: the expected
and received shapes, or the worst element's position with both values, then the
check's hint about the likely mistake.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["expect_close", "expect_shape"]


def expect_shape(actual: np.ndarray, expected: Sequence[int], what: str, *,
                 hint: str = "") -> None:
    """``actual`` has shape ``expected`` (``what`` names it for the student; ``hint`` follows)."""
    want = tuple(int(d) for d in expected)
    if tuple(np.shape(actual)) != want:
        raise AssertionError(
            f"{what} phải có kích thước {want}, nhận được {np.shape(actual)}. {hint}".strip())


def expect_close(actual: np.ndarray, expected: np.ndarray, what: str, *, rtol: float,
                 atol: float = 0.0, hint: str = "") -> None:
    """``actual`` has ``expected``'s shape and its values to ``|a - e| <= atol + rtol·|e|``
    (NumPy's ``allclose``; a NaN never matches).

    The message names the shapes, or the element that misses its tolerance by the most with
    both values, then ``hint`` (what the student most likely got wrong).
    """
    want = np.asarray(expected)
    got = np.asarray(actual)
    expect_shape(got, want.shape, what, hint=hint)
    if np.allclose(got, want, rtol=rtol, atol=atol):
        return
    with np.errstate(invalid="ignore", over="ignore"):
        excess = np.abs(got.astype("float64") - want) - (atol + rtol * np.abs(want))
    excess = np.where(np.isnan(excess), np.inf, excess)
    worst = np.unravel_index(int(np.argmax(excess)), want.shape) if want.ndim else ()
    where = f" tại vị trí {tuple(int(i) for i in worst)}" if want.ndim else ""
    detail = (f"{what} sai{where}: nhận {float(got[worst]):.6g}, cần {float(want[worst]):.6g} "
              f"(sai số cho phép {atol:g} + {rtol:g}·|giá trị đúng|).")
    raise AssertionError(f"{detail} {hint}".strip())
