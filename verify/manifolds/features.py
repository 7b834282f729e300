"""Data on a d-dimensional manifold and random-feature teacher-student models on it.

This is the laboratory for the resolution-limited regime where the *kernel's*
smoothness and the manifold dimension ``d`` set the exponent (Bahri et al. Eq. (1) and Eq. (3);
docs/theory/kernel_spectra.md (KS.3), (KS.6); docs/laboratory_manifolds.md (LM.1)-(LM.6)).

* Inputs are uniform on the unit-volume d-torus ``[0, 1)^d``, embedded as the
  cos/sin pairs ``e(theta) = (cos 2 pi theta_j, sin 2 pi theta_j)_j / sqrt(d)`` on the
  unit sphere of ``R^(2d)``, or uniform on the sphere ``S^d`` in ``R^(d+1)``.
* Features act on the embedded point ``x``: ReLU features
  ``sqrt(2) max(0, w.x)`` with ``w ~ N(0, I)`` (arc-cosine kernel of degree 1), or
  random Fourier features ``sqrt(2) cos(w.x + b)`` whose frequencies are drawn from
  the spectral density of a Matérn-nu (Laplace = nu 1/2) or Gaussian kernel.
* The teacher is ``F = sum_M omega_M F_M`` with ``S`` features and
  ``omega ~ N(0, I/S)`` (the teacher of Bahri et al. Eq. (1)); the student is a least-squares fit on
  the first ``P`` of them. The average over the teacher is exact (LM.5); the average
  over test inputs is a sampled test set whose standard error is reported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.linalg import solve_triangular

from asymptotics._lib.validation import (
    check_choice,
    check_int,
    check_real,
    check_sorted_int_grid,
)
from verify.manifolds.sampling import DOMAINS, embedded_dim, sample_embedded

__all__ = [
    "FEATURE_KINDS",
    "FeatureMap",
    "ManifoldSweepResult",
    "manifold_rf_sweep",
    "random_features",
]

FEATURE_KINDS = ("relu", "laplace", "matern", "gaussian")


@dataclass(frozen=True)
class FeatureMap:
    """``S`` random features on embedded inputs ``x`` in ``R^m``.

    Attributes
    ----------
    kind : str
        ``"relu"``: ``phi_j(x) = sqrt(2) max(0, w_j.x)``; otherwise random Fourier
        features ``phi_j(x) = sqrt(2) cos(w_j.x + b_j)`` for that kernel (LM.2).
    weights : ndarray, shape (S, m)
    phases : ndarray, shape (S,) (zeros for ReLU)
    """

    kind: str
    weights: np.ndarray
    phases: np.ndarray

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """Feature matrix ``phi(x)`` of shape ``(n, S)`` for inputs ``x`` of shape ``(n, m)``."""
        z = x @ self.weights.T
        if self.kind == "relu":
            return math.sqrt(2.0) * np.maximum(z, 0.0)  # Cho & Saul 2009; (LM.2)
        return math.sqrt(2.0) * np.cos(z + self.phases)  # Rahimi & Recht 2007; (LM.2)


def random_features(kind: str, m: int, S: int, rng: np.random.Generator, *,
                    nu: float = 1.5, ell: float = 1.0) -> FeatureMap:
    """Draw ``S`` random features on ``R^m`` whose mean kernel is the named one.

    Parameters
    ----------
    kind : {"relu", "laplace", "matern", "gaussian"}
    m : int
        Ambient dimension of the (embedded) inputs.
    S : int
        Number of features.
    rng : numpy.random.Generator
    nu, ell : float
        Matérn smoothness (``kind="matern"`` only) and length scale (Fourier kinds).

    Notes
    -----
    With the convention ``k(x - y) = E_w[cos(w.(x - y))]`` the Matérn-nu spectral
    density is proportional to ``(2 nu / ell^2 + |w|^2)^(-(nu + m/2))``: a multivariate
    Student-t with ``2 nu`` degrees of freedom and scale ``1/ell``, drawn as
    ``w = z sqrt(2 nu / g) / ell`` with ``z ~ N(0, I_m)``, ``g ~ chi^2_(2 nu)``
    (Rasmussen & Williams 2006, Eq. 4.15; (LM.3)). The Gaussian kernel
    ``exp(-|r|^2 / (2 ell^2))`` has ``w ~ N(0, I / ell^2)``.
    """
    z = rng.standard_normal((S, m))
    if kind == "relu":
        return FeatureMap(kind, z, np.zeros(S))
    if kind == "gaussian":
        w = z / ell  # (LM.3), nu -> infinity
    else:
        nu_eff = 0.5 if kind == "laplace" else nu
        g = rng.chisquare(2.0 * nu_eff, size=(S, 1))
        w = z * np.sqrt(2.0 * nu_eff / g) / ell  # Rasmussen & Williams Eq. (4.15); (LM.3)
    b = rng.uniform(0.0, 2.0 * np.pi, size=S)
    return FeatureMap(kind, w, b)


@dataclass(frozen=True)
class ManifoldSweepResult:
    """Test loss of the random-feature teacher-student model along a D or P sweep.

    Attributes
    ----------
    axis : {"D", "P"}
        Which size is swept; the other is fixed (``config``).
    grid : tuple of int
    losses : ndarray, shape (n_seeds, n_grid)
        Excess test loss ``E_omega E_x[(f - F)^2]`` per seed: exact over the teacher
        weights (LM.5), a sample mean over ``n_test`` test inputs.
    test_stderr : ndarray, shape (n_seeds, n_grid)
        Standard error of each entry from the sampled test set.
    mean, stderr : ndarray, shape (n_grid,)
        Mean over seeds and its standard error (std over seeds / sqrt(n_seeds)); each
        seed has its own training set, features and test set.
    seed : int
        Root seed; seed ``s`` uses ``SeedSequence(seed).spawn(n_seeds)[s]``.
    teacher_rank : tuple of int
        Per seed, the numerical rank (singular values above ``1e-10`` times the largest)
        of the teacher features on the test set: the dimension of the feature space the
        data actually see. Random Fourier features on a low-dimensional torus have a rank
        far below ``S`` (most frequencies are small), and the loss collapses to rounding
        level once ``D`` or ``P`` reaches it; ``note`` says when a grid point does.
    config : dict
    note : str
    """

    axis: str
    grid: tuple[int, ...]
    losses: np.ndarray
    test_stderr: np.ndarray
    mean: np.ndarray
    stderr: np.ndarray
    seed: int
    teacher_rank: tuple[int, ...] = ()
    config: dict[str, Any] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class _RFSweepConfig:
    """The validated settings of one :func:`manifold_rf_sweep` (built by :meth:`from_args`).

    ``axis`` is the swept size (``"D"`` or ``"P"``), ``grid`` its increasing values and
    ``fixed`` the other size; ``n_train`` is the number of training points drawn per seed.
    """

    domain: str
    d: int
    features: str
    S: int
    axis: str
    grid: tuple[int, ...]
    fixed: int
    ridge: float
    seeds: int
    seed: int
    n_test: int
    nu: float
    ell: float

    @classmethod
    def from_args(cls, domain, d, features, S, D, P, ridge, seeds, seed, n_test, nu,
                  ell) -> _RFSweepConfig:
        """Input validation and standardization for :func:`manifold_rf_sweep`."""
        domain = check_choice("domain", domain, DOMAINS)
        d = check_int("d", d, minimum=1)
        features = check_choice("features", features, FEATURE_KINDS)
        S = check_int("S", S, minimum=1)
        ridge = check_real("ridge", ridge, ge=0.0)
        seeds = check_int("seeds", seeds, minimum=2)
        seed = check_int("seed", seed, minimum=0)
        n_test = check_int("n_test", n_test, minimum=2)
        nu = check_real("nu", nu, gt=0.0)
        ell = check_real("ell", ell, gt=0.0)
        d_grid = not isinstance(D, int | np.integer)
        p_grid = P is not None and not isinstance(P, int | np.integer)
        if d_grid == p_grid:
            raise ValueError("exactly one of `D` and `P` must be a sequence (the swept size); "
                             f"got D={D!r}, P={P!r}")
        if d_grid:
            grid = check_sorted_int_grid("D", D)
            P = S if P is None else check_int("P", P, minimum=1)
            fixed = P
        else:
            grid = check_sorted_int_grid("P", P)
            fixed = check_int("D", D, minimum=1)
        if (grid[-1] if not d_grid else P) > S:
            raise ValueError(f"`P` must be <= S={S} (the student uses the first P teacher "
                             f"features); got P={grid[-1] if not d_grid else P}")
        return cls(domain=domain, d=d, features=features, S=S, axis="D" if d_grid else "P",
                   grid=grid, fixed=fixed, ridge=ridge, seeds=seeds, seed=seed, n_test=n_test,
                   nu=nu, ell=ell)

    @property
    def n_train(self) -> int:
        """Training points drawn per seed: the largest ``D`` of the sweep, or the fixed ``D``."""
        return self.grid[-1] if self.axis == "D" else self.fixed


def _draw(cfg: _RFSweepConfig, ss: np.random.SeedSequence) -> tuple[np.ndarray, np.ndarray]:
    """One seed's features on training and test inputs (the only random draws)."""
    rng = np.random.default_rng(ss)
    fmap = random_features(cfg.features, embedded_dim(cfg.domain, cfg.d), cfg.S, rng,
                           nu=cfg.nu, ell=cfg.ell)
    x_train = sample_embedded(cfg.domain, cfg.n_train, cfg.d, rng)
    x_test = sample_embedded(cfg.domain, cfg.n_test, cfg.d, rng)
    return fmap(x_train), fmap(x_test)


