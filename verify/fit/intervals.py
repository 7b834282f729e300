"""Parameter intervals of a fitted law: docs/fitting.md (FIT.12).

Huber's Gauss-Newton covariance (the analytic route) and the cluster bootstrap, which
resamples whole size cells or whole groups (seeds) and refits from the optimum.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from asymptotics._lib.budget import check_seconds
from asymptotics._lib.validation import check_int
from verify.fit.estimate import _polish

__all__: list[str] = []

_MIN_CLUSTERS = 10   # fewer resampling units than this: the bootstrap interval is rough


def _covariance(law, theta, U, v, delta):
    """Huber's Gauss-Newton covariance of ``theta``: docs/fitting.md (FIT.12).

    ``inf`` entries where the parameters are not determined; for ``delta`` above every
    residual it is the least-squares ``s^2 (J^T J)^-1``.
    """
    lf, J = law.log_f(theta, U)
    r = v - lf
    n, p = J.shape
    dpsi = (np.abs(r) <= delta).astype(float)
    psi = np.clip(r, -delta, delta)
    m = float(dpsi.mean())
    if n <= p or m == 0 or np.linalg.matrix_rank(J) < p:
        return np.full((p, p), np.inf)
    K = 1 + (p / n) * float(dpsi.var()) / m ** 2
    s2 = float(psi @ psi) / (n - p)
    return K ** 2 * s2 / m ** 2 * np.linalg.pinv(J.T @ J)


def _expanded_level(confidence: float, n_units: int) -> float:
    """The expanded percentile level for ``n_units`` clusters (FIT.12).

    Hesterberg (2015)'s small-sample correction, the one of (FIT.6) with the clusters in
    place of the seeds: :math:`2\\Phi(\\sqrt{G/(G-1)}\\,t_{G-1,(1+c)/2}) - 1`.
    """
    z = math.sqrt(n_units / (n_units - 1)) * stats.t.ppf(0.5 + confidence / 2, n_units - 1)
    return float(2 * stats.norm.cdf(z) - 1)


def _cluster_bootstrap(law, theta, U, v, delta, bounds, units, n_resamples, rng):
    """Refit ``theta`` on ``n_resamples`` resamples of the clusters ``units`` (FIT.12).

    Resamples that leave a size column with fewer than two distinct values are skipped;
    returns the list of refitted ``theta`` tuples.
    """
    dims = U.shape[1]
    n_units = int(units.max()) + 1
    check_seconds("n_resamples", n_resamples, 2e5 * n_resamples * (1 + U.shape[0] / 50),
                  hint="use fewer resamples")
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(
        check_int("rng", rng, minimum=0) if rng is not None else None)
    members = [np.flatnonzero(units == i) for i in range(n_units)]
    boot: list[tuple[float, ...]] = []
    for _ in range(n_resamples):
        pick = gen.integers(0, n_units, n_units)
        idx = np.concatenate([members[i] for i in pick])
        Ub, vb = U[idx], v[idx]
        if any(np.unique(Ub[:, j]).size < 2 for j in range(dims)):
            continue  # a resample that cannot identify the law
        boot.append(tuple(map(float, _polish(law, theta, Ub, vb, delta, bounds))))
    return boot
