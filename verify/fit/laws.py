"""The scaling-law forms of :func:`verify.fit.fit_law` in their fitting parametrization.

Every form is :math:`\\log L` as a log-sum-exp of terms linear in :math:`\\log x` (or a
smoothly broken power law, FIT.9), with its Jacobian, its bounds (the identifiability
constraints) and a grid of starting points (FIT.11); see docs/fitting.md. The
two-variable forms are Hoffmann et al. (2022)'s separable law (FIT.10), Kaplan et al.
(2020)'s log-sum-exp form, their Eq. (1.5) (FIT.15), and the random-feature model's
symmetric law of docs/theory/learning_curves.md (LC.8) (FIT.16).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from verify.fit.power import _loglog_line

__all__ = ["MODELS", "TWO_VARIABLE"]

#: The model forms :func:`~verify.fit.law.fit_law` fits (``"broken"`` takes ``breaks=k``).
MODELS = ("power", "offset", "broken", "chinchilla", "kaplan", "rf")

#: The two-variable forms among :data:`MODELS` (sizes ``N, D``; for ``"rf"``, ``P, D``).
TWO_VARIABLE = ("chinchilla", "kaplan", "rf")


def _lse(terms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``log sum_k exp(t_k)`` over the last axis and the softmax weights (no overflow)."""
    top = terms.max(axis=-1, keepdims=True)
    e = np.exp(terms - top)
    s = e.sum(axis=-1, keepdims=True)
    return (top + np.log(s))[..., 0], e / s


def _softplus(z: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, z)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -z))