def _loss_from_residual(G: np.ndarray, S: int) -> tuple[np.ndarray, np.ndarray]:
    """Teacher-averaged loss per test point, ``|G(x)|^2 / S`` (LM.5); mean and test stderr."""
    per_point = np.einsum("...ts,...ts->...t", G, G) / S  # docs/laboratory_manifolds.md (LM.5)
    n = per_point.shape[-1]
    return per_point.mean(axis=-1), per_point.std(axis=-1, ddof=1) / math.sqrt(n)


def _chol_solve(L: np.ndarray, B: np.ndarray) -> np.ndarray:
    """``(L L^T)^(-1) B`` for a batch of lower-triangular Cholesky factors ``L``."""
    return solve_triangular(L, solve_triangular(L, B, lower=True), lower=True, trans="T")


def _coef_nested(F_tr, axis, grid, fixed, ridge):
    """Coefficient maps ``B = A F_train`` (student P x teacher S) for every grid point.

    One factorization per sweep (LM.6): the leading block of a Cholesky/QR factor of the
    largest problem is the factor of every nested (first D points / first P features)
    problem. Grid points on the other side of ``D = P`` (ridgeless only) fall back to
    a minimum-norm ``lstsq``. ``F_tr`` has shape ``(seeds, D_max, S)``.
    """
    out = []
    if axis == "D":
        P = fixed
        Phi = F_tr[:, :, :P]
        nested = [n for n in grid if ridge > 0 or n <= P]
        if nested:
            Dn = max(nested)
            A = Phi[:, :Dn, :]
            if ridge > 0:  # dual Gram Phi Phi^T + ridge I, leading blocks
                fac = np.linalg.cholesky(A @ A.swapaxes(1, 2) + ridge * np.eye(Dn))
            else:  # Phi^T = Q R, leading columns
                Q, fac = np.linalg.qr(A.swapaxes(1, 2))
        for n in grid:
            Y = F_tr[:, :n, :]
            if n in nested:
                L = fac[:, :n, :n]
                if ridge > 0:  # beta = Phi^T (Phi Phi^T + ridge)^(-1) Y
                    alpha = _chol_solve(L, Y)
                    out.append(Phi[:, :n, :].swapaxes(1, 2) @ alpha)
                else:  # beta = Q_n R_n^(-T) Y (minimum norm)
                    out.append(Q[:, :, :n] @ solve_triangular(L, Y, trans="T"))
            else:
                out.append(np.stack([np.linalg.lstsq(Phi[s, :n], Y[s], rcond=None)[0]
                                     for s in range(Phi.shape[0])]))
        return out
    Y = F_tr
    nested = [p for p in grid if ridge > 0 or p <= Y.shape[1]]
    if nested:
        Pn = max(nested)
        A = F_tr[:, :, :Pn]
        if ridge > 0:  # primal Gram, once: Phi_p^T Phi_p and Phi_p^T Y are its leading rows
            gram = A.swapaxes(1, 2) @ Y
            fac = np.linalg.cholesky(gram[:, :, :Pn] + ridge * np.eye(Pn))
        else:  # Phi = Q R, leading columns; Q_p^T Y = leading rows of Q^T Y
            Q, fac = np.linalg.qr(A)
            gram = Q.swapaxes(1, 2) @ Y
    for p in grid:
        if p in nested:
            L, rhs = fac[:, :p, :p], gram[:, :p, :]
            # ridge: beta = (Phi^T Phi + ridge)^(-1) Phi^T Y; ridgeless: beta = R_p^(-1) Q_p^T Y
            out.append(_chol_solve(L, rhs) if ridge > 0 else solve_triangular(L, rhs))
        else:
            Phi = F_tr[:, :, :p]
            out.append(np.stack([np.linalg.lstsq(Phi[s], Y[s], rcond=None)[0]
                                 for s in range(Phi.shape[0])]))
    return out


