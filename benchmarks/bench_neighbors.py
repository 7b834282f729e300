"""Benchmarks for the resolution-limited laboratory, each against a plain baseline in the same run.

1. Nearest-neighbour distances on the torus: periodic ``KDTree(boxsize=1)`` vs brute-force
   minimum-image distances with numpy.
2. Random-feature sweep on a manifold: one batched nested factorization per sweep
   (``manifold_rf_sweep``) vs a per-seed, per-grid-point ``lstsq`` loop (same numbers).

3. Neighbour search of the dimension estimators by ambient dimension: the plain kd-tree
   route (``scipy.spatial.KDTree`` query for 2 neighbours) vs
   ``verify.dimension.knn.neighbor_distances`` (kd-tree up to ``BRUTE_DIM`` columns,
   blocked brute force above), on uniform points (intrinsic = ambient dimension), and the
   whole default TwoNN estimate (scan and interval included) with each route.

4. The shared table above ``BRUTE_DIM`` columns: the whole default TwoNN estimate with
   its scan read from one neighbour table, against the scan's own per-block searches
   (the table computed again for every decimation factor) and against the plain kd-tree
   route; and the table itself by the blocked brute force against scikit-learn's
   ``NearestNeighbors(algorithm="brute")``.

Run: ``python benchmarks/bench_neighbors.py [--dimension-only | --shared-only]``. Prints times and ratios
(baseline / ours).
"""

from __future__ import annotations

import time

import numpy as np
from scipy.spatial import KDTree

from verify.manifolds.features import _manifold_rf_loop, manifold_rf_sweep


def _best(fn, repeat=3):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def bench_nn(d=3, D=4000, n_test=2000, seed=0):
    rng = np.random.default_rng(seed)
    train, test = rng.random((D, d)), rng.random((n_test, d))

    def tree():
        return KDTree(train, boxsize=1.0).query(test)[0]

    def brute():
        out = np.empty(n_test)
        for a in range(0, n_test, 250):
            diff = (test[a:a + 250, None, :] - train[None, :, :] + 0.5) % 1.0 - 0.5
            out[a:a + 250] = np.sqrt((diff ** 2).sum(axis=2)).min(axis=1)
        return out

    t_tree, r1 = _best(tree)
    t_brute, r2 = _best(brute)
    assert np.allclose(r1, r2)
    print(f"NN distances d={d} D={D} n_test={n_test}: KDTree {t_tree:.4f}s, brute force "
          f"{t_brute:.4f}s, ratio {t_brute / t_tree:.1f}x")


def bench_rf(S=400, grid=(50, 100, 200, 300), seeds=4, n_test=500):
    kw = dict(S=S, D=list(grid), P=None, ridge=1e-6, seeds=seeds, n_test=n_test, seed=0)
    t_nested, a = _best(lambda: manifold_rf_sweep("sphere", 2, "relu", **kw).losses, 2)
    t_loop, b = _best(lambda: _manifold_rf_loop("sphere", 2, "relu", **kw), 2)
    assert np.allclose(a, b, rtol=1e-6)
    print(f"RF sweep S={S} D={list(grid)} seeds={seeds}: nested batched {t_nested:.3f}s, "
          f"per-point loop {t_loop:.3f}s, ratio {t_loop / t_nested:.2f}x")


def bench_rf_p(S=800, D=1500, grid=(50, 100, 200, 400, 600, 800), seeds=2, n_test=500):
    kw = dict(S=S, D=D, P=list(grid), ridge=1e-6, seeds=seeds, n_test=n_test, seed=0)
    t_nested, a = _best(lambda: manifold_rf_sweep("sphere", 2, "relu", **kw).losses, 2)
    t_loop, b = _best(lambda: _manifold_rf_loop("sphere", 2, "relu", **kw), 2)
    assert np.allclose(a, b, rtol=1e-6)
    print(f"RF P-sweep S={S} D={D} P={list(grid)} seeds={seeds}: nested batched "
          f"{t_nested:.3f}s, per-point loop {t_loop:.3f}s, ratio {t_loop / t_nested:.2f}x")


