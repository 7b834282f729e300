"""Empirical spectrum of a network kernel on real inputs, and its fitted ``alpha_K``.

docs/real_networks.md §3. On ``n`` prepared inputs (:func:`verify.datasets.load.load_dataset`)
the Gram matrix ``K_ij = K(x_i, x_j)`` of the infinite-width NNGP or NTK kernel
(:func:`verify.networks.kernels.network_kernels`) estimates the kernel operator on the data
distribution: the eigenvalues of ``K / n`` (RN.10). Only the top ranks are needed for a fit,
so the solver is :func:`scipy.linalg.eigh` with ``subset_by_index`` (LAPACK's MRRR driver
``evr``), not a full decomposition (``benchmarks/real_networks_spectrum.py`` prints the
ratio).

``alpha_K`` is fitted by :func:`verify.fit.fit_power_law` to ``lambda_i = A i^-(1+alpha_K)``
on ~40 log-spaced ranks of a stated window (RN.11); the interval is the fit's Student-t
interval over those ranks, which measures how well one power law describes the window, not
the sampling noise of the ``n`` inputs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg

from asymptotics._lib import budget
from asymptotics._lib.validation import check_choice, check_int, check_real
from verify.datasets import Dataset
from verify.fit import PowerLawFit, fit_power_law
from verify.manifolds.spectrum import default_window
from verify.networks.kernels import _as_rows, network_kernels

__all__ = ["KERNEL_KINDS", "SOLVERS", "DataSpectrum", "data_spectrum", "fit_alpha_k",
           "randomized_top_eigenvalues", "top_eigenpairs"]

#: The network kernels a spectrum can be taken of.
KERNEL_KINDS = ("nngp", "ntk")
#: Eigensolvers of :func:`data_spectrum`: LAPACK's ``evr`` on the top ranks (exact to
#: rounding), or the randomized subspace iteration of :func:`randomized_top_eigenvalues`.
SOLVERS = ("exact", "randomized")


@dataclass(frozen=True)
class DataSpectrum:
    """Top eigenvalues of a network kernel on real inputs and the fitted decay.

    Attributes
    ----------
    eigenvalues : numpy.ndarray
        The top eigenvalues of ``K / n`` (RN.10), descending.
    eigenvectors : numpy.ndarray or None
        ``(n, k)`` unit eigenvectors of ``K`` in the same order, if requested.
    alpha, alpha_ci : float, tuple of float
        ``alpha_K`` in ``lambda_i ~ i^-(1+alpha_K)`` and its interval (RN.11).
    window : tuple of int
        Ranks of the fit.
    fit : PowerLawFit
        The fit of ``lambda_i`` vs ``i`` (its ``alpha`` is ``1 + alpha_K``).
    name, n, d, pool, seed
        The data (as :class:`verify.datasets.load.Dataset`; ``pool``/``seed`` 0 for a plain array).
    kernel, depth, activation, weight_variance, bias_variance
        The network kernel.
    """

    eigenvalues: np.ndarray
    eigenvectors: np.ndarray | None
    alpha: float
    alpha_ci: tuple[float, float]
    window: tuple[int, int]
    fit: PowerLawFit
    name: str
    n: int
    d: int
    pool: int
    seed: int
    kernel: str
    depth: int
    activation: str
    weight_variance: float
    bias_variance: float


def top_eigenpairs(K: np.ndarray, k: int, *, vectors: bool = False
                   ) -> tuple[np.ndarray, np.ndarray | None]:
    """The ``k`` largest eigenvalues (descending) of a symmetric ``K`` and, if asked, vectors.

    :func:`scipy.linalg.eigh` with ``subset_by_index`` (driver ``evr``) computes only those
    ``k``; ``k = n`` is the full decomposition.
    """
    n = K.shape[0]
    k = check_int("k", k, minimum=1, maximum=n)
    if vectors:
        lam, vec = scipy.linalg.eigh(K, subset_by_index=[n - k, n - 1], driver="evr",
                                     check_finite=False)
        return lam[::-1].copy(), vec[:, ::-1].copy()
    lam = scipy.linalg.eigh(K, subset_by_index=[n - k, n - 1], eigvals_only=True,
                            driver="evr", check_finite=False)
    return lam[::-1].copy(), None


def randomized_top_eigenvalues(K: np.ndarray, k: int, *, oversample: int | None = None,
                               power: int = 2, seed: int = 0) -> np.ndarray:
    """The ``k`` largest eigenvalues of a symmetric positive semi-definite ``K``, randomized.

    Subspace iteration from a Gaussian start, docs/real_networks.md (RN.18):
    ``Y = K^(2 power + 1) Omega`` with ``l = k + oversample`` columns (``oversample``
    defaults to ``k // 2``), re-orthonormalized after every product, then the eigenvalues
    of the ``l x l`` matrix ``Q^T K Q`` (Rayleigh-Ritz). Each product is one ``n x n`` by
    ``n x l`` matrix multiply (``2 n^2 l``), so the cost is about ``(2 power + 2) 2 n^2 l``
    plus the QRs, against the ``(4/3) n^3`` of the tridiagonal reduction. The Ritz values
    are lower bounds; the relative error of rank ``i <= k`` falls like
    ``(lambda_(l+1) / lambda_i)^(2 power)``, largest at rank ``k`` for a slow decay. The
    defaults were measured on pooled MNIST (``n = 3000``, ``k = n / 10``, depth-3 ReLU
    NNGP): 1.6x less CPU than the full ``eigvalsh``, relative error ``3e-3`` at rank ``k``,
    ``alpha_K`` moved by ``2e-4``; more power or oversampling is more accurate and slower
    (``benchmarks/real_networks_spectrum.py`` prints the routes in one run).
    """
    n = K.shape[0]
    k = check_int("k", k, minimum=1, maximum=n)
    oversample = k // 2 if oversample is None else check_int("oversample", oversample,
                                                             minimum=0)
    power = check_int("power", power, minimum=0)
    ell = min(n, k + oversample)
    if ell >= n // 2:      # no saving left: the exact route
        return top_eigenpairs(K, k)[0]
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    q, _ = np.linalg.qr(K @ rng.standard_normal((n, ell)))
    for _ in range(2 * power):
        q, _ = np.linalg.qr(K @ q)
    small = q.T @ (K @ q)
    lam = np.linalg.eigvalsh((small + small.T) / 2.0)[::-1]
    return lam[:k].copy()


def fit_alpha_k(eigenvalues: np.ndarray, window: tuple[int, int], *,
                confidence: float = 0.95) -> tuple[float, tuple[float, float], PowerLawFit]:
    """``alpha_K`` and its interval from ``lambda_i = A i^-(1+alpha_K)`` on a rank window (RN.11).

    The fit uses ~40 log-spaced ranks of ``[lo, hi]`` (so each decade weighs the same).
    """
    lo, hi = window
    if not 1 <= lo < hi <= len(eigenvalues):
        raise ValueError(f"`window` must satisfy 1 <= lo < hi <= {len(eigenvalues)} (the "
                         f"eigenvalues computed); got {window}")
    ranks = np.unique(np.round(np.geomspace(lo, hi, 40)).astype(int))
    lam = np.asarray(eigenvalues)[ranks - 1]
    if not (lam > 0).all():
        raise ValueError(f"eigenvalues in the window {window} must be positive (the window "
                         "reaches the Gram matrix's rounding floor); choose a smaller `window`")
    fit = fit_power_law(ranks.astype(float), lam, confidence=confidence)
    return fit.alpha - 1.0, (fit.alpha_ci[0] - 1.0, fit.alpha_ci[1] - 1.0), fit  # (RN.11)


def _cost_iv(n: int, k: int, force: bool) -> None:
    hint = "pass force=True (command line: --force) to run it anyway"
    budget.check_memory("n", n, 8.0 * n * n * 8, hint=hint, force=force)
    # kernel recursion ~50 n^2 per layer is small; eigh's tridiagonal reduction (4/3) n^3
    # dominates, plus the k eigenvectors' back-transformation 2 n^2 k
    budget.check_seconds("n", n, 4.0 * n**3 / 3 + 2.0 * n * n * k, hint=hint, force=force)


def data_spectrum(data: Dataset | np.ndarray, *, kernel: str = "nngp", depth: int = 1,
                  activation: str = "relu", weight_variance: float = 2.0,
                  bias_variance: float = 0.0, window: tuple[int, int] | None = None,
                  top: int | None = None, eigenvectors: bool = False,
                  confidence: float = 0.95, force: bool = False,
                  solver: str = "exact") -> DataSpectrum:
    """Eigenvalues of a network kernel on real inputs and the fitted ``alpha_K``.

    Parameters
    ----------
    data : Dataset or array_like (n, d)
        Prepared inputs (:func:`verify.datasets.load.load_dataset`), or rows used as given.
    kernel : {"nngp", "ntk"}
    depth, activation, weight_variance, bias_variance
        The network, as in :func:`verify.networks.kernels.network_kernels`.
    window : (int, int), optional
        Ranks of the fit; default ``[max(8, n // 100), n // 10]``.
    top : int, optional
        How many eigenvalues to compute (default: the window's upper end; ``n``: all).
    eigenvectors : bool
        Also return the top eigenvectors (the experiment needs them).
    confidence : float
        Level of ``alpha_ci``.
    force : bool
        Run past the time and memory bounds of :mod:`asymptotics._lib.budget`.
    solver : {"exact", "randomized"}
        ``"exact"``: :func:`top_eigenpairs`; ``"randomized"``:
        :func:`randomized_top_eigenvalues` with its defaults (eigenvalues only).
    """
    kernel = check_choice("kernel", kernel, KERNEL_KINDS)
    solver = check_choice("solver", solver, SOLVERS)
    if solver == "randomized" and eigenvectors:
        raise ValueError("`eigenvectors` needs solver='exact' (the randomized solver returns "
                         "eigenvalues only)")
    confidence = check_real("confidence", confidence, gt=0.0, lt=1.0)
    if isinstance(data, Dataset):
        x, meta = data.x, (data.name, data.pool, data.seed)
    else:
        x, meta = _as_rows("data", data), ("array", 0, 0)
    n = x.shape[0]
    if n < 16:
        raise ValueError(f"`data` must have at least 16 rows for a spectrum fit; got {n}")
    if window is None:
        window = default_window(n)
    window = (check_int("window[0]", window[0], minimum=1),
              check_int("window[1]", window[1], minimum=2, maximum=n))
    top = window[1] if top is None else check_int("top", top, minimum=window[1], maximum=n)
    _cost_iv(n, top, bool(force))
    kern = network_kernels(x, depth=depth, activation=activation,
                           weight_variance=weight_variance, bias_variance=bias_variance)
    gram = kern.nngp if kernel == "nngp" else kern.ntk
    if solver == "randomized":
        lam, vec = randomized_top_eigenvalues(gram, top), None
    else:
        lam, vec = top_eigenpairs(gram, top, vectors=eigenvectors)
    lam = lam / n  # (RN.10)
    alpha, ci, fit = fit_alpha_k(lam, window, confidence=confidence)
    return DataSpectrum(eigenvalues=lam, eigenvectors=vec, alpha=alpha, alpha_ci=ci,
                        window=window, fit=fit, name=meta[0], n=n, d=x.shape[1], pool=meta[1],
                        seed=meta[2], kernel=kernel, depth=kern.depth,
                        activation=kern.activation, weight_variance=kern.weight_variance,
                        bias_variance=kern.bias_variance)
