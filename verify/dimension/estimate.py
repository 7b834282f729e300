"""Intrinsic dimension of a point cloud, and the scaling exponents it predicts (docs/dimension.md).

Bahri et al.'s resolution-limited regime (Theorems 2-3; docs/theory/regimes.md (RG.7)) ties a dataset's learning-curve
exponent to the dimension ``d`` of its data manifold, ``alpha ~ c/d``. This module
estimates ``d`` from the points themselves and carries its interval into the predicted
exponents:

* :func:`estimate_dimension`: TwoNN (Facco et al. 2017) or the Levina–Bickel maximum
  likelihood estimator with MacKay–Ghahramani averaging (docs/dimension.md (ID.3)-(ID.5)), on one
  ``scipy.spatial.KDTree``; an interval from disjoint random subsamples, each with its own
  neighbour graph (docs/dimension.md (ID.13)), and the point bootstrap beside it; a
  multi-scale scan ``k -> d``; exact duplicate points are removed and counted (or refused);
* :func:`predicted_exponents`: ``alpha = c/d`` for a loss and a model smoothness, with
  the interval on ``d`` mapped through the monotone ``c/d`` onto ``alpha``.

Known limitation, measured in docs/dimension.md §4: with finite samples both estimators
*underestimate* ``d`` once ``d`` is large (the neighbourhoods of a few thousand points in
10 dimensions are not small), so the predicted ``alpha`` is then biased high.

References
----------
.. [1] E. Facco, M. d'Errico, A. Rodriguez, A. Laio, "Estimating the intrinsic dimension
   of datasets by a minimal neighborhood information", Sci. Rep. 7, 12140 (2017).
.. [2] E. Levina, P. J. Bickel, "Maximum likelihood estimation of intrinsic dimension",
   NIPS 17 (2005).
.. [3] D. J. C. MacKay, Z. Ghahramani, "Comments on 'Maximum likelihood estimation of
   intrinsic dimension' by E. Levina and P. Bickel" (2005).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from asymptotics import resolution
from asymptotics._lib.validation import check_choice, check_int, check_real, check_real_array
from verify.dimension import knn

__all__ = [
    "ESTIMATORS",
    "INTERVALS",
    "MODELS",
    "SECONDS_BOUND",
    "DimensionEstimate",
    "ExponentPrediction",
    "estimate_dimension",
    "predicted_exponents",
]

ESTIMATORS = ("twonn", "mle")
#: The intervals on ``d``: disjoint random subsamples (docs/dimension.md (ID.13)) or the
#: percentile bootstrap over points (ID.7).
INTERVALS = ("subsample", "bootstrap")
_DEFAULT_K = {"twonn": (1, 16), "mle": (10, 20)}
_MAX_SCAN = 24  # at most this many scales in a scan (geometric grid beyond that)
_BLOCKS = 10  # disjoint random subsamples of the interval (docs/dimension.md (ID.13))
_MIN_BLOCK = 25  # points per subsample at least (and 5 neighbourhoods' worth for the MLE)


@dataclass(frozen=True)
class DimensionEstimate:
    """An intrinsic-dimension estimate with its bootstrap interval and scale scan.

    Attributes
    ----------
    d : float
        The estimate: TwoNN ``n / sum_i log mu_i`` (docs/dimension.md (ID.2)) or the
        Levina–Bickel average ``mean_k m_k`` over ``k in [lo, hi]`` (ID.5). ``inf`` when
        every neighbour log-ratio is zero (a lattice), with the reason in ``warnings``.
    ci : tuple of float
        The interval at level ``confidence`` named by ``interval``: by default from
        ``blocks`` disjoint random subsamples (ID.13), whose coverage of the estimator's
        own mean is measured near the nominal level (docs/dimension.md §2); it is a
        sampling interval, blind to the bias of §4.
    estimator : str
        ``"twonn"`` or ``"mle"``.
    n_points, n_duplicates : int
        Rows received, and exact duplicate rows removed before estimating.
    scan : dict of int to float
        ``k -> d`` at neighbourhood size ``k``: the Levina–Bickel ``m_k`` (ID.4) for
        ``"mle"``, TwoNN on ``k``-fold decimated data (ID.6) for ``"twonn"``.
    k : tuple of int
        The resolved ``(lo, hi)`` range.
    bootstrap, confidence, seed
        The interval's settings; ``seed`` reproduces the resampling and the decimation.
    warnings : tuple of str
        Everything the caller should know (duplicates removed, infinite estimates).
    interval : str
        ``"subsample"`` (ID.13) or ``"bootstrap"`` (ID.7): which interval ``ci`` is.
    ci_bootstrap : tuple of float
        The percentile bootstrap over points (ID.7), always computed; it treats points
        as independent and so runs 1.2-1.35 times too narrow (docs/dimension.md §2).
    blocks : int
        Subsamples behind the ``"subsample"`` interval (0 when too few points for two).
    block_estimates : tuple of float
        The estimate on each subsample (same estimator and ``k``, own neighbour graph).
    """

    d: float
    ci: tuple[float, float]
    estimator: str
    n_points: int
    n_duplicates: int
    scan: dict[int, float]
    k: tuple[int, int]
    bootstrap: int
    confidence: float
    seed: int
    warnings: tuple[str, ...] = field(default_factory=tuple)
    interval: str = "bootstrap"
    ci_bootstrap: tuple[float, float] | None = None
    blocks: int = 0
    block_estimates: tuple[float, ...] = ()


@dataclass(frozen=True)
class ExponentPrediction:
    """A resolution-limited exponent ``alpha = c/d`` with the interval carried from ``d``.

    Attributes
    ----------
    loss, model : str
        The loss and the model's smoothness that fix ``c`` (docs/theory/regimes.md (RG.7)).
    c : int
        Numerator of the exponent: ``L ~ D^(-c/d)``.
    exponent : float
        ``c / d`` (docs/dimension.md (ID.8)); 0 when ``d`` is infinite.
    ci : tuple of float
        ``(c / d_hi, c / d_lo)``: ``c/d`` is decreasing in ``d``, so the endpoints map
        onto endpoints (ID.8).
    d, d_ci : float, tuple of float
        The dimension estimate this came from, and its interval.
    confidence : float
        The interval's level (that of ``d_ci``).
    source : str
        Where ``c`` came from.
    """

    loss: str
    model: str
    c: int
    exponent: float
    ci: tuple[float, float]
    d: float
    d_ci: tuple[float, float]
    confidence: float
    source: str


def _resolve_k(k: object, estimator: str) -> tuple[int, int]:
    if k is None:
        return _DEFAULT_K[estimator]
    if isinstance(k, str | bytes) or not isinstance(k, Sequence | np.ndarray) or len(k) != 2:
        raise TypeError(f"`k` must be a pair (lo, hi) of integers; got {k!r}")
    minimum = 2 if estimator == "mle" else 1
    lo = check_int("k[0]", k[0], minimum=minimum)
    hi = check_int("k[1]", k[1], minimum=minimum)
    if hi < lo:
        raise ValueError(f"`k` must satisfy lo <= hi; got k=({lo}, {hi})")
    return lo, hi


def _scan_grid(lo: int, hi: int) -> np.ndarray:
    """All integers in [lo, hi], or a geometric grid of about ``_MAX_SCAN`` of them."""
    if hi - lo + 1 <= _MAX_SCAN:
        return np.arange(lo, hi + 1)
    return np.unique(np.round(np.geomspace(lo, hi, _MAX_SCAN)).astype(np.intp))


#: Longest estimated work (seconds on one core, :data:`asymptotics._lib.budget.FLOP_RATE`) an
#: estimate runs without ``force=True``: an interactive bound, documented in docs/dimension.md
#: §6 (about 5 x 10^5 points in 3 dimensions with the default settings).
SECONDS_BOUND = 20.0

# Work model of the neighbour search (elementary operations, calibrated on uniform points,
# whose intrinsic dimension is their ambient one: the kd-tree's worst case for a given n, D).
# A query for k neighbours of n points in D dimensions visits about
# min(n, 14 2^D (k + 1)/3) points at 2D + 10 operations each, plus 70 log2(n) for the descent;
# a bootstrap resample costs 100 operations per point (multinomial counts).
_VISITS, _DESCENT, _PER_RESAMPLE_POINT = 14.0, 70.0, 100.0


def _query_ops(n: int, dim: int, k: int) -> float:
    """Estimated operations of one ``k``-neighbour search of ``n`` points: a kd-tree build
    and query, or above :data:`verify.dimension.knn.BRUTE_DIM` columns the blocked brute
    force (a GEMM of ``2 n^2 D`` and about ``10 n^2`` for the ranking)."""
    if n <= 1:
        return 0.0
    if dim > knn.BRUTE_DIM:
        return 2.0 * n * n * dim + 10.0 * n * n + 2.0 * n * k * dim
    visits = min(float(n), _VISITS * 2.0 ** min(dim, 1000) * (k + 1) / 3.0)
    return n * (_DESCENT * math.log2(n) + visits * (2 * dim + 10))


@dataclass(frozen=True)
class _EstimateConfig:
    """The validated settings of one :func:`estimate_dimension` (built by :meth:`from_args`)."""

    estimator: str
    k: tuple[int, int]
    bootstrap: int
    confidence: float
    seed: int
    duplicates: str
    force: bool
    interval: str = "subsample"
    merge: float | None = None

    @classmethod
    def from_args(cls, estimator, k, bootstrap, confidence, seed, duplicates,
                  force, interval="subsample", merge=None) -> _EstimateConfig:
        """Validation and standardization of :func:`estimate_dimension`'s settings."""
        estimator = check_choice("estimator", estimator, ESTIMATORS)
        interval = check_choice("interval", interval, INTERVALS)
        if merge is not None:
            merge = check_real("merge", merge, gt=0.0)
        duplicates = check_choice("duplicates", duplicates, ("drop", "raise"))
        lo, hi = _resolve_k(k, estimator)
        bootstrap = check_int("bootstrap", bootstrap, minimum=10)
        confidence = check_real("confidence", confidence, gt=0.0, lt=1.0)
        seed = check_int("seed", seed, minimum=0)
        if not isinstance(force, bool):
            raise TypeError(f"`force` must be True or False; got {force!r}")
        return cls(estimator=estimator, k=(lo, hi), bootstrap=bootstrap, confidence=confidence,
                   seed=seed, duplicates=duplicates, force=force, interval=interval,
                   merge=merge)

    def n_blocks(self, n: int) -> int:
        """Subsamples of the interval (ID.13) for ``n`` distinct points: :data:`_BLOCKS` of
        at least ``max(25, 5 (k_query + 1))`` points, fewer (down to 2 blocks that each
        hold a query) for small ``n``; 0 when not even that fits."""
        need = (2 if self.estimator == "twonn" else self.k[1]) + 1
        b = min(_BLOCKS, n // max(_MIN_BLOCK, 5 * need))
        if b < 2:
            b = min(_BLOCKS, n // need)
        return b if b >= 2 else 0

    def search_ops(self, n: int, dim: int, k: tuple[int, int] | None = None) -> float:
        """Estimated operations of the neighbour searches for ``n`` points in ``dim`` columns.

        Duplicate removal (a sort), the main query (2 neighbours for TwoNN, ``k_hi`` for the
        MLE) and, for TwoNN, the decimation scan: factor ``f`` queries ``f`` blocks of
        ``n / f`` points for 2 neighbours each.
        """
        lo, hi = self.k if k is None else k
        ops = 20.0 * n * max(math.log2(max(n, 2)), 1.0) * dim  # distinct_rows: a row sort
        if self.estimator == "mle":
            # the main query, the subsamples' (ID.13) and the log-ratio sums of both
            return ops + _query_ops(n, dim, hi) + self.block_ops(n, dim, hi) + 16.0 * n * hi
        ops += self.block_ops(n, dim, 2)
        if _shares_table(dim, hi):
            # one brute-force table of K columns; the scan reads from it (knn.pooled_twonn_from_table)
            return ops + _query_ops(n, dim, _table_k(n, hi)) + 4.0 * n * _table_k(n, hi) * hi
        ops += _query_ops(n, dim, 2)
        for f in _scan_grid(lo, hi):
            if f > 1:
                ops += f * _query_ops(max(n // int(f), 1), dim, 2)
        return ops

    def block_ops(self, n: int, dim: int, k: int) -> float:
        """Estimated operations of the subsamples' queries (ID.13): ``b`` blocks of ``n/b``."""
        b = self.n_blocks(n)
        return b * _query_ops(n // b, dim, k) if b else 0.0

    def search_bytes(self, n: int, dim: int) -> float:
        """Estimated peak memory of the points' copies, the kd-tree and the neighbour lists."""
        k_query = self.k[1] if self.estimator == "mle" else 2
        return 40.0 * n * dim + 40.0 * n * (k_query + 1)

    def bootstrap_ops(self, n: int) -> float:
        """Estimated operations of the resampling: multinomial counts and their products."""
        width = len(_scan_grid(*self.k)) if self.estimator == "mle" else 1
        return self.bootstrap * n * (_PER_RESAMPLE_POINT + 2.0 * width)

    def bootstrap_bytes(self) -> float:
        """Estimated peak memory of the resampled statistics and one batch of weights."""
        width = len(_scan_grid(*self.k)) if self.estimator == "mle" else 1
        return 16.0 * self.bootstrap * width + 16.0 * knn._BOOT_CHUNK

    def check_cost(self, n: int, dim: int) -> None:
        """Refuse, before any work, a request estimated past the memory or time bound.

        One :class:`asymptotics._lib.budget.BudgetExceeded` line names the parameter that
        drives the cost (``X`` for the number of points, ``k`` when the neighbourhood size
        alone pushes it over, ``bootstrap`` when the resamples do), the estimate and the
        bound. The neighbour search alone, then search plus resampling, must fit
        :data:`SECONDS_BOUND`.
        """
        from asymptotics._lib import budget

        if self.force:
            return
        hint = "pass force=True (command line: --force) to run it anyway"
        points = f"{n} points x {dim} columns"
        default = _EstimateConfig.from_args(self.estimator, None, 10, 0.5, 0, "drop", False)
        by_k = (self.k != default.k
                and default.search_ops(n, dim) <= budget.FLOP_RATE * SECONDS_BOUND
                < self.search_ops(n, dim))
        param, value = ("k", f"({self.k[0]}, {self.k[1]}) on {points}") if by_k \
            else ("X", points)
        budget.check_memory(param, value, self.search_bytes(n, dim), hint=hint)
        budget.check_seconds(param, value, self.search_ops(n, dim), bound=SECONDS_BOUND,
                             hint=hint)
        budget.check_memory("bootstrap", self.bootstrap, self.bootstrap_bytes(), hint=hint)
        total = self.search_ops(n, dim) + self.bootstrap_ops(n)
        usual = self.search_ops(n, dim) + replace(self, bootstrap=200).bootstrap_ops(n)
        param, value = (("bootstrap", self.bootstrap)
                        if usual <= budget.FLOP_RATE * SECONDS_BOUND else (param, value))
        budget.check_seconds(param, value, total, bound=SECONDS_BOUND, hint=hint)


_NEAR = 1e-3  # a first-neighbour distance below this fraction of the median is "tiny"
_DIGITS_WARN = 1e8  # warn when the offset exceeds the spread by more than this


def _estimate_iv(X, cfg: _EstimateConfig) -> tuple[np.ndarray, int, list[str], int]:
    """Validation of the points for :func:`estimate_dimension`: the distinct rows (scaled
    and centred, :func:`verify.dimension.knn.standardize`), the number of duplicates
    removed, warnings and the number of rows, after the cost check (which needs only the shape)."""
    if np.iscomplexobj(X):
        raise TypeError("`X` must be real; got complex entries (their imaginary parts "
                        "would be discarded)")
    X = check_real_array("X", X, ndim=2, min_size=1)
    if X.shape[1] < 1:
        raise ValueError(f"`X` must have at least one column (feature); got shape {X.shape}")
    cfg.check_cost(X.shape[0], X.shape[1])
    Xu, n_dup = knn.distinct_rows(X)
    if n_dup and cfg.duplicates == "raise":
        raise ValueError(f"`X` has {n_dup} duplicate rows (zero neighbour distances) and "
                         f"duplicates='raise'")
    warnings = []
    exponent = 0
    if Xu.shape[0] > 1:
        Xu, offset, exponent = knn.standardize(Xu)
        if offset > _DIGITS_WARN:
            digits = max(0.0, -math.log10(2.220446049250313e-16 * offset))
            warnings.append(f"the points sit {offset:.1e} times their spread from the origin: "
                            f"only about {digits:.0f} significant digits of their positions "
                            f"survive in float64, so close neighbours are quantized and d may "
                            f"be off (subtract the offset before storing the data)")
    if cfg.merge is not None and Xu.shape[0] > 1:
        # the tolerance in the data's units, through the same exact power-of-two scaling
        Xu, n_merged = knn.merge_close(Xu, float(np.ldexp(cfg.merge, exponent)))
        if n_merged:
            warnings.append(f"merged {n_merged} points lying within {cfg.merge:g} of another "
                            f"(merge={cfg.merge:g}); estimated on {Xu.shape[0]} points")
    n = Xu.shape[0]
    hi = cfg.k[1]
    # TwoNN needs 2 neighbours per point; its k-fold decimation needs 3 points per block.
    need = hi + 1 if cfg.estimator == "mle" else max(3, 3 * hi)
    if n < need:
        rule = (f"more than k_hi={hi} neighbours" if cfg.estimator == "mle"
                else f"at least 3 per block of the {hi}-fold decimation scan, k_hi={hi}")
        hint = ("; k=(1, 1) (command line: --k 1,1) skips the scan and needs 3"
                if cfg.estimator == "twonn" and need > 3 and n >= 3 else "")
        raise ValueError(f"`X` must have at least {need} distinct points ({rule}); got {n} "
                         f"distinct of {X.shape[0]} rows{hint}")
    return Xu, n_dup, warnings, X.shape[0]


def _shape_warnings(Xu: np.ndarray, d: float, T: np.ndarray) -> list[str]:
    """Collinear / low-rank clouds read as high ``d``; a spike of tiny first-neighbour
    distances (near-duplicates) collapses it (docs/dimension.md §1)."""
    out = []
    n, dim = Xu.shape
    if np.isfinite(d) and d > 1.0 and n * dim * dim <= 1e9:
        sv = np.linalg.svd(Xu, compute_uv=False)
        rank = int(np.sum(sv > sv[0] * max(n, dim) * 2.220446049250313e-16 * 10))
        if d > rank + 0.5:
            out.append(f"the points span only {rank} dimension(s) (numerical rank of the "
                       f"centred points) but d = {d:.3g}: neighbour distances are equidistant "
                       f"or degenerate (e.g. evenly spaced on a line), which the estimators' "
                       f"locally uniform density does not allow")
    # the bulk's scale: the median distance to the last neighbour queried (a copy of
    # each point shrinks T_1, not T_k); for a locally uniform density of dimension >= 1,
    # P(T_1 < eps median T_k) <= 2 k eps, so n 2 k eps such points at most
    k = T.shape[1]
    med = float(np.median(T[:, -1]))
    tiny = int(np.sum(T[:, 0] < _NEAR * med)) if med > 0 else 0
    expected = 2.0 * k * _NEAR * n
    if tiny > 2 + expected + 4 * math.sqrt(expected):
        out.append(f"{tiny} points have a nearest neighbour closer than {_NEAR:g} x the median "
                   f"distance to neighbour {k} (at most ~{expected:.1f} expected): "
                   f"near-duplicates, which pull d down; merge them with merge=TOL (command "
                   f"line: --merge TOL, in the data's units)")
    return out


def _percentile_ci(samples: np.ndarray, confidence: float) -> tuple[float, float]:
    """Percentile interval by order statistics (docs/dimension.md (ID.7)).

    No interpolation between order statistics, so ``inf`` resamples (all log-ratios 0)
    give an ``inf`` endpoint, never ``inf - inf = NaN``.
    """
    s = np.sort(samples)
    tail = 0.5 * (1.0 - confidence) * (s.size - 1)
    return float(s[int(np.floor(tail))]), float(s[int(np.ceil(s.size - 1 - tail))])


def _point_estimate(X: np.ndarray, estimator: str, ks: np.ndarray) -> float:
    """``d`` of one point set: TwoNN (ID.2) or the Levina–Bickel average (ID.3)-(ID.5)."""
    if estimator == "twonn":
        logmu = knn.twonn_log_ratios(knn.neighbor_distances(X, 2))
        return float(knn.inverse_of_mean(np.array(logmu.mean())))
    inv = knn.mle_inverse_estimates(knn.neighbor_distances(X, int(ks[-1])), ks)
    return float(knn.inverse_of_mean(inv.mean(axis=0)).mean())


def _subsample_ci(Xu: np.ndarray, d: float, cfg: _EstimateConfig, ks: np.ndarray,
                  rng: np.random.Generator) -> tuple[tuple[float, float], tuple[float, ...]]:
    """The interval of docs/dimension.md (ID.13) and the subsamples' estimates.

    The distinct points are split at random into ``b`` disjoint blocks. A random split of
    i.i.d. points is ``b`` independent i.i.d. samples of ``n/b`` points, so the blocks'
    estimates are independent copies of the estimator at that size, each with its own
    neighbour graph: their spread carries the correlation of points that share neighbours,
    which a bootstrap over points drops. The local neighbour structure of a Poisson
    process is scale-free, so ``Var(log d_hat)`` scales as ``1/n`` and the blocks'
    variance divided by ``b`` estimates that of the full-sample estimate; Student's ``t``
    with ``b - 1`` degrees of freedom accounts for estimating it from ``b`` values.
    """
    from scipy import stats

    b = cfg.n_blocks(Xu.shape[0])
    order = rng.permutation(Xu.shape[0])
    ests = tuple(_point_estimate(Xu[blk], cfg.estimator, ks)
                 for blk in np.array_split(order, b))
    if not np.isfinite(d):
        return (np.inf, np.inf), ests
    logs = np.log(np.asarray(ests))
    if not np.all(np.isfinite(logs)):  # a block of equidistant neighbours: no upper end
        return (0.0, np.inf), ests
    se = float(logs.std(ddof=1)) / math.sqrt(b)  # docs/dimension.md (ID.13)
    t = float(stats.t.ppf(0.5 * (1.0 + cfg.confidence), b - 1))
    return (d * math.exp(-t * se), d * math.exp(t * se)), ests


def _shares_table(dim: int, f_max: int) -> bool:
    """Whether TwoNN's scan reads from the main neighbour table: above
    :data:`~verify.dimension.knn.BRUTE_DIM` columns, where one brute-force table costs about
    what a 2-neighbour search does and the decimation's per-block searches would each cost
    a GEMM of their own (docs/dimension.md §6 measures both)."""
    return dim > knn.BRUTE_DIM and f_max > 1


def _table_k(n: int, f_max: int) -> int:
    """Columns of the shared table: ``4 f_max + 2``, so that for factor ``f`` a point misses
    its second block-mate with probability about ``exp(-K/f)(1 + K/f) < 0.1`` (those few
    are queried in their block)."""
    return int(min(n - 1, 4 * f_max + 2))


def _twonn(Xu, ks, bootstrap, rng_boot, rng_scan):
    shared = _shares_table(Xu.shape[1], int(ks[-1])) and Xu.shape[0] > _table_k(
        Xu.shape[0], int(ks[-1])) + 1
    if shared:
        dist, idx = knn.neighbor_table(Xu, _table_k(Xu.shape[0], int(ks[-1])))
        T = dist[:, :2]
    else:
        T = knn.neighbor_distances(Xu, 2)
    logmu = knn.twonn_log_ratios(T)
    d = float(knn.inverse_of_mean(np.array(logmu.mean())))  # docs/dimension.md (ID.2)
    boot = knn.inverse_of_mean(knn.bootstrap_means(logmu, bootstrap, rng_boot))
    scan = {}
    for f in ks:
        if f == 1:
            scan[1] = d
        elif shared:  # the same numbers as the decimation route, from one table
            scan[int(f)] = knn.pooled_twonn_from_table(Xu, dist, idx, int(f), rng_scan)
        else:
            scan[int(f)] = knn.pooled_twonn_by_decimation(Xu, int(f), rng_scan)
    return d, boot, scan, T


def _mle(Xu, ks, bootstrap, rng_boot):
    T = knn.neighbor_distances(Xu, int(ks[-1]))
    inv = knn.mle_inverse_estimates(T, ks)  # (n, K): per-point 1/m_k(x), (ID.3)
    m_k = knn.inverse_of_mean(inv.mean(axis=0))  # MacKay–Ghahramani, docs/dimension.md (ID.4)
    d = float(m_k.mean())  # Levina–Bickel average over k, docs/dimension.md (ID.5)
    boot = knn.inverse_of_mean(knn.bootstrap_means(inv, bootstrap, rng_boot)).mean(axis=1)
    return d, boot, {int(kk): float(m) for kk, m in zip(ks, m_k, strict=True)}, T


def estimate_dimension(X: object, *, estimator: str = "twonn",
                       k: tuple[int, int] | None = None, bootstrap: int = 200,
                       confidence: float = 0.95, seed: int = 0,
                       duplicates: str = "drop", force: bool = False,
                       interval: str = "subsample",
                       merge: float | None = None) -> DimensionEstimate:
    """Estimate the intrinsic dimension of the rows of ``X``.

    Parameters
    ----------
    X : array_like, shape (n, D)
        Points in an ambient space of any dimension ``D >= 1``; finite entries.
    estimator : {"twonn", "mle"}
        TwoNN, :math:`\\hat d = n / \\sum_i \\log(T_2/T_1)` (docs/dimension.md (ID.2)), or
        Levina–Bickel :math:`\\hat d = \\frac{1}{K}\\sum_{k=lo}^{hi} \\hat m_k` with
        :math:`\\hat m_k = [\\frac1n\\sum_x \\hat m_k(x)^{-1}]^{-1}` (ID.3–ID.5).
    k : (lo, hi), optional
        Neighbourhood range. ``"mle"``: the ``k`` averaged over and scanned (default
        (10, 20), ``lo >= 2``). ``"twonn"``: the decimation factors of the multi-scale
        scan (default (1, 16)); the estimate ``d`` itself is always plain TwoNN.
    bootstrap : int
        Number of resamples of the points for ``ci_bootstrap`` (>= 10).
    confidence : float
        Level of the percentile interval, in (0, 1).
    seed : int
        Seeds the bootstrap and the decimation (independent streams from
        ``SeedSequence(seed).spawn``); recorded in the result.
    duplicates : {"drop", "raise"}
        Exact duplicate rows give zero distances (``log 0``): drop them (counted in
        ``n_duplicates`` and reported in ``warnings``) or refuse the input.
    force : bool
        Run even when the estimated work exceeds :data:`SECONDS_BOUND` seconds or the memory
        bound of :mod:`asymptotics._lib.budget` (docs/dimension.md §6).
    interval : {"subsample", "bootstrap"}
        Which interval is ``ci``: from disjoint random subsamples, each with its own
        neighbour graph, and Student's ``t`` (docs/dimension.md (ID.13); coverage measured
        in §2), or the percentile bootstrap over points (ID.7), which ignores that
        neighbouring points share neighbours and under-covers. Both are in the result.
    merge : float, optional
        Merge points closer than this distance (in the data's units) to another, keeping
        the first of each linked cluster, before estimating: the remedy for the
        near-duplicates that a warning reports (a spike of first-neighbour distances below
        ``1e-3`` of their median, docs/dimension.md §1). ``None``: no merging.

    Returns
    -------
    DimensionEstimate

    Raises
    ------
    ValueError, TypeError
        Non-2-D or non-finite ``X``, too few distinct points for ``k``, bad settings.
    asymptotics._lib.budget.BudgetExceeded
        (A ``ValueError``.) The request's estimated time or memory is past its bound and
        ``force`` is false; raised before any neighbour search.
    """
    cfg = _EstimateConfig.from_args(estimator, k, bootstrap, confidence, seed, duplicates,
                                    force, interval, merge)
    Xu, n_dup, warnings, n_rows = _estimate_iv(X, cfg)
    estimator, (lo, hi), bootstrap, confidence, seed = (cfg.estimator, cfg.k, cfg.bootstrap,
                                                        cfg.confidence, cfg.seed)
    # spawn(3)[:2] are the streams spawn(2) gave: the bootstrap and the scan are unchanged
    rng_boot, rng_scan, rng_blocks = (np.random.default_rng(s)
                                      for s in np.random.SeedSequence(seed).spawn(3))
    ks = _scan_grid(lo, hi)
    if estimator == "twonn":
        d, boot, scan, T = _twonn(Xu, ks, bootstrap, rng_boot, rng_scan)
    else:
        d, boot, scan, T = _mle(Xu, ks, bootstrap, rng_boot)
    warnings += _shape_warnings(Xu, d, T)
    ci_boot = _percentile_ci(boot, confidence)
    blocks = cfg.n_blocks(Xu.shape[0])
    if blocks:
        ci_sub, block_ests = _subsample_ci(Xu, d, cfg, ks, rng_blocks)
    else:
        ci_sub, block_ests = ci_boot, ()
        if cfg.interval == "subsample":
            warnings.append(f"too few points ({Xu.shape[0]}) for two subsamples: the interval "
                            f"is the point bootstrap's, which runs too narrow")
    interval = cfg.interval if blocks else "bootstrap"
    if n_dup:
        warnings.append(f"removed {n_dup} duplicate rows (zero distances); estimated on the "
                        f"{Xu.shape[0]} distinct points")
    if not np.isfinite(d) or not all(np.isfinite(list(scan.values()))):
        warnings.append("infinite estimate: every neighbour-distance log-ratio is zero "
                        "(equidistant neighbours, e.g. a lattice), so no finite d fits")
    return DimensionEstimate(d=d, ci=ci_sub if interval == "subsample" else ci_boot,
                             estimator=estimator, n_points=int(n_rows),
                             n_duplicates=int(n_dup), scan=scan, k=(lo, hi),
                             bootstrap=bootstrap, confidence=confidence, seed=seed,
                             warnings=tuple(warnings), interval=interval,
                             ci_bootstrap=ci_boot, blocks=blocks,
                             block_estimates=tuple(block_ests))


# ----------------------------------------------------------------------------- predictions

MODELS = resolution.MODELS


def _exponent_numerator(loss: str, model: str) -> int:
    """``c`` in ``L ~ D^(-c/d)`` for (loss, model), derived by :mod:`asymptotics.resolution`."""
    # at d = 1 the exact exponent c/d is c itself (docs/theory/regimes.md (RG.7))
    c = resolution.resolution_exponent(1, loss=loss, model=model, axis="data").exponent
    if not (c.is_integer and c > 0):  # pragma: no cover - guards a change upstream
        raise ArithmeticError(f"asymptotics.resolution gave a non-integer c={c} for "
                              f"loss={loss!r}, model={model!r}")
    return int(c)


def predicted_exponents(estimate: DimensionEstimate, loss: str = "squared",
                        model: str | Sequence[str] | None = None
                        ) -> tuple[ExponentPrediction, ...]:
    """Resolution-limited exponents ``alpha = c/d`` predicted by a dimension estimate.

    Parameters
    ----------
    estimate : DimensionEstimate
        From :func:`estimate_dimension`.
    loss : str
        A loss name known to :func:`asymptotics.resolution.resolution_exponent`
        (``"squared"``: order 2 at its minimum).
    model : str or sequence of str, optional
        Model smoothness: ``"piecewise_linear"`` (``c = 4`` for the squared loss, the
        paper's ``4/d``), ``"lipschitz"`` or ``"piecewise_constant"`` (``c = 2``, e.g.
        nearest-neighbour regression). ``None``: all three.

    Returns
    -------
    tuple of ExponentPrediction
        One per model, with
        :math:`\alpha = c/\\hat d` and interval :math:`(c/d_{hi},\\, c/d_{lo})`
        (docs/dimension.md (ID.8)).
    """
    if not isinstance(estimate, DimensionEstimate):
        raise TypeError(f"`estimate` must be a DimensionEstimate; got {type(estimate).__name__}")
    if not isinstance(loss, str):
        raise TypeError(f"`loss` must be a string such as 'squared'; got {loss!r}")
    models = MODELS if model is None else (model,) if isinstance(model, str) else tuple(model)
    for m in models:
        check_choice("model", m, MODELS)
    out = []
    d, (d_lo, d_hi) = estimate.d, estimate.ci
    for m in models:
        c = _exponent_numerator(loss, m)
        # docs/dimension.md (ID.8): c/d is decreasing in d, so endpoints swap
        out.append(ExponentPrediction(
            loss=loss, model=m, c=c, exponent=c / d, ci=(c / d_hi, c / d_lo), d=d,
            d_ci=(d_lo, d_hi), confidence=estimate.confidence,
            source="asymptotics.resolution.resolution_exponent (docs/theory/regimes.md (RG.7))"))
    return tuple(out)
