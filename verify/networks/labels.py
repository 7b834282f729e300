"""Real labels as the target (the paper's Fig. 3): super-classes, their power in the kernel's
eigenbasis, and kernel regression on them (docs/real_networks.md §6).

The target is the centred one-hot code of the class labels, optionally regrouped into
fewer super-classes (10 -> 5 -> 2: label ``c`` goes to ``c mod k``). Its power in mode ``i`` of
the empirical kernel (RN.12) is

    p_i = sum_c (u_i . y_c)^2 / N          (RN.16)

(``u_i`` the unit eigenvector, ``y_c`` the centred indicator of super-class ``c``), so that
``sum_i p_i`` is the target's mean square. If ``p_i ~ i^-a`` and ``lambda_i ~ i^-b`` the
kernel-limit loss falls as ``D^-min(a-1, 2b)`` (docs/theory/regimes.md (RG.9)); the
deterministic equivalent with ``Target.array(p)`` gives the whole curve. The measurement is
min-norm kernel interpolation of the labels on ``D`` distinct training images, the loss
averaged over all ``N`` inputs and over the classes.
"""

from __future__ import annotations

import numpy as np

from asymptotics._lib import budget
from asymptotics._lib.validation import check_int
from verify.networks.experiment import FeaturePopulation

__all__ = ["kernel_label_losses", "regroup", "target_powers"]


def regroup(labels: np.ndarray, groups: int) -> np.ndarray:
    """Centred one-hot code ``(N, groups)`` of the super-classes ``label mod groups``."""
    groups = check_int("groups", groups, minimum=2)
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer) or labels.min() < 0:
        raise ValueError("`labels` must be a 1-d array of non-negative integer classes")
    y = np.eye(groups)[labels % groups]
    return y - y.mean(axis=0)


def target_powers(pop: FeaturePopulation, Y: np.ndarray) -> tuple[np.ndarray, float]:
    """``p_i`` of (RN.16) for the kept modes, and the power outside them (unlearnable)."""
    Y = np.asarray(Y, dtype=float).reshape(pop.n, -1)
    coef = pop.kernel_rows.T @ Y                          # u_i . y_c
    p = np.sum(coef**2, axis=1) / pop.n                   # (RN.16)
    rest = float(np.sum(Y**2) / pop.n - p.sum())
    return p, max(rest, 0.0)


def kernel_label_losses(pop: FeaturePopulation, Y: np.ndarray, D: np.ndarray,
                        seeds: tuple[int, ...]) -> np.ndarray:
    """Per-seed losses ``(n_seeds, len(D))`` of kernel interpolation of ``Y``, nested D's.

    ``f = K[:, train] K[train, train]^+ y[train]`` with ``K = F F^T`` the kernel of the
    population, the squared error averaged over the ``N`` inputs and summed over columns.
    """
    D = np.asarray(D, dtype=int)
    d_max = int(D.max())
    if d_max > pop.n:
        raise ValueError(f"`D` must be <= the {pop.n} inputs; got {d_max}")
    Y = np.asarray(Y, dtype=float).reshape(pop.n, -1)
    budget.check_seconds("D", d_max, len(seeds) * (2.0 * pop.n * pop.size * d_max
                                                   + float(np.sum(D.astype(float) ** 3))))
    out = np.empty((len(seeds), D.size))
    for s, seed in enumerate(seeds):
        rows = np.random.default_rng(np.random.SeedSequence(seed)).permutation(pop.n)[:d_max]
        cols = pop.features @ pop.features[rows].T        # K[:, train], N x d_max
        for j, d in enumerate(D):
            k_tr = cols[rows[:d], :d]
            alpha = np.linalg.lstsq(k_tr, Y[rows[:d]], rcond=None)[0]
            resid = cols[:, :d] @ alpha - Y
            out[s, j] = float(np.sum(resid**2)) / pop.n
    return out
