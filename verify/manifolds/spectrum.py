"""Empirical kernel spectra on the torus and the sphere, and their power-law decay.

The operator ``(T g)(x) = E_y[K(x, y) g(y)]`` on a manifold with the uniform
probability measure has eigenvalues ``lambda_i``; if ``lambda_i ~ i^(-1-alpha_K)`` the
random-feature model has ``L(D) ~ D^(-alpha_K)`` (Bahri et al. Eq. 3). Three routes to
``lambda_i`` (docs/laboratory_manifolds.md (LM.12)-(LM.15)):

* ``"sample"``: eigenvalues of the Gram matrix ``K / n`` on ``n`` uniform random points
  (they converge to the operator's; the tail near rank ``n`` is a noise floor);
* ``"grid"`` (torus): on the regular grid with ``N^d`` points a stationary kernel's Gram
  matrix is circulant, so ``K / n`` has the DFT of the kernel values as eigenvalues;
* ``"funk_hecke"`` (``S^2``): ``mu_k = (1/2) int_{-1}^{1} K(u) P_k(u) du`` with multiplicity
  ``2k + 1``, by Gauss-Legendre quadrature in ``u = cos phi``.

Kernels are functions of the embedded inputs (unit vectors, :mod:`verify.manifolds.sampling`):
Matérn-nu/Laplace/Gaussian of the chordal distance ``r = |x - y|`` (stationary on the
torus and rotation invariant on the sphere), and on the sphere the arc-cosine kernels
of degree 0 and 1 (step/ReLU NNGP) and the two-layer ReLU NTK (Cho & Saul 2009; their decay
exponents are derived in docs/theory/kernel_spectra.md (KS.4)-(KS.6)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from asymptotics._lib.validation import check_choice, check_int, check_real
from verify.manifolds.sampling import embed_torus, sample_embedded

__all__ = [
    "KERNELS",
    "METHODS",
    "SpectrumResult",
    "decay_fit",
    "default_window",
    "empirical_spectrum",
    "funk_hecke_eigenvalues",
    "funk_hecke_nodes",
    "kernel_matrix",
    "matern",
    "theory_alpha",
    "torus_grid_eigenvalues",
]

KERNELS = {"torus": ("laplace", "matern", "gaussian"),
           "sphere": ("laplace", "matern", "gaussian", "arccos0", "arccos1", "ntk")}
METHODS = ("sample", "grid", "funk_hecke")


def matern(r: np.ndarray, nu: float, ell: float) -> np.ndarray:
    """Matérn-nu correlation ``2^(1-nu)/Gamma(nu) (sqrt(2 nu) r/ell)^nu K_nu(sqrt(2 nu) r/ell)``.

    ``nu = 1/2`` is ``exp(-r/ell)`` (Laplace), ``nu = inf`` is ``exp(-r^2/(2 ell^2))``;
    Rasmussen & Williams 2006 Eq. (4.14); (LM.12). ``matern(0) = 1``.
    """
    r = np.asarray(r, dtype=np.float64)
    if math.isinf(nu):
        return np.exp(-0.5 * (r / ell) ** 2)
    if nu == 0.5:
        return np.exp(-r / ell)
    from scipy.special import gammaln, kv

    with np.errstate(over="ignore", invalid="ignore"):  # extreme nu, ell: non-finite values,
        z = math.sqrt(2 * nu) * r / ell                  # refused by empirical_spectrum
        out = np.ones_like(z)
        pos = z > 0
        zp = z[pos]
        out[pos] = np.exp((1 - nu) * math.log(2) - gammaln(nu) + nu * np.log(zp)) * kv(nu, zp)
    return out  # Rasmussen & Williams Eq. (4.14); (LM.12)


def _arccos(u: np.ndarray, kernel: str) -> np.ndarray:
    """Arc-cosine kernels and the ReLU NTK as functions of ``u = x.y`` (Cho & Saul 2009)."""
    u = np.clip(u, -1.0, 1.0)
    k0 = (np.pi - np.arccos(u)) / np.pi  # (LM.13), kappa_0 (Cho & Saul 2009)
    if kernel == "arccos0":
        return k0
    k1 = (u * (np.pi - np.arccos(u)) + np.sqrt(1.0 - u * u)) / np.pi  # (LM.13), kappa_1
    return k1 if kernel == "arccos1" else u * k0 + k1  # 2-layer ReLU NTK; (LM.13)


def _kernel_of_u(kernel: str, u: np.ndarray, nu: float, ell: float) -> np.ndarray:
    if kernel in ("arccos0", "arccos1", "ntk"):
        return _arccos(u, kernel)
    eff_nu = {"laplace": 0.5, "gaussian": math.inf}.get(kernel, nu)
    r = np.sqrt(np.maximum(2.0 - 2.0 * u, 0.0))  # chordal distance of unit vectors
    return matern(r, eff_nu, ell)


def kernel_matrix(kernel: str, X: np.ndarray, Y: np.ndarray, *, nu: float = 1.5,
                  ell: float = 1.0) -> np.ndarray:
    """``K(x_a, y_b)`` for embedded unit vectors ``X`` (n, m) and ``Y`` (n', m)."""
    return _kernel_of_u(kernel, X @ Y.T, nu, ell)


def torus_grid_eigenvalues(kernel: str, d: int, N: int, *, nu: float = 1.5,
                           ell: float = 1.0) -> np.ndarray:
    """Eigenvalues of ``K/n`` on the regular grid of ``n = N^d`` points of ``T^d``, descending.

    The Gram matrix of a stationary kernel on the grid is (block-)circulant; its
    eigenvalues are the DFT of ``k(theta_j - 0)``: ``lambda_m = (1/n) sum_j k(j/N) e^{-2 pi i
    m.j/N}`` (LM.14), real because ``k`` is even.
    """
    axes = [np.arange(N) / N] * d
    theta = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, d)
    e = embed_torus(theta)
    k = kernel_matrix(kernel, e, e[:1], nu=nu, ell=ell)[:, 0].reshape((N,) * d)
    lam = np.fft.fftn(k).real / N ** d  # (LM.14)
    return np.sort(lam.ravel())[::-1]