def bench_dimension_routes(n=10000, dims=(8, 16, 32), seed=0):
    from verify.dimension import knn
    from verify.dimension.estimate import estimate_dimension

    rng = np.random.default_rng(seed)
    for dim in dims:
        X = rng.random((n, dim))
        t_tree, a = _best(lambda X=X: KDTree(X).query(X, k=3)[0][:, 1:], repeat=1)
        t_ours, b = _best(lambda X=X: knn.neighbor_distances(X, 2), repeat=1)
        assert np.allclose(a, b, rtol=1e-12)
        t_est, _ = _best(lambda X=X: estimate_dimension(X, force=True), repeat=1)
        saved = knn.BRUTE_DIM
        knn.BRUTE_DIM = 10**6  # the plain kd-tree everywhere
        try:
            t_est_tree, _ = _best(lambda X=X: estimate_dimension(X, force=True), repeat=1)
        finally:
            knn.BRUTE_DIM = saved
        route = "brute force" if dim > knn.BRUTE_DIM else "kd-tree"
        print(f"TwoNN neighbours n={n} D={dim} ({route}): KDTree {t_tree:.2f}s, ours "
              f"{t_ours:.2f}s, ratio {t_tree / t_ours:.2f}x; whole default estimate "
              f"{t_est_tree:.2f}s -> {t_est:.2f}s, ratio {t_est_tree / t_est:.2f}x", flush=True)


def bench_shared_table(n=10000, dims=(16, 32), seed=0):
    import sklearn.neighbors  # noqa: F401  (imported once, outside the timings)

    from verify.dimension import estimate, knn

    rng = np.random.default_rng(seed)
    for dim in dims:
        X = rng.random((n, dim))
        t_shared, a = _best(lambda X=X: estimate.estimate_dimension(X, force=True), repeat=1)
        saved_share, saved_dim = estimate._shares_table, knn.BRUTE_DIM
        estimate._shares_table = lambda dim, f: False  # per-block searches, brute force
        try:
            t_twice, b = _best(lambda X=X: estimate.estimate_dimension(X, force=True), repeat=1)
            knn.BRUTE_DIM = 10**6  # and the plain kd-tree everywhere
            t_tree, _ = _best(lambda X=X: estimate.estimate_dimension(X, force=True), repeat=1)
        finally:
            estimate._shares_table, knn.BRUTE_DIM = saved_share, saved_dim
        assert a.d == b.d and np.allclose(list(a.scan.values()), list(b.scan.values()))
        K = estimate._table_k(n, 16)
        t_brute, (d1, _) = _best(lambda X=X, K=K: knn.neighbor_table(X, K, "brute"), repeat=1)
        t_skl, (d2, _) = _best(lambda X=X, K=K: knn.neighbor_table(X, K, "sklearn"), repeat=1)
        assert np.allclose(d1, d2, rtol=1e-12)
        t_b2, (e1, _) = _best(lambda X=X: knn.neighbor_table(X, 2, "brute"), repeat=1)
        t_s2, (e2, _) = _best(lambda X=X: knn.neighbor_table(X, 2, "sklearn"), repeat=1)
        assert np.allclose(e1, e2, rtol=1e-12)
        print(f"TwoNN default estimate n={n} D={dim}: shared table {t_shared:.2f}s, table "
              f"per scan factor {t_twice:.2f}s (ratio {t_twice / t_shared:.2f}x), plain "
              f"kd-tree {t_tree:.2f}s (ratio {t_tree / t_shared:.2f}x); table K={K}: blocked "
              f"brute {t_brute:.2f}s, scikit-learn {t_skl:.2f}s (ratio "
              f"{t_skl / t_brute:.2f}x); 2 neighbours: blocked {t_b2:.2f}s, scikit-learn "
              f"{t_s2:.2f}s (ratio {t_b2 / t_s2:.2f}x)", flush=True)


if __name__ == "__main__":
    import sys

    if "--shared-only" in sys.argv:
        bench_shared_table()
        sys.exit(0)
    if "--dimension-only" not in sys.argv:
        bench_nn()
        bench_rf()
        bench_rf_p()
    bench_dimension_routes()
    bench_shared_table()
