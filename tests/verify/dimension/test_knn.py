"""One neighbour table for the estimators and the scale scan (verify.dimension.knn).

Independent routes: the kd-tree, the blocked brute force and scikit-learn give the same
table; the scan read from one table equals the decimation route's per-block searches.
"""

from __future__ import annotations

import numpy as np
import pytest

from verify.dimension import estimate, knn


@pytest.mark.parametrize("dim", [3, 20])
def test_routes_give_one_table(dim):
    X = np.random.default_rng(dim).random((400, dim))
    ref_d, ref_i = knn.neighbor_table(X, 12, "kdtree")
    for route in ("brute", "sklearn", "auto"):
        d, i = knn.neighbor_table(X, 12, route)
        np.testing.assert_allclose(d, ref_d, rtol=1e-12)
        np.testing.assert_array_equal(i, ref_i)


def test_scan_from_the_table_equals_decimation():
    # K = 10 columns is small for f = 16 on purpose: many points miss a second block-mate
    # in the table and take the per-block fallback, which must give the same numbers
    X = np.random.default_rng(1).random((900, 5))
    dist, idx = knn.neighbor_table(X, 10)
    for f in (2, 4, 16):
        a = knn.pooled_twonn_by_decimation(X, f, np.random.default_rng(f))
        b = knn.pooled_twonn_from_table(X, dist, idx, f, np.random.default_rng(f))
        assert abs(a - b) < 1e-12 * a, f


def test_estimate_shares_the_table_above_brute_dim(monkeypatch):
    # above BRUTE_DIM TwoNN's scan reads from one table; forcing the decimation route
    # gives the same estimate, interval and scan to rounding
    X = np.random.default_rng(2).random((600, 18))
    assert estimate._shares_table(18, 16)
    a = estimate.estimate_dimension(X)
    monkeypatch.setattr(estimate, "_shares_table", lambda dim, f: False)
    b = estimate.estimate_dimension(X)
    assert a.d == b.d and a.ci == b.ci
    np.testing.assert_allclose(list(a.scan.values()), list(b.scan.values()), rtol=1e-12)


def test_auto_route_by_dimension_size_and_k(monkeypatch):
    # kd-tree up to BRUTE_DIM columns; above, scikit-learn for a 2-neighbour table once it
    # is imported (or n >= SKLEARN_MIN_N), the blocked brute force for a wide table
    import sklearn.neighbors  # noqa: F401

    X = np.zeros((100, knn.BRUTE_DIM + 1))
    assert knn._route(np.zeros((100, 3)), 2, "auto") == "kdtree"
    assert knn._route(X, 2, "auto") == "sklearn"
    assert knn._route(X, 66, "auto") == "brute"
    monkeypatch.setattr(knn, "_has_sklearn", lambda: False)
    assert knn._route(X, 2, "auto") == "brute"
    with pytest.raises(ImportError, match="route='brute'"):
        knn.neighbor_table(X[:10] + np.arange(10)[:, None], 2, "sklearn")