def funk_hecke_nodes(k_max: int) -> int:
    """Gauss-Legendre nodes for degrees up to ``k_max``: at least 2000, and ``2 k_max + 200``.

    ``P_k(cos phi)`` has ``k`` zeros in ``[0, pi]``; with fewer nodes than that the rule
    aliases the high degrees (with 2000 nodes, ``k_max = 3162`` gave negative and wrong
    eigenvalues and a fitted ``alpha_K = -0.45`` for Laplace, whose exponent is 0.5).
    """
    return max(2000, 2 * k_max + 200)


def funk_hecke_eigenvalues(kernel: str, k_max: int, *, nu: float = 1.5, ell: float = 1.0,
                           nodes: int | None = None) -> np.ndarray:
    """Operator eigenvalues on ``S^2`` (uniform probability measure), each degree ``k <= k_max``
    repeated ``2k + 1`` times, sorted descending.

    ``mu_k = (1/2) int_0^pi K(cos phi) P_k(cos phi) sin phi dphi`` (Funk-Hecke; (LM.15)),
    Gauss-Legendre in ``phi`` where every kernel here is smooth, with
    :func:`funk_hecke_nodes` nodes unless ``nodes`` is given.
    """
    from scipy.special import roots_legendre

    nodes = funk_hecke_nodes(k_max) if nodes is None else nodes

    x, w = roots_legendre(nodes)
    phi = 0.5 * np.pi * (x + 1.0)
    w = 0.5 * np.pi * w * np.sin(phi)
    u = np.cos(phi)
    f = _kernel_of_u(kernel, u, nu, ell) * w
    degrees = np.arange(k_max + 1)
    mu = np.empty(k_max + 1)
    p_prev, p = np.zeros_like(u), np.ones_like(u)
    for k in degrees:  # Bonnet: (k+1) P_{k+1} = (2k+1) u P_k - k P_{k-1}
        mu[k] = 0.5 * (p @ f)  # (LM.15)
        p_prev, p = p, ((2 * k + 1) * u * p - k * p_prev) / (k + 1)
    return np.sort(np.repeat(mu, 2 * degrees + 1))[::-1]