@dataclass(frozen=True)
class _Law:
    """A model form in its fitting parametrization ``theta`` (logs of positive scales).

    ``log_f(theta, U)`` returns ``log L`` at the log-sizes ``U`` (n, d) and its Jacobian
    (n, p): every form is a log-sum-exp of terms linear in ``log x`` (FIT.9)-(FIT.10), so
    nothing is exponentiated before the logarithm is taken.
    """

    name: str
    dims: int
    breaks: int = 0
    offset: bool = False

    @property
    def theta_names(self) -> tuple[str, ...]:
        if self.name == "power":
            return ("log_A", "alpha")
        if self.name == "offset":
            return ("log_A", "alpha", "log_E")
        if self.name == "chinchilla":
            return ("log_E", "log_A", "alpha", "log_B", "beta")
        if self.name == "kaplan":
            return ("alpha_D", "alpha_N", "log_N_c", "log_D_c")
        if self.name == "rf":
            return ("log_A", "alpha")
        out = ["log_A", "alpha_0"]
        for i in range(1, self.breaks + 1):
            out += [f"log_d_{i}", f"c_{i}", f"log_f_{i}"]
        return tuple(out + (["log_E"] if self.offset else []))

    @property
    def names(self) -> tuple[str, ...]:
        """Natural parameter names (``log_X`` of the fit reported as ``X``)."""
        return tuple(n[4:] if n.startswith("log_") else n for n in self.theta_names)

    @property
    def logged(self) -> np.ndarray:
        return np.array([n.startswith("log_") for n in self.theta_names])

    def log_f(self, theta: np.ndarray, U: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        n, p = U.shape[0], len(theta)
        u = U[:, 0]
        if self.name == "power":  # docs/fitting.md (FIT.9)
            return theta[0] - theta[1] * u, np.stack([np.ones(n), -u], axis=1)
        if self.name == "offset":  # docs/fitting.md (FIT.9)
            terms = np.stack([theta[0] - theta[1] * u, np.full(n, theta[2])], axis=1)
            lf, w = _lse(terms)
            return lf, np.stack([w[:, 0], -u * w[:, 0], w[:, 1]], axis=1)
        if self.name == "chinchilla":  # docs/fitting.md (FIT.10)
            v = U[:, 1]
            terms = np.stack([np.full(n, theta[0]), theta[1] - theta[2] * u,
                              theta[3] - theta[4] * v], axis=1)
            lf, w = _lse(terms)
            return lf, np.stack([w[:, 0], w[:, 1], -u * w[:, 1], w[:, 2], -v * w[:, 2]], axis=1)
        if self.name == "kaplan":  # docs/fitting.md (FIT.15)
            a_d, a_n, l_nc, l_dc = theta
            t1 = (a_n / a_d) * (l_nc - U[:, 0])
            s, w = _lse(np.stack([t1, l_dc - U[:, 1]], axis=1))
            return a_d * s, np.stack([s - w[:, 0] * t1, w[:, 0] * (l_nc - U[:, 0]),
                                      w[:, 0] * a_n, a_d * w[:, 1]], axis=1)
        if self.name == "rf":  # docs/fitting.md (FIT.16)
            lo, hi = U.min(axis=1), U.max(axis=1)
            with np.errstate(divide="ignore"):
                peak = -np.log1p(-np.exp(lo - hi))  # log(max/|max - min|), inf at D = P
            return theta[0] - theta[1] * lo + peak, np.stack([np.ones(n), -lo], axis=1)
        # smoothly broken power law, docs/fitting.md (FIT.9)
        jac = np.zeros((n, p))
        t = theta[0] - theta[1] * u
        jac[:, 0], jac[:, 1] = 1.0, -u
        for i in range(self.breaks):
            ld, c, lfs = theta[2 + 3 * i: 5 + 3 * i]
            f = math.exp(lfs)
            z = (u - ld) / f
            sp, sg = _softplus(z), _sigmoid(z)
            t = t - c * f * sp
            jac[:, 2 + 3 * i] = c * sg
            jac[:, 3 + 3 * i] = -f * sp
            jac[:, 4 + 3 * i] = -c * f * (sp - z * sg)
        if not self.offset:
            return t, jac
        lf, w = _lse(np.stack([t, np.full(n, theta[-1])], axis=1))
        jac = jac * w[:, :1]
        jac[:, -1] = w[:, 1]
        return lf, jac

    def bounds(self, U: np.ndarray, v: np.ndarray) -> list[tuple[float, float]]:
        lo, hi = float(U[:, 0].min()), float(U[:, 0].max())
        reach = 50.0 + 20.0 * float(np.abs(U).max())  # |exponent| <= 20 times log x
        big = (float(v.min()) - reach, float(v.max()) + reach)
        if self.name == "power":
            return [big, (-20.0, 20.0)]
        if self.name == "offset":
            return [big, (1e-6, 20.0), big]
        if self.name == "chinchilla":
            return [big, big, (1e-6, 20.0), big, (1e-6, 20.0)]
        if self.name == "kaplan":  # the scales N_c, D_c may lie far outside the data
            scale = (float(U.min()) - reach, float(U.max()) + reach)
            return [(1e-6, 20.0), (1e-6, 20.0), scale, scale]
        if self.name == "rf":
            return [big, (1e-6, 20.0)]
        out = [big, (-20.0, 20.0)]
        for _ in range(self.breaks):  # a break inside the data; sharpness 1/100 .. 10 decades
            out += [(lo, hi), (-20.0, 20.0), (math.log(0.01), math.log(10 * math.log(10)))]
        return out + ([big] if self.offset else [])

    def min_cells(self) -> int:
        return len(self.theta_names) + 1

    def starts(self, U: np.ndarray, v: np.ndarray) -> list[np.ndarray]:
        """A grid of starting points (FIT.11): the linear parameters by least squares."""
        u = U[:, 0]
        ymin = float(v.min())  # log of the smallest loss
        fracs = np.log([0.05, 0.3, 0.6, 0.9, 0.99, 0.999])
        if self.name == "power":
            line = _loglog_line(u, v, np.ones_like(u), data_rel_error=0.0, weights_given=False)
            base = np.array([line.intercept, -line.slope])
            return [base] + [base + np.array([0.0, d]) for d in (-0.5, 0.5)]
        if self.name == "offset":
            out = []
            for lf in fracs:
                le = ymin + lf
                shifted = np.log(-np.expm1(le - v)) + v  # log(y - E), y > E
                line = _loglog_line(u, shifted, np.ones_like(u), data_rel_error=0.0,
                                    weights_given=False)
                out.append(np.array([line.intercept, max(-line.slope, 1e-3), le]))
            return out
        if self.name == "chinchilla":
            out = []
            w = U[:, 1]
            for lf in fracs[1:4]:
                le = ymin + lf
                rest = np.exp(v - le) - 1.0  # (y - E)/E > 0
                for a in (0.2, 0.5, 1.0):
                    for b in (0.2, 0.5, 1.0):
                        M = np.stack([np.exp(-a * (u - u.mean())), np.exp(-b * (w - w.mean()))],
                                     axis=1)
                        coef = optimize.nnls(M, rest)[0]
                        coef = np.maximum(coef, 1e-6 * max(float(rest.mean()), 1e-300))
                        out.append(np.array([le, le + math.log(coef[0]) + a * u.mean(), a,
                                             le + math.log(coef[1]) + b * w.mean(), b]))
            return out
        if self.name == "kaplan":
            out = []
            w = U[:, 1]
            for a_d in (0.1, 0.3, 0.6, 1.0):
                top = float((v / a_d).max())
                target = np.exp(v / a_d - top)  # L^(1/alpha_D), scaled: (N_c/N)^g + D_c/D
                for a_n in (0.1, 0.3, 0.6, 1.0):
                    g = a_n / a_d
                    M = np.stack([np.exp(-g * (u - u.mean())), np.exp(-(w - w.mean()))], axis=1)
                    coef = optimize.nnls(M, target)[0]
                    coef = np.maximum(coef, 1e-6 * max(float(target.mean()), 1e-300))
                    out.append(np.array([a_d, a_n, (top + math.log(coef[0])) / g + u.mean(),
                                         top + math.log(coef[1]) + w.mean()]))
            return out
        if self.name == "rf":
            lo, hi = U.min(axis=1), U.max(axis=1)
            peak = -np.log1p(-np.exp(lo - hi))
            line = _loglog_line(lo, v - peak, np.ones_like(lo), data_rel_error=0.0,
                                weights_given=False)
            base = np.array([line.intercept, max(-line.slope, 1e-3)])
            return [base] + [base + np.array([0.0, d]) for d in (-0.3, 0.3)]
        # broken: breaks at quantile combinations of log x, slopes from the pieces
        grid = np.quantile(u, np.linspace(0.15, 0.85, 3 + self.breaks))
        out = []
        for locs in itertools.combinations(grid, self.breaks):
            edges = [-np.inf, *locs, np.inf]
            slopes = []
            for a, b in itertools.pairwise(edges):
                m = (u >= a) & (u <= b)
                if m.sum() >= 2 and np.ptp(u[m]) > 0:
                    slopes.append(_loglog_line(u[m], v[m], np.ones(int(m.sum())),
                                               data_rel_error=0.0, weights_given=False))
                else:
                    slopes.append(None)
            if slopes[0] is None or any(s is None for s in slopes):
                continue
            for lfs in (math.log(0.1), math.log(1.0)):
                theta = [slopes[0].intercept, -slopes[0].slope]
                prev = -slopes[0].slope
                for loc, s in zip(locs, slopes[1:], strict=True):
                    theta += [float(loc), -s.slope - prev, lfs]
                    prev = -s.slope
                if self.offset:
                    for lf in fracs[:3]:
                        out.append(np.array([*theta, ymin + lf]))
                else:
                    out.append(np.array(theta))
        return out


def _natural(law: _Law, theta: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return np.where(law.logged, np.exp(np.where(law.logged, theta, 0.0)), theta)