def manifold_rf_sweep(domain: str, d: int, features: str, *, S: int = 256,
                      D: int | Any = 256, P: int | Any | None = None, ridge: float = 0.0,
                      seeds: int = 8, seed: int = 0, n_test: int = 1000, nu: float = 1.5,
                      ell: float = 1.0) -> ManifoldSweepResult:
    """Random-feature teacher-student test loss on a manifold, swept over D or over P.

    Parameters
    ----------
    domain : {"torus", "sphere"}
    d : int
        Manifold dimension (``T^d`` or ``S^d``).
    features : {"relu", "laplace", "matern", "gaussian"}
        Feature kind of the teacher (:func:`random_features`).
    S : int
        Number of teacher features; the teacher is ``F = sum_M omega_M F_M`` with
        ``omega ~ N(0, I/S)`` (the teacher of Bahri et al. Eq. (1)).
    D, P : int or sequence of int
        Exactly one is an increasing sequence (the sweep). The student uses the first
        ``P`` teacher features (``P=None``: all ``S``) and the first ``D`` training points.
    ridge : float
        Ridge ``delta`` on the sum loss ``sum_a (f(x_a) - y_a)^2 + delta |theta|^2``;
        0 gives the minimum-norm least-squares fit (LM.4).
    seeds, seed : int
        Number of independent repetitions and the root seed (``SeedSequence.spawn``).
    n_test : int
        Size of the sampled test set per seed.
    nu, ell : float
        Matérn smoothness and kernel length scale of Fourier features.

    Returns
    -------
    ManifoldSweepResult
        Losses ``L = E_omega E_x[(f - F)^2]`` (LM.5): exact over ``omega``, sampled over
        the test inputs (``test_stderr``), repeated over seeds (``stderr``).
    """
    cfg = _RFSweepConfig.from_args(domain, d, features, S, D, P, ridge, seeds, seed, n_test,
                                   nu, ell)
    return _manifold_rf_run(cfg)


