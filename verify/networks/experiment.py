"""Teacher-student regression on the features of a network on real inputs (the paper's Fig. 2).

docs/real_networks.md §4. The population is the uniform measure on ``N`` prepared real inputs
(:func:`verify.datasets.load.load_dataset`). A network kernel ``K`` on them (the infinite-width
NNGP/NTK, or the Gram matrix of ``width`` finite-width features) has the eigen-decomposition
``K / N = U Lambda U^T``; its eigenfeatures ``F(x_a) = sqrt(N) Lambda^(1/2) U_a`` have
population covariance ``Lambda`` and span the same functions as the network's features
(RN.12). On them:

* teacher ``y(x) = w . F(x)`` with ``w ~ N(0, I_S)``, Bahri et al.'s isotropic teacher, so the
  target power of mode ``i`` is ``lambda_i``;
* student: ``P`` random features ``z(x) = G F(x) / sqrt(P)`` (``G`` Gaussian; Bahri's
  projection student, ``P = inf``: the kernel limit), fitted by min-norm least squares to
  ``D`` distinct inputs drawn uniformly from the ``N``;
* test loss: the average over all ``N`` inputs and over the teacher, exactly, by the trace
  identities (RN.13)-(RN.15): no teacher is drawn.

The prediction is the deterministic equivalent of :mod:`asymptotics.rf.learning_curves`
evaluated on the *empirical* spectrum ``Lambda`` (an :class:`asymptotics.model.ArraySpectrum`),
and ``alpha_D = alpha_P = alpha_K`` (Bahri et al. Eq. (3)).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from asymptotics._lib import budget
from asymptotics._lib.validation import check_choice, check_int
from verify.datasets import Dataset, load_dataset
from verify.networks.features import nngp_features, random_network
from verify.networks.kernels import network_kernels
from verify.networks.spectrum import KERNEL_KINDS
from verify.output.progress import tick

__all__ = [
    "FeaturePopulation",
    "cached_population",
    "eigenfunction_kurtosis",
    "feature_population",
    "population_loss",
    "rotated_population",
    "simulate_losses",
]


@dataclass(frozen=True)
class FeaturePopulation:
    """The eigenfeatures of a network kernel on ``N`` real inputs (RN.12).

    Attributes
    ----------
    eigenvalues : numpy.ndarray
        ``Lambda`` (descending, the ``S`` above the rounding floor), of ``K / N``.
    features : numpy.ndarray
        ``F`` of shape ``(N, S)``: ``F^T F / N = Lambda``.
    kernel_rows : numpy.ndarray
        ``U`` ``(N, S)``: the unit eigenvectors (the eigenbasis of a target on the inputs).
    config : dict
        Dataset, network and kernel settings.
    """

    eigenvalues: np.ndarray
    features: np.ndarray
    kernel_rows: np.ndarray
    config: dict

    @property
    def n(self) -> int:
        """Number of inputs ``N``."""
        return self.features.shape[0]

    @property
    def size(self) -> int:
        """Number of modes ``S``."""
        return self.eigenvalues.size


def feature_population(data: Dataset, *, kernel: str = "nngp", depth: int = 1,
                       activation: str = "relu", weight_variance: float = 2.0,
                       bias_variance: float = 0.0, width: int | None = None, seed: int = 0
                       ) -> FeaturePopulation:
    """Eigen-decompose the network kernel on the inputs of ``data`` (RN.12).

    ``width = None``: the infinite-width kernel; otherwise the NNGP features of one
    width-``width`` network drawn from ``seed`` (``kernel`` must then be ``"nngp"``).
    Eigenvalues below ``1e-12 lambda_1`` (the rounding floor of the decomposition) are dropped.
    """
    kernel = check_choice("kernel", kernel, KERNEL_KINDS)
    if not isinstance(data, Dataset):
        raise TypeError(f"`data` must be a verify.datasets.Dataset; got {type(data).__name__}")
    n = data.n
    budget.check_memory("data", n, 8.0 * 6 * n * n)
    budget.check_seconds("data", n, 10.0 * n**3)
    if width is None:
        kern = network_kernels(data.x, depth=depth, activation=activation,
                               weight_variance=weight_variance, bias_variance=bias_variance)
        gram = kern.nngp if kernel == "nngp" else kern.ntk
    else:
        if kernel != "nngp":
            raise ValueError(f"`width` features are the NNGP (last-layer) features; got "
                             f"kernel={kernel!r}")
        net = random_network(data.d, depth=depth, width=check_int("width", width, minimum=1),
                             activation=activation, weight_variance=weight_variance,
                             bias_variance=bias_variance, seed=seed)
        phi = nngp_features(net, data.x)
        gram = phi @ phi.T
    lam, vec = np.linalg.eigh(gram / n)
    lam, vec = lam[::-1], vec[:, ::-1]
    keep = lam > 1e-12 * lam[0]
    lam, vec = lam[keep].copy(), vec[:, keep].copy()
    feats = math.sqrt(n) * vec * np.sqrt(lam)  # (RN.12)
    config = {"data": data.name, "pool": data.pool, "n": n, "subset_seed": data.seed,
              "noise": data.noise,
              "kernel": kernel, "depth": depth, "activation": activation,
              "weight_variance": weight_variance, "bias_variance": bias_variance,
              "width": width, "network_seed": seed if width is not None else None}
    return FeaturePopulation(eigenvalues=lam, features=feats, kernel_rows=vec, config=config)


@functools.lru_cache(maxsize=4)
def cached_population(name: str, pool: int, n: int | None, subset_seed: int, kernel: str,
                      depth: int, activation: str = "relu", noise: float = 0.0
                      ) -> FeaturePopulation:
    """:func:`feature_population` of a bundled dataset, cached (a scenario's prediction and its
    measurement share it)."""
    data = load_dataset(name, pool=pool, n=n, seed=subset_seed, noise=noise)
    return feature_population(data, kernel=kernel, depth=depth, activation=activation)


def rotated_population(pop: FeaturePopulation, seed: int = 0) -> FeaturePopulation:
    """The same spectrum on the same ``N`` atoms with Haar-random eigenvectors: a control.

    ``U`` is replaced by the first ``S`` columns of an ``N x N`` orthogonal matrix drawn from
    the Haar measure (QR of a Gaussian matrix with the signs of ``R``'s diagonal fixed), so
    ``F^T F / N = Lambda`` still holds (RN.12) and the population is still ``N`` equally
    weighted points sampled without replacement; only the structure of the real
    eigenfunctions is removed. Where the deterministic equivalent matches this control but
    not the real features, the difference is the features' non-Gaussianity, not the
    spectrum, the finite population or the solver (docs/real_networks.md §5).
    """
    n, s = pop.n, pop.size
    budget.check_seconds("pop.n", n, 4.0 * n**3)
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    u = q[:, :s] * np.sign(np.diag(r))[:s]
    feats = math.sqrt(n) * u * np.sqrt(pop.eigenvalues)  # (RN.12)
    return FeaturePopulation(eigenvalues=pop.eigenvalues, features=feats, kernel_rows=u,
                             config={**pop.config, "eigenvectors": f"Haar-random (seed {seed})"})


def eigenfunction_kurtosis(pop: FeaturePopulation, ranks: tuple[int, int]) -> float:
    """Mean over modes ``lo..hi`` of ``E_x[u_i(x)^4]`` for the unit-variance eigenfunctions.

    ``u_i(x_a) = sqrt(N) U_ai`` has ``E_x[u_i^2] = 1``; a Gaussian feature has fourth moment
    3, a delocalized (Haar) eigenvector ``3 N / (N + 2)``; a mode concentrated on a fraction
    ``f`` of the inputs has about ``1 / f``. The deterministic equivalent assumes the first.
    """
    lo, hi = ranks
    if not 1 <= lo <= hi <= pop.size:
        raise ValueError(f"`ranks` must satisfy 1 <= lo <= hi <= {pop.size} (the modes); "
                         f"got {ranks}")
    u = pop.kernel_rows[:, lo - 1:hi] * math.sqrt(pop.n)
    return float(np.mean(np.mean(u**4, axis=0)))


def _row_space_trace(lam: np.ndarray, A: np.ndarray) -> float:
    """``tr(Lambda Q)`` with ``Q`` the projection onto the row space of ``A`` (``k x S``)."""
    if A.shape[0] == 0:
        return 0.0
    _, s, vt = np.linalg.svd(A, full_matrices=False)
    r = int(np.sum(s > s[0] * max(A.shape) * np.finfo(float).eps))
    return float(np.sum((vt[:r] ** 2) @ lam))


def _dual_reduction(lam: np.ndarray, Ft: np.ndarray, W: np.ndarray) -> float:
    """``2 tr(Lambda W H) - tr(H^T M H)`` of (RN.15) for ``D < P`` in ``D x D`` algebra.

    With ``A = F_t W``, ``A^+ = A^T (A A^T)^+`` (true for any matrix), ``Y = F_t W W^T`` and
    ``C = (A A^T)^+ = (Y F_t^T)^+``: ``tr(Lambda W H) = tr(C F_t Lambda Y^T)`` and
    ``tr(H^T M H) = tr(C Y Lambda Y^T C F_t F_t^T)``; cost ``D P S`` instead of ``P^2 S``.
    """
    Y = (Ft @ W) @ W.T
    C = np.linalg.pinv(Y @ Ft.T, hermitian=True)
    YL = Y * lam
    cross = float(np.sum(C * (Ft @ YL.T).T))            # tr(C F_t Lambda Y^T)
    quad = float(np.trace(C @ (YL @ Y.T) @ C @ (Ft @ Ft.T)))
    return 2.0 * cross - quad


def population_loss(pop: FeaturePopulation, train: np.ndarray | None, P: int | None,
                    G: np.ndarray | None = None) -> float:
    """The test loss averaged exactly over the ``N`` inputs and the teacher,
    docs/real_networks.md (RN.13)-(RN.15).

    Parameters
    ----------
    pop : FeaturePopulation
    train : array of int or None
        Rows of the training set (repeats allowed); ``None``: ``D = inf`` (the population).
    P : int or None
        Student features; ``None``: ``P = inf`` (the kernel limit).
    G : numpy.ndarray, optional
        The ``(P, S)`` Gaussian projection (required when ``P`` is finite).
    """
    lam, F = pop.eigenvalues, pop.features
    total = float(lam.sum())
    if P is None:
        if train is None:
            return 0.0
        return total - _row_space_trace(lam, F[train])  # (RN.13)
    if G is None or G.shape != (P, lam.size):
        raise ValueError(f"`G` must be the ({P}, {lam.size}) projection for P = {P}")
    W = G.T / math.sqrt(P)                       # z(x) = W^T F(x)
    if train is not None and len(train) < P:
        return total - _dual_reduction(lam, F[train], W)
    LW = lam[:, None] * W                        # Lambda W  (S x P)
    M = W.T @ LW                                 # W^T Lambda W = E[z z^T]  (P x P)
    if train is None:                            # (RN.14): the population least squares
        H = np.linalg.lstsq(M, LW.T, rcond=None)[0]
    else:                                        # (RN.15): min-norm least squares on D rows
        H = np.linalg.pinv(F[train] @ W) @ F[train]
    # L = tr(Lambda) - 2 tr(Lambda W H) + tr(H^T M H)  (RN.15)
    return total - 2.0 * float(np.sum(LW.T * H)) + float(np.sum((M @ H) * H))


def simulate_losses(pop: FeaturePopulation, D: np.ndarray, P: np.ndarray, seeds: tuple[int, ...]
                    ) -> np.ndarray:
    """Per-seed exact losses ``(n_seeds, n_points)`` on the grid of ``(D_j, P_j)``.

    ``inf`` in ``D`` or ``P`` is the population / kernel limit. For each seed one random
    order of the ``N`` inputs and one Gaussian projection are drawn and *nested*: the ``D``
    training inputs are the first ``D`` of the order (distinct images, as in the paper;
    ``D <= N``) and the student's features the first ``P`` rows of the projection, so a
    seed's curve is one growing experiment.
    """
    D, P = np.broadcast_arrays(np.asarray(D, float), np.asarray(P, float))
    d_max = int(np.max(D[np.isfinite(D)], initial=0))
    p_max = int(np.max(P[np.isfinite(P)], initial=0))
    ops = len(seeds) * sum(
        (0 if not math.isfinite(d) else d) * pop.size * (min(d, p) if math.isfinite(p) else d)
        + (p * p * pop.size if math.isfinite(p) else 0) for d, p in zip(D, P, strict=True))
    if d_max > pop.n:
        raise ValueError(f"`D` must be <= the {pop.n} inputs (the training images are "
                         f"distinct); got D = {d_max}")
    budget.check_seconds("D", d_max, 4.0 * ops)
    lam = pop.eigenvalues
    kernel_d = np.isfinite(D) & ~np.isfinite(P)      # P = inf: nested in D
    pop_p = ~np.isfinite(D) & np.isfinite(P)         # D = inf: nested in P
    out = np.empty((len(seeds), D.size))
    for s, seed in enumerate(seeds):
        rng = np.random.default_rng(np.random.SeedSequence(seed))
        rows = rng.permutation(pop.n)[:d_max]
        G = rng.standard_normal((p_max, pop.size)) if p_max else None
        # one QR per seed and direction gives every nested size (RN.17); None: rank-deficient
        by_d = _nested_projection(lam, pop.features[rows[:int(D[kernel_d].max())]].T) \
            if kernel_d.any() else None
        by_p = _nested_projection(lam, np.sqrt(lam)[:, None] * G[:int(P[pop_p].max())].T) \
            if pop_p.any() else None
        for j, (d, p) in enumerate(zip(D, P, strict=True)):
            if kernel_d[j] and by_d is not None:
                out[s, j] = by_d[int(d)]
            elif pop_p[j] and by_p is not None:
                out[s, j] = by_p[int(p)]
            else:
                train = None if not math.isfinite(d) else rows[:int(d)]
                pp = None if not math.isfinite(p) else int(p)
                out[s, j] = population_loss(pop, train, pp, None if pp is None else G[:pp])
            tick(s * D.size + j + 1, of=len(seeds) * D.size)  # no-op without a progress bar
    return out


def _nested_projection(lam: np.ndarray, B: np.ndarray) -> np.ndarray | None:
    """``tr(Lambda) - tr(Lambda Q_k)`` for ``k = 0..m``, ``Q_k`` the projection onto the span
    of the first ``k`` columns of ``B`` (``S x m``), from one Householder QR,
    docs/real_networks.md (RN.17).

    The first ``k`` columns of ``Q`` in ``B = Q R`` span the first ``k`` columns of ``B``,
    so one factorization serves every nested size. ``None`` when a diagonal entry of ``R``
    is below the rounding floor (a column in the span of the earlier ones: the plain route
    handles that case).
    """
    if B.shape[1] > B.shape[0]:
        return None
    q, r = np.linalg.qr(B)
    diag = np.abs(np.diag(r))
    if diag.size and diag.min() <= diag.max() * max(B.shape) * np.finfo(float).eps:
        return None
    captured = np.concatenate([[0.0], np.cumsum(lam @ q**2)])
    return float(lam.sum()) - captured
