"""Nearest-neighbour distances on the unit torus: the measured moments ``E[r_NN^k]``.

The distance ``r`` from a test point to the nearest of ``D`` training points sets the
resolution of every interpolant (docs/laboratory_manifolds.md (LM.11); Bahri et al.
Theorems 2-3). :func:`nn_distance_sweep` measures ``E[r^k]`` for ``D`` uniform points on the
unit-volume torus ``[0, 1)^d`` with periodic KD-trees (``scipy.spatial.KDTree(boxsize=1)``)
over a nested sweep in ``D``.

The module measures; the exact law it is compared with is
:func:`asymptotics.resolution.nn_distance_moment` (docs/theory/regimes.md (RG.5)), which
:func:`nn_moment_exact` only evaluates over a grid of ``D``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from asymptotics._lib.validation import check_int, check_real, check_sorted_int_grid

__all__ = ["NNDistanceResult", "nn_distance_sweep", "nn_moment_exact"]


@dataclass(frozen=True)
class NNDistanceResult:
    """Measured ``E[r_NN^k]`` on the unit torus along a nested ``D`` sweep.

    Attributes
    ----------
    grid : tuple of int
        Training-set sizes ``D`` (seed ``s`` uses the first ``D`` of its own points).
    k : float
        The moment's order.
    moments : ndarray, shape (n_seeds, n_grid)
        Per seed, the mean of ``r^k`` over ``n_test`` test points.
    mean, stderr : ndarray, shape (n_grid,)
        Mean over seeds and std over seeds / sqrt(n_seeds) (test points sharing one
        training set are correlated, so the error uses independent seeds only).
    seed : int
        Root seed; seed ``s`` uses ``SeedSequence(seed).spawn(seeds)[s]``.

    The exact law to compare with is :func:`nn_moment_exact` of ``(d, grid, k)``.
    """

    grid: tuple[int, ...]
    k: float
    moments: np.ndarray
    mean: np.ndarray
    stderr: np.ndarray
    seed: int
    config: dict[str, Any] = field(default_factory=dict)
    note: str = ""


def nn_moment_exact(d: int, D: Any, k: float) -> np.ndarray:
    """``E[r^k]`` of the nearest of ``D`` uniform points on the unit torus, for each ``D``.

    Evaluates :func:`asymptotics.resolution.nn_distance_moment` (docs/theory/regimes.md
    (RG.5), mpmath at 30 digits) at every entry of ``D`` and rounds to float.
    """
    from asymptotics.resolution import nn_distance_moment

    return np.array([float(nn_distance_moment(int(n), d, k=k).exact)  # (RG.5)
                     for n in np.atleast_1d(D)], dtype=np.float64)


@dataclass(frozen=True)
class _NNDistanceConfig:
    """The validated settings of one :func:`nn_distance_sweep` (built by :meth:`from_args`)."""

    d: int
    D: tuple[int, ...]
    k: float
    n_test: int
    seeds: int
    seed: int

    @classmethod
    def from_args(cls, d, D, k, n_test, seeds, seed) -> _NNDistanceConfig:
        """Input validation and standardization for :func:`nn_distance_sweep`."""
        d = check_int("d", d, minimum=1)
        D = check_sorted_int_grid("D", D, minimum=2)
        seeds = check_int("seeds", seeds, minimum=2)
        seed = check_int("seed", seed, minimum=0)
        n_test = check_int("n_test", n_test, minimum=2)
        k = check_real("k", k, gt=0.0)
        return cls(d=d, D=D, k=k, n_test=n_test, seeds=seeds, seed=seed)


def nn_distance_sweep(d: int, D: Any, *, k: float = 1, n_test: int = 1000, seeds: int = 16,
                      seed: int = 0) -> NNDistanceResult:
    """Measure ``E[r_NN^k]`` (periodic distance to the nearest of ``D`` training points).

    Parameters
    ----------
    d : int
        Torus dimension.
    D : sequence of int
        Increasing training-set sizes (nested: the first ``D`` points of one draw per seed).
    k : float
        Order of the moment (> 0).
    n_test, seeds, seed : int
        Sampled test points per seed, repetitions, root seed (``SeedSequence.spawn``).

    Returns
    -------
    NNDistanceResult
    """
    cfg = _NNDistanceConfig.from_args(d, D, k, n_test, seeds, seed)
    return _nn_distance_run(cfg)


def _nn_distance_run(cfg: _NNDistanceConfig) -> NNDistanceResult:
    """The sweep itself, on validated settings."""
    from scipy.spatial import KDTree

    D, seeds = cfg.D, cfg.seeds
    mom = np.empty((seeds, len(D)))
    for s, child in enumerate(np.random.SeedSequence(cfg.seed).spawn(seeds)):
        rng = np.random.default_rng(child)
        train = rng.random((D[-1], cfg.d))
        test = rng.random((cfg.n_test, cfg.d))
        for j, n in enumerate(D):
            r, _ = KDTree(train[:n], boxsize=1.0).query(test)
            mom[s, j] = np.mean(r ** cfg.k)
    return NNDistanceResult(
        grid=D, k=cfg.k, moments=mom, mean=mom.mean(axis=0),
        stderr=mom.std(axis=0, ddof=1) / math.sqrt(seeds), seed=cfg.seed,
        config={"d": cfg.d, "n_test": cfg.n_test, "seeds": seeds},
        note=(f"test set sampled: {cfg.n_test} points per seed; standard error across "
              f"{seeds} seeds"))