def _manifold_rf_run(cfg: _RFSweepConfig) -> ManifoldSweepResult:
    """The sweep itself, on validated settings (one batched nested factorization, (LM.6))."""
    axis, grid, S, seeds, n_test = cfg.axis, cfg.grid, cfg.S, cfg.seeds, cfg.n_test
    children = np.random.SeedSequence(cfg.seed).spawn(seeds)
    draws = [_draw(cfg, c) for c in children]
    F_tr = np.stack([a for a, _ in draws])
    F_te = np.stack([b for _, b in draws])
    losses = np.empty((seeds, len(grid)))
    test_se = np.empty_like(losses)
    for j, B in enumerate(_coef_nested(F_tr, axis, grid, cfg.fixed, cfg.ridge)):
        G = F_te - F_te[:, :, :B.shape[1]] @ B  # residual map, (LM.5)
        losses[:, j], test_se[:, j] = _loss_from_residual(G, S)
    sv = np.linalg.svd(F_te, compute_uv=False)
    rank = tuple(int(r) for r in (sv > 1e-10 * sv[:, :1]).sum(axis=1))
    note = (f"teacher average exact (omega ~ N(0, I/S)); test inputs sampled ({n_test} per "
            "seed, standard error in test_stderr)")
    if grid[-1] >= min(rank):
        note += (f"; WARNING: the grid reaches the teacher's numerical rank {min(rank)} "
                 "(losses there are at rounding level, not on the power law)")
    config = {"domain": cfg.domain, "d": cfg.d, "features": cfg.features, "S": S, "axis": axis,
              ("P" if axis == "D" else "D"): cfg.fixed, "ridge": cfg.ridge, "seeds": seeds,
              "n_test": n_test, "nu": cfg.nu if cfg.features == "matern" else None,
              "ell": cfg.ell if cfg.features != "relu" else None}
    return ManifoldSweepResult(
        axis=axis, grid=grid, losses=losses, test_stderr=test_se, mean=losses.mean(axis=0),
        stderr=losses.std(axis=0, ddof=1) / math.sqrt(seeds), seed=cfg.seed, teacher_rank=rank,
        config=config, note=note)


def _manifold_rf_loop(domain, d, features, *, S, D, P, ridge, seeds, seed, n_test, nu=1.5,
                      ell=1.0) -> np.ndarray:
    """Reference route: per seed and grid point, ``lstsq``/normal equations (for tests)."""
    cfg = _RFSweepConfig.from_args(domain, d, features, S, D, P, ridge, seeds, seed, n_test,
                                   nu, ell)
    out = np.empty((cfg.seeds, len(cfg.grid)))
    for s, child in enumerate(np.random.SeedSequence(cfg.seed).spawn(cfg.seeds)):
        F_tr, F_te = _draw(cfg, child)
        for j, g in enumerate(cfg.grid):
            n, p = (g, cfg.fixed) if cfg.axis == "D" else (cfg.fixed, g)
            Phi, Y = F_tr[:n, :p], F_tr[:n]
            if cfg.ridge > 0:
                B = np.linalg.solve(Phi.T @ Phi + cfg.ridge * np.eye(p), Phi.T @ Y)
            else:
                B = np.linalg.lstsq(Phi, Y, rcond=None)[0]
            G = F_te - F_te[:, :p] @ B
            out[s, j] = float(np.sum(G * G) / (cfg.S * cfg.n_test))
    return out
