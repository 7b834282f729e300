"""Floating-point constants shared by the fitters of :mod:`verify.fit`, and a guarded ``exp``."""

from __future__ import annotations

import math

import numpy as np

_EPS = float(np.finfo(float).eps)
_TOL = 1e-15  # least_squares ftol/xtol/gtol: above machine epsilon, so exact data converge fully
_LOG_MAX = math.log(np.finfo(float).max)


def _exp(a: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore", under="ignore"):
        out = np.exp(a)
    if np.isinf(out).any():
        raise ValueError("the predicted loss is beyond the float range (log L = "
                         f"{float(np.max(a)):.6g}); rescale the losses")
    return out

