"""The robust multi-start fit of a law in log space: docs/fitting.md (FIT.11).

The summed (not averaged) Huber loss of the log residuals, minimized by L-BFGS-B from the
best of a grid of starts and polished by trust-region least squares.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize

from verify.fit._numeric import _TOL
from verify.fit.laws import _Law

__all__: list[str] = []

_HUBER_K = 1.345     # Huber's tuning constant: 95% efficiency at the normal
_RUNS = 8            # L-BFGS-B runs: from the starts of lowest initial loss


def _huber(r: np.ndarray, delta: float) -> tuple[float, np.ndarray]:
    """The summed Huber loss of the log residuals and its derivative psi (FIT.11)."""
    a = np.abs(r)
    inside = a <= delta
    rho = np.where(inside, 0.5 * r * r, delta * (a - 0.5 * delta))
    return float(rho.sum()), np.clip(r, -delta, delta)


def _lbfgs(law: _Law, theta0, U, v, delta, bounds):
    def objective(theta):
        lf, jac = law.log_f(theta, U)
        r = v - lf
        loss, psi = _huber(r, delta)
        return loss, -(jac.T @ psi)

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        res = optimize.minimize(objective, np.clip(theta0, *np.array(bounds).T), jac=True,
                                method="L-BFGS-B", bounds=bounds,
                                options={"maxiter": 3000, "ftol": 1e-15, "gtol": 1e-13})
    return res if np.isfinite(res.fun) and np.isfinite(res.x).all() else None


def _polish(law: _Law, theta0, U, v, delta, bounds):
    """The same summed Huber objective by trust-region least squares, to full precision."""
    lo, hi = np.array(bounds).T
    theta0 = np.clip(theta0, lo + 1e-12 * np.maximum(1, abs(lo)), hi - 1e-12 * np.maximum(1, abs(hi)))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        res = optimize.least_squares(lambda t: law.log_f(t, U)[0] - v, theta0,
                                     jac=lambda t: law.log_f(t, U)[1], bounds=(lo, hi),
                                     method="trf", loss="huber", f_scale=delta,
                                     ftol=_TOL, xtol=_TOL, gtol=_TOL, max_nfev=500)
    return res.x


def _multistart(law, U, v, delta, bounds, starts):
    """The best starts by L-BFGS-B on the summed loss; the best optimum polished (FIT.11)."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        first = [_huber(v - law.log_f(np.clip(s, *np.array(bounds).T), U)[0], delta)[0]
                 for s in starts]
    first = [f if math.isfinite(f) else math.inf for f in first]
    starts = [starts[i] for i in np.argsort(first, kind="stable")[:_RUNS]]
    runs = [r for r in (_lbfgs(law, s, U, v, delta, bounds) for s in starts) if r is not None]
    if not runs:
        raise ValueError(f"the {law.name} fit diverged from every one of its {len(starts)} "
                         "starting points; check the data")
    runs.sort(key=lambda r: r.fun)
    best = _polish(law, runs[0].x, U, v, delta, bounds)
    loss = _huber(v - law.log_f(best, U)[0], delta)[0]
    if loss > runs[0].fun:
        best, loss = runs[0].x, float(runs[0].fun)
    return best, loss, [(float(r.fun), tuple(map(float, r.x))) for r in runs]

