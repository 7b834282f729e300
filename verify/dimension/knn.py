"""Nearest-neighbour statistics behind the intrinsic-dimension estimators (docs/dimension.md §1).

Pure numerical kernels, no input validation (that lives in :mod:`verify.dimension.estimate`):

* :func:`distinct_rows` removes exact duplicate points (which would give zero
  neighbour distances and ``log(0)``), keeping the order of first occurrence so that
  every estimate is a function of the *set* of points in their original order;
* :func:`neighbor_distances` queries one ``scipy.spatial.KDTree`` for the distances to
  the first ``k`` neighbours of every point, or in more than :data:`BRUTE_DIM` columns
  ranks them by blocked matrix products (:func:`brute_neighbor_distances`);
* :func:`twonn_log_ratios` and :func:`mle_inverse_estimates` turn those distances into
  the per-point quantities whose averages are ``1/d``;
* :func:`bootstrap_means` resamples points (multinomial weights) to put an interval on
  any statistic that is a function of per-point means.

Both estimators rest on one fact (docs/dimension.md (ID.1)): for points drawn from a
locally uniform density on a ``d``-manifold, the log-ratios of neighbour distances are
exponential with rate ``d``, so per-point averages of log-ratios estimate ``1/d``
without bias, and ``d`` is the inverse of their mean.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import KDTree

__all__ = [
    "BRUTE_DIM",
    "ROUTES",
    "SKLEARN_MIN_N",
    "bootstrap_means",
    "brute_neighbor_distances",
    "distinct_rows",
    "inverse_of_mean",
    "merge_close",
    "mle_inverse_estimates",
    "neighbor_distances",
    "neighbor_table",
    "pooled_twonn_by_decimation",
    "pooled_twonn_from_table",
    "standardize",
    "twonn_log_ratios",
]

_BOOT_CHUNK = 4_000_000  # entries of the (resamples x points) weight matrix held at once


def distinct_rows(X: np.ndarray) -> tuple[np.ndarray, int]:
    """The distinct rows of ``X`` in order of first occurrence, and how many rows were dropped."""
    _, first = np.unique(X, axis=0, return_index=True)
    keep = np.sort(first)
    return X[keep], X.shape[0] - keep.size


def standardize(X: np.ndarray) -> tuple[np.ndarray, float, int]:
    """Points scaled by a power of two, centred on their mean, scaled again to spread ~1.

    Multiplying by a power of two is exact (subnormal inputs included: they become normal
    numbers), so neighbour-distance *ratios* are unchanged while distances can no longer
    overflow (points near 1e308) or underflow (near 1e-310). Returns the points and
    ``offset / spread``: how far the cloud sits from the origin against its own size
    (``max |x|`` before and after centring); each coordinate keeps only about
    ``-log10(2.2e-16 * offset/spread)`` significant digits of the spread; and the factor
    the power of two ``e``: a distance ``r`` in the data's units is ``ldexp(r, e)`` here.
    """
    e0 = int(np.frexp(np.max(np.abs(X)))[1])
    Y = np.ldexp(X, -e0)
    before = float(np.max(np.abs(Y)))
    Y = Y - Y.mean(axis=0)
    after = float(np.max(np.abs(Y)))
    if after == 0.0:
        return Y, np.inf, -e0
    e1 = int(np.frexp(after)[1])
    return np.ldexp(Y, -e1), before / after, -e0 - e1


def merge_close(X: np.ndarray, radius: float) -> tuple[np.ndarray, int]:
    """Merge points closer than ``radius``: each cluster linked by such pairs keeps its first
    point (original order). Returns the kept rows and how many were merged away."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = X.shape[0]
    pairs = KDTree(X).query_pairs(radius, output_type="ndarray")
    if pairs.shape[0] == 0:
        return X, 0
    graph = coo_matrix((np.ones(pairs.shape[0]), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    _, first = np.unique(label, return_index=True)
    keep = np.sort(first)
    return X[keep], n - keep.size


#: Above this many columns :func:`neighbor_distances` uses blocked brute force (a kd-tree
#: prunes little there: docs/dimension.md §6 measures the two routes).
BRUTE_DIM = 15
_BRUTE_BLOCK = 4_000_000  # entries of one (rows x n) block of squared distances


#: Routes of :func:`neighbor_table`: ``"auto"`` picks the kd-tree up to :data:`BRUTE_DIM`
#: columns; above it scikit-learn's brute-force ``NearestNeighbors`` (``"sklearn"``) for
#: ``k <= 2`` when scikit-learn is installed and either already imported or ``n >=``
#: :data:`SKLEARN_MIN_N` (its import costs 1-6 s), else this module's blocked brute force
#: (``"brute"``), which measured faster for a wide table (docs/dimension.md §6).
#: All routes return the same table.
ROUTES = ("auto", "kdtree", "brute", "sklearn")

#: Fewest points for which ``"auto"`` imports scikit-learn for its neighbour search.
SKLEARN_MIN_N = 20_000


def _has_sklearn() -> bool:
    try:
        import sklearn.neighbors  # noqa: F401
    except ImportError:
        return False
    return True


def _route(X: np.ndarray, k: int, route: str) -> str:
    if route != "auto":
        return route
    if X.shape[1] <= BRUTE_DIM or X.shape[0] <= k + 1:
        return "kdtree"
    import sys

    if k <= 2 and (X.shape[0] >= SKLEARN_MIN_N or "sklearn" in sys.modules) and _has_sklearn():
        return "sklearn"
    return "brute"


def neighbor_table(X: np.ndarray, k: int, route: str = "auto") -> tuple[np.ndarray, np.ndarray]:
    """Distances and indices ``(n, k)`` of the ``k`` nearest other rows of every row of ``X``.

    ``X`` must have distinct rows. Routes (:data:`ROUTES`): one ``scipy.spatial.KDTree``
    query (the zero self-distance is its first hit and is dropped); the blocked brute force
    of :func:`brute_neighbor_distances`; scikit-learn's ``NearestNeighbors(algorithm="brute")``
    for the indices. The brute-force routes recompute the chosen neighbours' distances from
    coordinate differences (no cancellation error) and sort each row by them, so every
    route returns the same table up to the order of exactly tied neighbours.
    """
    which = _route(X, k, route)
    if which == "kdtree" or X.shape[0] <= k + 1:
        dist, idx = KDTree(X).query(X, k=k + 1)
        return np.asarray(dist[:, 1:], dtype=np.float64), np.asarray(idx[:, 1:], dtype=np.intp)
    if which == "brute":
        return _brute_table(X, k)
    if not _has_sklearn():
        raise ImportError("route='sklearn' needs scikit-learn; use route='brute' (the same "
                          "table from blocked matrix products)")
    from sklearn.neighbors import NearestNeighbors

    idx = NearestNeighbors(n_neighbors=k, algorithm="brute").fit(X).kneighbors(
        return_distance=False)
    return _exact_sorted(X, np.arange(X.shape[0]), np.asarray(idx, dtype=np.intp))


def _exact_sorted(X: np.ndarray, rows: np.ndarray, idx: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    diff = X[rows][:, None, :] - X[idx]
    dist = np.sqrt(np.einsum("ijk,ijk->ij", diff, diff))
    order = np.argsort(dist, axis=1, kind="stable")
    return np.take_along_axis(dist, order, 1), np.take_along_axis(idx, order, 1)


def neighbor_distances(X: np.ndarray, k: int, route: str = "auto") -> np.ndarray:
    """Distances ``T_1 .. T_k`` from each row of ``X`` to its ``k`` nearest other rows.

    ``X`` must have distinct rows. The distances of :func:`neighbor_table` (kd-tree up to
    :data:`BRUTE_DIM` columns, brute force above). Returns an array of shape ``(n, k)``,
    non-decreasing per row.
    """
    return neighbor_table(X, k, route)[0]


def brute_neighbor_distances(X: np.ndarray, k: int) -> np.ndarray:
    """:func:`neighbor_distances` by blocked brute force: candidates from matrix products.

    For a block of rows, ``|x|^2 + |y|^2 - 2 x.y`` (one GEMM against all points) ranks
    every other point; the self-pair is excluded by index, not by its (rounded) zero
    distance. The ``k`` selected neighbours' distances are then recomputed from
    coordinate differences, so they carry no cancellation error (a near-duplicate at
    1e-15 keeps its true distance); only the choice among candidates whose distances
    agree to about ``1e-16 |x|^2`` could differ from an exact search.
    """
    return _brute_table(X, k)[0]


def _brute_table(X: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    n = X.shape[0]
    sq = np.einsum("ij,ij->i", X, X)
    rows = max(1, _BRUTE_BLOCK // n)
    dist = np.empty((n, k))
    index = np.empty((n, k), dtype=np.intp)
    for start in range(0, n, rows):
        blk = np.arange(start, min(start + rows, n))
        d2 = sq[blk, None] + sq[None, :] - 2.0 * (X[blk] @ X.T)
        d2[np.arange(blk.size), blk] = np.inf
        idx = np.argpartition(d2, k - 1, axis=1)[:, :k]
        dist[blk], index[blk] = _exact_sorted(X, blk, idx)
    return dist, index


def pooled_twonn_from_table(X: np.ndarray, dist: np.ndarray, idx: np.ndarray, factor: int,
                            rng: np.random.Generator) -> float:
    """:func:`pooled_twonn_by_decimation` read from one neighbour table of the full set.

    The same random split into ``factor`` blocks (same ``rng`` draw); a point's two
    nearest neighbours *within its block* are the first two block-mates in its row of the
    full table ``(dist, idx)``. Points with fewer than two block-mates in the table (about
    ``exp(-K/f) (1 + K/f)`` of them for ``K`` columns) are queried in their own block.
    Equal to the decimation route up to the order of exactly tied neighbours.
    """
    n = X.shape[0]
    order = rng.permutation(n)
    label = np.empty(n, dtype=np.intp)
    blocks = np.array_split(order, factor)
    for b, block in enumerate(blocks):
        label[block] = b
    same = label[idx] == label[:, None]
    first = np.argmax(same, axis=1)
    same[np.arange(n), first] = False
    second = np.argmax(same, axis=1)
    ok = same[np.arange(n), second]            # a second block-mate exists in the row
    rows = np.arange(n)
    t1, t2 = dist[rows, first], dist[rows, second]
    total = float(np.sum(np.log(t2[ok]) - np.log(t1[ok])))           # docs/dimension.md (ID.6)
    for b in np.unique(label[~ok]):
        block = blocks[b]
        miss = np.flatnonzero(~ok & (label == b))
        T, _ = KDTree(X[block]).query(X[miss], k=3)
        total += float(np.sum(np.log(T[:, 2]) - np.log(T[:, 1])))
    return float(inverse_of_mean(np.array(total / n)))


def twonn_log_ratios(T: np.ndarray) -> np.ndarray:
    """``log(mu_i) = log(T_2 / T_1)`` per point (Facco et al. 2017; docs/dimension.md (ID.2)).

    ``mu ~ Pareto(d)``, i.e. ``log mu ~ Exp(d)``, so ``mean(log mu)`` estimates ``1/d``.
    """
    return np.log(T[:, 1]) - np.log(T[:, 0])  # docs/dimension.md (ID.2)


def mle_inverse_estimates(T: np.ndarray, ks: np.ndarray) -> np.ndarray:
    """Per-point Levina–Bickel inverse estimates ``1/m_k(x)`` for each ``k`` in ``ks``.

    .. math:: \\frac{1}{\\hat m_k(x)} = \\frac{1}{k-1}\\sum_{j=1}^{k-1}\\log\\frac{T_k(x)}{T_j(x)}

    (docs/dimension.md (ID.3)). Given ``T_k``, the ``k-1`` inner neighbours are uniform
    in the ball, so the ``k-1`` terms are i.i.d. ``Exp(d)`` and this average is an
    unbiased estimate of ``1/d``; MacKay and Ghahramani average it over points before
    inverting (ID.4). Returns shape ``(n, len(ks))``; every ``k`` must be >= 2.
    """
    logT = np.log(T)
    csum = np.cumsum(logT, axis=1)  # csum[:, j-1] = sum_{i<=j} log T_i
    ks = np.asarray(ks, dtype=np.intp)
    # docs/dimension.md (ID.3), Levina & Bickel 2005: log T_k - mean_{j<k} log T_j
    return logT[:, ks - 1] - csum[:, ks - 2] / (ks - 1)


def inverse_of_mean(mean: np.ndarray) -> np.ndarray:
    """``d = 1/mean`` of the ``1/d`` estimates, with ``inf`` (not a division warning) where the mean log-ratio is 0."""
    out = np.full(mean.shape, np.inf)
    np.divide(1.0, mean, out=out, where=mean > 0)
    return out


def bootstrap_means(values: np.ndarray, n_resamples: int,
                    rng: np.random.Generator) -> np.ndarray:
    """Means of ``values`` (shape ``(n,)`` or ``(n, m)``) over resampled points.

    Each resample draws ``n`` points with replacement, represented by multinomial
    counts, so a whole batch is one matrix product. Returns ``(n_resamples,)`` or
    ``(n_resamples, m)``.
    """
    n = values.shape[0]
    chunk = max(1, _BOOT_CHUNK // n)
    pvals = np.full(n, 1.0 / n)
    out = []
    for start in range(0, n_resamples, chunk):
        size = min(chunk, n_resamples - start)
        weights = rng.multinomial(n, pvals, size=size).astype(np.float64)
        out.append(weights @ values / n)
    return np.concatenate(out, axis=0)


def pooled_twonn_by_decimation(X: np.ndarray, factor: int,
                               rng: np.random.Generator) -> float:
    """TwoNN at the scale of the ``factor``-th neighbour, by decimation (docs/dimension.md (ID.6)).

    The distinct points are split at random into ``factor`` disjoint blocks of about
    ``n/factor`` points. Within a block the nearest neighbour lies at the distance of
    roughly the ``factor``-th neighbour of the full set, so TwoNN on the blocks probes
    that scale (Facco et al.'s multi-scale analysis). The blocks' log-ratios are pooled
    into one maximum-likelihood estimate ``count / sum(log mu)``.
    """
    n = X.shape[0]
    order = rng.permutation(n)
    total, count = 0.0, 0
    for block in np.array_split(order, factor):
        T = neighbor_distances(X[block], 2)
        total += float(twonn_log_ratios(T).sum())
        count += block.size
    return float(inverse_of_mean(np.array(total / count)))