def theory_alpha(kernel: str, domain: str, d: int, nu: float = 1.5) -> tuple[float, str]:
    """``alpha_K`` in ``lambda_i ~ i^(-1-alpha_K)``, from :func:`asymptotics.kernel_spectra.kernel_decay`.

    ``d`` is the manifold dimension. The theory's Matérn/Laplace/Gaussian laws are derived on
    the torus; their exponent in terms of the manifold dimension is used on the sphere too.
    """
    from asymptotics.kernel_spectra import kernel_decay

    name, params = _THEORY_NAMES[kernel]
    if kernel == "matern":
        params = {"nu": nu}
    law = kernel_decay(name, d, **params)
    return law.value, f"{law.quantity} = {law.exponent} ({law.source}; domain: {domain})"


# verify.manifolds.spectrum kernel name -> (asymptotics.kernel_spectra kernel name, parameters)
_THEORY_NAMES = {"laplace": ("laplace", {}), "matern": ("matern", {}),
                 "gaussian": ("gaussian", {}), "arccos0": ("arccos", {"degree": 0}),
                 "arccos1": ("arccos", {"degree": 1}), "ntk": ("relu_ntk", {})}


def default_window(n: int) -> tuple[int, int]:
    """Fit window of ranks ``[max(8, n // 100), n // 10]`` (LM.16): past the head, before the floor."""
    return max(8, n // 100), max(n // 10, max(8, n // 100) + 4)


def decay_fit(eigenvalues: np.ndarray, window: tuple[int, int]) -> tuple[float, float]:
    """Least-squares slope of ``log lambda_i`` vs ``log i`` on ~40 log-spaced ranks (LM.16).

    Returns ``(alpha_K, stderr)`` with ``alpha_K = -slope - 1`` and the OLS standard error
    of the slope (it ignores the staircase of degenerate eigenvalues, so it is a lower
    bound on the systematic error).
    """
    lo, hi = window
    if not 1 <= lo < hi <= len(eigenvalues):
        raise ValueError(f"`window` must satisfy 1 <= lo < hi <= {len(eigenvalues)}; got {window}")
    ranks = np.unique(np.round(np.geomspace(lo, hi, 40)).astype(int))
    lam = eigenvalues[ranks - 1]
    if not (lam > 0).all():
        raise ValueError(f"eigenvalues in the window {window} must be positive (it reaches the "
                         "noise floor); choose a smaller `window`")
    from verify.fit import loglog_line  # the one log-log slope estimator, docs/fitting.md (FIT.1)
    line = loglog_line(ranks.astype(np.float64), lam)
    se = float(math.sqrt(line.chi2 / max(line.n - 2, 1) / line.sxx))
    return -line.slope - 1.0, se


def _cost(kernel: str, d: int, n: int, method: str) -> tuple[float, float]:
    """Estimated (operations, peak bytes) of one spectrum: the kernel values (a Bessel
    function costs about 1000 operations), the dense symmetric eigensolver (``(4/3) n^3``),
    the grid's FFT, the Funk-Hecke quadrature (2000 nodes per degree)."""
    per_value = 1000.0 if kernel == "matern" else 50.0
    if method == "sample":
        m = 2 * d + 1
        return (n * m * 40.0 + n * n * (2.0 * m + per_value) + 4.0 * n ** 3 / 3.0,
                8.0 * n * m * 3 + 8.0 * n * n * 5)
    if method == "grid":
        N = round(n ** (1.0 / d))
        pts = float(N) ** min(d, 10_000)
        return (pts * (2 * d * 40.0 + per_value + 10.0 * math.log2(max(pts, 2))),
                8.0 * pts * (4 * d + 12))
    k_max = math.isqrt(n)
    nodes = funk_hecke_nodes(k_max)
    return (2.0 * nodes * (k_max + 1) * (per_value + 20.0),
            8.0 * (nodes * 6 + 4 * (k_max + 1) ** 2))


def _check_cost(kernel: str, domain: str, d: int, n: int, method: str, force: bool) -> None:
    """Refuse, before any work, a spectrum estimated past the bounds of
    :mod:`asymptotics._lib.budget`; the line names ``d`` when the dimension drives the cost
    (the same ``n`` in one dimension would fit), else ``n``."""
    from asymptotics._lib import budget

    if force:
        return
    ops, nbytes = _cost(kernel, d, n, method)
    ops1, bytes1 = _cost(kernel, 1, n ** (1.0 / d) if method == "grid" else n, method)
    fits = ops1 <= budget.FLOP_RATE * budget.SECONDS_BOUND and bytes1 <= budget.MEMORY_BOUND
    param, value = ("d", d) if fits and d > 1 else ("n", n)
    hint = "pass force=True (command line: --force) to run it anyway"
    budget.check_memory(param, value, nbytes, hint=hint)
    budget.check_seconds(param, value, ops, hint=hint)


def _check_quadrature(lam: np.ndarray, kernel: str, k_max: int, nu: float, ell: float,
                      window: tuple[int, int]) -> None:
    """Refuse Funk-Hecke eigenvalues in the fit window that a rule with 1.5 times the nodes
    does not reproduce to 1e-3 (relative): aliasing, or the quadrature's rounding floor
    (a super-exponentially decaying spectrum such as the Gaussian's). Relative errors up to
    ``eps`` tilt the fitted slope over a window of ``ln(hi/lo) >= ln 10`` by at most
    ``2 eps / ln 10 < 1e-3`` (the argument of docs/verification.md (VR.2))."""
    more = funk_hecke_eigenvalues(kernel, k_max, nu=nu, ell=ell,
                                  nodes=3 * funk_hecke_nodes(k_max) // 2)
    lo, hi = window
    a, b = lam[lo - 1:hi], more[lo - 1:hi]
    dev = np.abs(a - b) / np.maximum(np.abs(b), np.finfo(float).tiny)
    if not (np.all(b > 0) and dev.max() <= 1e-3):
        worst = int(np.argmax(dev)) + lo
        raise ValueError(f"the Funk-Hecke eigenvalues of the {kernel} kernel are not converged "
                         f"in the fit window {window}: rank {worst} changes by {dev.max():.2g} "
                         f"(relative) with 1.5x the quadrature nodes (the spectrum reaches the "
                         f"quadrature's rounding floor); choose a smaller `n` or `window`")


@dataclass(frozen=True)
class SpectrumResult:
    """Eigenvalues of a kernel operator and their fitted decay.

    Attributes
    ----------
    eigenvalues : ndarray
        Descending eigenvalue estimates (``K/n`` for ``"sample"`` and ``"grid"``).
    alpha, alpha_stderr : float
        Fitted ``alpha_K`` (:func:`decay_fit`) and its OLS standard error.
    window : tuple of int
        Ranks used by the fit.

    The prediction to compare ``alpha`` with is :func:`theory_alpha` of the same kernel,
    domain and dimension.
    """

    kernel: str
    domain: str
    d: int
    n: int
    method: str
    eigenvalues: np.ndarray
    alpha: float
    alpha_stderr: float
    window: tuple[int, int]
    seed: int | None
    config: dict[str, Any] = field(default_factory=dict)


def empirical_spectrum(kernel: str, domain: str, d: int, n: int, *, seed: int = 0,
                       method: str = "sample", window: tuple[int, int] | None = None,
                       nu: float = 1.5, ell: float = 1.0, force: bool = False) -> SpectrumResult:
    """Eigenvalues of a kernel on ``T^d`` or ``S^d`` and the fitted decay exponent ``alpha_K``.

    Parameters
    ----------
    kernel : str
        Torus: ``laplace, matern, gaussian``; sphere: also ``arccos0, arccos1, ntk``.
    domain : {"torus", "sphere"}
    d : int
        Manifold dimension.
    n : int
        Sample size (``"sample"``), approximate grid size (``"grid"``: ``N = round(n^(1/d))``
        per axis), or approximate number of eigenvalues (``"funk_hecke"``, ``S^2`` only).
    seed : int
        Seed of the sampled points (``"sample"`` only; recorded).
    method : {"sample", "grid", "funk_hecke"}
    window : (int, int), optional
        Ranks of the fit; default :func:`default_window`.
    nu, ell : float
        Matérn smoothness and length scale (chordal distance of the embedded inputs).
    force : bool
        Run even when the estimated time or memory exceeds the bounds of
        :mod:`asymptotics._lib.budget` (otherwise refused up front, naming the parameter).

    The prediction to compare ``alpha`` with is :func:`theory_alpha`.
    """
    domain = check_choice("domain", domain, KERNELS)
    kernel = check_choice("kernel", kernel, KERNELS[domain])
    d = check_int("d", d, minimum=1)
    method = check_choice("method", method, METHODS)
    n = check_int("n", n, minimum=16, maximum=20_000 if method == "sample" else 10_000_000)
    seed = check_int("seed", seed, minimum=0)
    nu = check_real("nu", nu, gt=0.0)
    ell = check_real("ell", ell, gt=0.0)
    if method == "grid" and domain != "torus":
        raise ValueError(f"`method`='grid' needs domain='torus'; got domain={domain!r}")
    if method == "funk_hecke" and (domain != "sphere" or d != 2):
        raise ValueError(f"`method`='funk_hecke' needs domain='sphere' and d=2; got "
                         f"domain={domain!r}, d={d}")
    if window is not None:
        window = (check_int("window[0]", window[0], minimum=1),
                  check_int("window[1]", window[1], minimum=2))
    if not isinstance(force, bool):
        raise TypeError(f"`force` must be True or False; got {force!r}")
    if method == "grid" and round(n ** (1.0 / d)) < 2:
        raise ValueError(f"`n` must be >= 1.5^d = {1.5 ** d:.3g} for a grid with at least 2 "
                         f"points per axis on T^{d} (`d`={d}); got n={n}")
    n_eig = n if method == "sample" else (round(n ** (1.0 / d)) ** d if method == "grid"
                                          else (math.isqrt(n) + 1) ** 2)
    if window is not None and not 1 <= window[0] < window[1] <= n_eig:
        raise ValueError(f"`window` must satisfy 1 <= lo < hi <= {n_eig} (the number of "
                         f"eigenvalues); got {window}")
    _check_cost(kernel, domain, d, n, method, force)
    if method == "sample":
        X = sample_embedded(domain, n, d, np.random.default_rng(seed))
        K = kernel_matrix(kernel, X, X, nu=nu, ell=ell)
        lam = np.linalg.eigvalsh(K)[::-1] / n if np.isfinite(K).all() else K.ravel()
    elif method == "grid":
        lam = torus_grid_eigenvalues(kernel, d, round(n ** (1.0 / d)), nu=nu, ell=ell)
    else:
        lam = funk_hecke_eigenvalues(kernel, math.isqrt(n), nu=nu, ell=ell)
        _check_quadrature(lam, kernel, math.isqrt(n), nu, ell,
                          default_window(len(lam)) if window is None else window)
    if not np.isfinite(lam).all():
        raise ValueError(f"the {kernel} kernel is not finite in float64 at `nu`={nu!r}, "
                         f"`ell`={ell!r} (its Bessel function or power overflows), so it has no "
                         f"spectrum to fit; use a moderate nu and ell, or kernel='gaussian' for "
                         f"nu -> infinity")
    n_eff = len(lam)
    window = default_window(n_eff) if window is None else window
    alpha, se = decay_fit(lam, window)
    return SpectrumResult(kernel=kernel, domain=domain, d=d, n=n_eff, method=method,
                          eigenvalues=lam, alpha=alpha, alpha_stderr=se, window=window,
                          seed=seed if method == "sample" else None,
                          config={"nu": nu if kernel == "matern" else None, "ell": ell})
