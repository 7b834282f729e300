"""The label-noise crossover of kernel ridge regression (docs/theory/dynamics.md §8).

With label noise of variance ``sigma^2`` the ridge must grow with ``D`` to stop the student
fitting the noise, and the learning curve bends from the noiseless rate to a slower noisy one
(Cui et al. 2021). Everything here follows from the kernel-limit
deterministic equivalent the toolkit already evaluates (docs/theory/learning_curves.md
(LC.1)-(LC.2), :func:`asymptotics.rf.learning_curves.learning_curve`):

* :func:`noise_crossover`: sympy derivations, by dominant balance of bias against noise
  variance in the renormalized ridge ``kappa`` (DY.30)-(DY.33), of the noiseless rate
  ``m = min(a-1, 2b)``, the optimal-ridge noisy rate ``m/(m+1)``, the optimal ridge
  ``delta* ~ D^(1 - b/(m+1))`` and the crossover sample size ``D_x ~ (sigma^2/C)^(-1/m)``
  where the optimal ridge switches on (DY.34).
* :func:`optimal_ridge_curve`: the numerical route: the deterministic-equivalent loss
  minimized over the ridge at each ``D`` (DY.35), optionally re-evaluated at ``dps`` digits
  at the minimizing ridge.

References: Cui et al. 2021 (the rates and the crossover; their capacity ``alpha`` is ``b``
and their source ``r`` is ``(a-1)/(2b)``); Caponnetto et al. 2007 (with De Vito) (the noisy
optimal-ridge rate ``2 alpha r/(1 + 2 alpha r)``).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from asymptotics import symbols as sy
from asymptotics._lib.budget import check_seconds
from asymptotics._lib.validation import check_int, check_real
from asymptotics.derivation import Derivation
from asymptotics.model import ArraySpectrum, PowerLawSpectrum, Target
from asymptotics.rf.integrals import beta_value, simplify_exact
from asymptotics.rf.laws import rf_exponents

__all__ = ["NoiseCrossover", "OptimalRidgeCurve", "crossover_scaling", "noise_crossover",
           "optimal_ridge_curve"]

_REGIME = "resolution-limited (data)"
_SOURCE = "docs/theory/dynamics.md (DY.30)-(DY.34); Cui et al. 2021"


@dataclass(frozen=True)
class NoiseCrossover:
    """The noise crossover of the kernel-limit learning curve (docs/theory/dynamics.md §8).

    Attributes
    ----------
    a, b : sympy.Expr
        Target and spectrum exponents (``p_k = C k^-a``, ``lambda_k = k^-b``).
    m : sympy.Expr
        ``min(a-1, 2b)``: the noiseless rate, Bahri's ``alpha_D`` (DY.31).
    noiseless : Derivation
        ``E ~ D^-m`` at ``sigma^2 = 0`` (:func:`asymptotics.rf.laws.rf_exponents`'s
        ``alpha_D``).
    noisy : Derivation
        ``E* ~ (sigma^2/D)^(m/(m+1))`` at the optimal ridge (DY.32), with its prefactor.
    ridge : Derivation
        The optimal ridge ``delta* ~ D^-(b/(m+1) - 1)`` (a growth where the exponent is
        negative) (DY.33); prefactor at ``sigma^2 = C = 1``.
    crossover : Derivation
        ``D_x ~ rho^(-1/m)`` in the noise-to-signal ratio ``rho = sigma^2/C`` (DY.34),
        prefactor at ``rho = 1``.
    amplitude : sympy.Expr
        ``A c1^m``: the loss scale ``E = C A c1^m D^-m F(D/D_x)`` of (DY.35).
    """

    a: sp.Expr
    b: sp.Expr
    m: sp.Expr
    noiseless: Derivation
    noisy: Derivation
    ridge: Derivation
    crossover: Derivation
    amplitude: sp.Expr

    def crossover_size(self, noise: float, power: float = 1.0) -> float:
        """``D_x`` of (DY.34) for label-noise variance ``noise`` and target scale ``power``
        (``p_k = power k^-a``)."""
        rho = check_real("noise", noise, gt=0.0) / check_real("power", power, gt=0.0)
        return float(self.crossover.prefactor) * rho ** (-float(self.crossover.exponent))

    def optimal_ridge(self, D: Any, noise: float, power: float = 1.0) -> np.ndarray:
        """The asymptotic optimal ridge (DY.33) at ``D >> D_x`` (``delta`` on the sum loss)."""
        D = np.asarray(D, dtype=float)
        noise = check_real("noise", noise, gt=0.0)
        power = check_real("power", power, gt=0.0)
        g = float(self.ridge.exponent)
        # (DY.33): delta* = kappa* D with kappa* ~ (rho/D)^(b/(m+1)); power^(1 - q) scales A
        q = float(self.b / (self.m + 1))
        return float(self.ridge.prefactor) * noise ** q * power ** (1.0 - q) * D ** (-g)

    def scaled_loss(self, D: Any, noise: float, power: float = 1.0) -> np.ndarray:
        """The continuum optimal-ridge loss ``C A c1^m D^-m F(D/D_x)`` of (DY.35), ``F`` from
        :func:`crossover_scaling`: the noiseless rate, the noisy one and the bend."""
        D = np.asarray(D, dtype=float)
        X = D / self.crossover_size(noise, power)
        F = crossover_scaling(np.atleast_1d(X), self.b, self.a).reshape(D.shape)
        return power * float(self.amplitude) * D ** (-float(self.m)) * F

    def to_dict(self) -> dict:
        return {"a": sp.sstr(self.a), "b": sp.sstr(self.b), "m": sp.sstr(self.m),
                "noiseless": self.noiseless.to_dict(), "noisy": self.noisy.to_dict(),
                "ridge": self.ridge.to_dict(), "crossover": self.crossover.to_dict()}


def noise_crossover(b: object, a: object | None = None) -> NoiseCrossover:
    """The two rates, the optimal ridge and the crossover size of the noisy kernel curve.

    Parameters
    ----------
    b : float or sympy number
        Spectrum exponent ``lambda_k = k^-b``, ``b > 1``.
    a : float or sympy number, optional
        Target exponent ``p_k = C k^-a``, ``a > 1`` (default ``a = b``: isotropic teacher).
        ``a - 1 = 2b`` (where the bias changes form and logarithms appear) is refused.

    Notes
    -----
    In the kernel limit the loss (LC.2) is ``(B + sigma^2 df2/D)/(1 - df2/D)``; at large ``D``
    with ``kappa`` above its ridgeless value ``kappa_0 ~ D^-b`` it is
    ``A kappa^s + sigma^2 c2 kappa^(-1/b)/D`` with ``s = m/b`` (DY.30). Setting its
    ``kappa``-derivative to zero gives ``kappa*`` and the noisy rate (DY.32); the ridge that
    produces ``kappa*`` is ``delta* = kappa* D`` by (LC.1) (DY.33); ``kappa* = kappa_0``
    defines the crossover (DY.34). The constants ``c1, c2, A`` are the Beta integrals of
    :func:`asymptotics.rf.integrals.beta_value` (or ``zeta(a - 2b)`` when ``a - 1 > 2b``).
    """
    rf = rf_exponents(b, a)
    return _noise_crossover(rf.a, rf.b)


@functools.lru_cache(maxsize=128)
def _noise_crossover(aa: sp.Expr, bb: sp.Expr) -> NoiseCrossover:
    if aa - 1 == 2 * bb:
        raise ValueError(f"`a` must differ from 1 + 2b (the bias B(kappa) ~ kappa^2 log(1/kappa)"
                         f" there has no pure power law); got a={aa}, b={bb}")
    rf = rf_exponents(bb, aa)
    m = sp.Min(aa - 1, 2 * bb)
    s = m / bb
    k, D, rho = sy.kappa, sy.D, sy.sigma2      # rho = sigma^2 / C (target scale C = 1)
    c1 = beta_value(1, 1 / bb) / bb            # df1 ~ c1 kappa^(-1/b), (LC.12)
    c2 = beta_value(2, 1 / bb) / bb            # df2 ~ c2 kappa^(-1/b)
    if aa - 1 < 2 * bb:
        A = beta_value(2, 2 - s) / bb          # B ~ A kappa^((a-1)/b), (LC.12) with y = kappa k^b
        bias_note = "B(kappa) ~ A kappa^((a-1)/b), A = I_2(2 - (a-1)/b)/b"
    else:
        A = sp.zeta(aa - 2 * bb)               # B ~ kappa^2 sum_k p_k/lambda_k^2
        bias_note = "B(kappa) ~ A kappa^2, A = zeta(a - 2b) (saturated: a - 1 > 2b)"
    # the balance in symbolic constants A, c1, c2 (their Beta values enter at the end)
    As, c1s, c2s = sp.symbols("A c_1 c_2", positive=True)
    values = {As: A, c1s: c1, c2s: c2}
    energy = As * k ** s + rho * c2s * k ** (-1 / bb) / D                # (DY.30)
    stationary = sp.Eq(sp.diff(energy, k), 0)
    # k^(1/b + 1) dE/dk is linear in z = k^(s + 1/b): solve for z, then take the root
    z = sp.Symbol("z", positive=True)
    linear = sp.expand(sp.powsimp(stationary.lhs * k ** (1 / bb + 1), force=True))
    linear = linear.subs(k ** (s + 1 / bb), z)
    if linear.has(k):
        raise ArithmeticError(f"the balance (DY.30) is not linear in z: {linear}")
    kstar = sp.powsimp(_linear_root(linear, z) ** (1 / (s + 1 / bb)), force=True)  # (DY.32)
    loss = sp.powsimp(sp.simplify(energy.subs(k, kstar)), force=True)
    rate = sp.simplify(-D * sp.diff(sp.log(loss), D))
    pre_noisy = simplify_exact(sp.simplify(loss * (D / rho) ** rate).subs(values))
    delta = sp.powsimp(kstar * D, force=True)                           # (DY.33), (LC.1)
    ridge_exp = sp.simplify(-D * sp.diff(sp.log(delta), D))
    pre_ridge = simplify_exact(sp.simplify(delta * D ** ridge_exp).subs(rho, 1).subs(values))
    kappa0 = (c1s / D) ** bb                                             # df1(kappa_0) = D
    # log kappa* = log kappa_0 is linear in log D: solve for L = log D
    L = sp.Symbol("L", real=True)
    gap = sp.expand_log(sp.log(kstar) - sp.log(kappa0), force=True).subs(sp.log(D), L)
    Dx = sp.powsimp(sp.exp(_linear_root(gap, L)), force=True)
    cross_exp = sp.simplify(-rho * sp.diff(sp.log(Dx), rho))
    pre_cross = simplify_exact(sp.simplify(Dx * rho ** cross_exp).subs(values))
    common = (f"kernel limit (P = inf), lambda_k = k^-{bb}, p_k = C k^-{aa}, "
              f"m = min(a-1, 2b) = {m}", bias_note,
              "a - 1 != 2b (logarithmic corrections there)")
    noisy = Derivation(
        quantity="alpha_D (noisy, optimal ridge)", exponent=sp.nsimplify(rate),
        prefactor=pre_noisy, regime=_REGIME,
        conditions=(*common, "label noise sigma^2 > 0 and the ridge tuned at every D",
                    "D >> D_x (DY.34), and df2/D -> 0 at the optimum",
                    "prefactor of (sigma^2/(C D))^(m/(m+1)) times C"),
        source=_SOURCE,
        steps=(("bias + noise variance in kappa (DY.30)", energy),
               ("stationary point", stationary), ("kappa*", kstar), ("E*", loss),
               ("A", A), ("c_1 (df1 ~ c_1 kappa^(-1/b))", c1),
               ("c_2 (df2 ~ c_2 kappa^(-1/b))", c2)))
    ridge = Derivation(
        quantity="delta* (optimal ridge on the sum loss)", exponent=sp.nsimplify(ridge_exp),
        prefactor=pre_ridge, regime=_REGIME,
        conditions=(*common, "delta* = kappa* (D - df1) ~ kappa* D (LC.1)",
                    "decay exponent: delta* ~ D^-(b/(m+1) - 1) (negative: grows with D)",
                    "prefactor at sigma^2 = C = 1; delta* ~ sigma^(2b/(m+1)) "
                    "C^(1 - b/(m+1))"),
        source="docs/theory/dynamics.md (DY.33); Cui et al. 2021",
        steps=(("delta* = kappa* D", delta),))
    crossover = Derivation(
        quantity="D_x (noise crossover)", exponent=sp.nsimplify(cross_exp),
        prefactor=pre_cross, regime=_REGIME,
        conditions=(*common, "D_x: the D where kappa* of (DY.32) meets the ridgeless "
                    "kappa_0 = (c1/D)^b; below it the optimal ridge is ~0 and the curve "
                    "follows the noiseless rate m",
                    "D_x ~ (sigma^2/C)^(-1/m): Cui et al.'s n* ~ sigma^(-1/(alpha min(r,1)))",
                    "prefactor at sigma^2/C = 1"),
        source="docs/theory/dynamics.md (DY.34); Cui et al. 2021",
        steps=(("ridgeless kappa_0, df1(kappa_0) = D", kappa0),
               ("kappa* = kappa_0 solved for D", Dx)))
    amplitude = simplify_exact(A * c1 ** m)
    if pre_noisy.free_symbols | pre_ridge.free_symbols | pre_cross.free_symbols:
        raise ArithmeticError("a prefactor of (DY.32)-(DY.34) kept a free symbol")
    return NoiseCrossover(aa, bb, sp.nsimplify(m), rf.alpha_D, noisy, ridge, crossover,
                          amplitude)


def crossover_scaling(X: Any, b: object, a: object | None = None) -> np.ndarray:
    """The crossover function ``F(X)`` of docs/theory/dynamics.md (DY.35), ``X = D/D_x``.

    In the continuum limit of the kernel-limit equivalent (df1 = c1 kappa^(-1/b),
    df2 = c2 kappa^(-1/b), B = A kappa^s exactly), with ``u = kappa/kappa_0 >= 1`` (any
    ridge ``delta >= 0``, (LC.1)) the loss (LC.2) at noise ``sigma^2`` is
    ``C A c1^m D^-m (u^s + m X^m u^(-1/b)) / (1 - (1 - 1/b) u^(-1/b))``; ``F`` is its minimum
    over ``u`` (bounded Brent on ``log u``). ``F(X) -> F(0)``, a constant, for ``X << 1``
    (the noiseless rate ``m``) and ``F ~ X^(m/(m+1))`` for ``X >> 1`` (the noisy rate).
    """
    from scipy.optimize import minimize_scalar

    rf = rf_exponents(b, a)
    aa, bb = rf.a, rf.b
    m = float(min(aa - 1, 2 * bb))
    s, q, r = m / float(bb), 1.0 / float(bb), 1.0 - 1.0 / float(bb)
    Xa = np.atleast_1d(np.asarray(X, dtype=float))
    if not np.all(np.isfinite(Xa)) or np.any(Xa < 0):
        raise ValueError(f"`X` must be finite and >= 0; got {X!r}")
    check_seconds("X", Xa.size, 1e-3 * Xa.size, rate=1.0, hint="fewer points")
    out = np.empty(Xa.size)
    for j, x in enumerate(Xa.ravel()):
        tau = m * x ** m

        def f(v: float, tau: float = tau) -> float:          # v = log u >= 0
            return ((math.exp(s * v) + tau * math.exp(-q * v)) / (1.0 - r * math.exp(-q * v)))
        # the minimizer is below the noisy balance point u ~ tau^(1/(s+q)) times a few
        hi = max(1.0, math.log(max(tau, 1.0)) / (s + q) + 5.0)
        res = minimize_scalar(f, bounds=(0.0, hi), method="bounded", options={"xatol": 1e-10})
        out[j] = min(float(res.fun), f(0.0))
    return out.reshape(np.shape(X))


def _linear_root(expr: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """The root of ``expr = c1 var + c0`` (refused unless linear in ``var``); explicit, as
    ``sympy.solve``'s root check expands ``k^(5/6)``-type powers for minutes."""
    expr = sp.expand(expr)
    c1, c0 = expr.coeff(var, 1), expr.coeff(var, 0)
    if sp.expand(expr - c1 * var - c0) != 0 or c1.has(var) or c1 == 0:
        raise ArithmeticError(f"not linear in {var}: {expr}")
    return -c0 / c1


@dataclass(frozen=True)
class OptimalRidgeCurve:
    """The deterministic-equivalent loss minimized over the ridge at each ``D`` (DY.35).

    Attributes
    ----------
    D : numpy.ndarray
    ridge : numpy.ndarray
        The minimizing ridge (``delta`` on the sum loss; 0 where ridge 0 is best).
    loss : numpy.ndarray
        ``min_delta E(D, delta)`` in float64.
    loss_mp : tuple or None
        The loss at ``ridge`` at ``dps`` digits
        (:func:`asymptotics.rf.learning_curves.learning_curve`), when asked for.
    certified_digits : tuple or None
    noise : float
    """

    D: np.ndarray
    ridge: np.ndarray
    loss: np.ndarray
    loss_mp: tuple | None
    certified_digits: tuple | None
    noise: float


#: points of the coarse log-ridge grid; the best cell is refined by bounded Brent
_GRID = 17
#: tolerance of the refinement in log(ridge): the loss is flat to O(tol^2) there
_XATOL = 1e-7


def _eigenvalue(spectrum: PowerLawSpectrum | ArraySpectrum, d: float) -> float:
    """``lambda`` at index ``min(d, S)`` (``scale d^-b`` for an infinite power law)."""
    if spectrum.is_finite:
        lam = spectrum.eigenvalues()
        return float(lam[min(int(d), lam.size) - 1])
    return spectrum.scale * d ** (-spectrum.b)


def optimal_ridge_curve(D: Any, spectrum: PowerLawSpectrum | ArraySpectrum, target: Target, *,
                        noise: float, dps: int | None = None) -> OptimalRidgeCurve:
    """``min over ridge of E(D, ridge)`` of the kernel-limit curve at each ``D`` (DY.35).

    Parameters
    ----------
    D : array_like
        Sample sizes (>= 1, finite).
    spectrum, target : see :mod:`asymptotics.model`
    noise : float
        Label-noise variance ``sigma^2 >= 0``.
    dps : int, optional
        Re-evaluate the loss at the minimizing ridges with
        :func:`asymptotics.rf.learning_curves.learning_curve` at ``dps`` digits.

    Notes
    -----
    Per ``D``: a coarse grid of 17 ridges, log-spaced over
    ``[1e-8 D lambda_D, 1e3 tr D]`` (``tr`` the trace: beyond the top the predictor is
    ~0; ``D lambda_D`` is the scale of the ridgeless ``kappa_0 D``, below which the ridge
    no longer acts),
    then bounded Brent on ``log ridge`` in the best cell and its neighbours; ridge 0 is kept
    where it is at least as good. The loss is flat at the minimum, so the float64 minimizer
    is accurate enough for a ``dps``-digit value of the minimum to ``O(xatol^2)``.
    """
    from scipy.optimize import minimize_scalar

    from asymptotics.rf.learning_curves import learning_curve, learning_curve_float

    Da = np.atleast_1d(np.asarray(D, dtype=float))
    if Da.ndim != 1 or not np.all(np.isfinite(Da)) or np.any(Da < 1):
        raise ValueError(f"`D` must be a 1-d array of finite sizes >= 1; got {D!r}")
    noise = check_real("noise", noise, ge=0.0, le=1e100)
    if dps is not None:
        dps = check_int("dps", dps, minimum=5, maximum=1000)
    check_seconds("D", Da.size, 4e-3 * 45 * Da.size, rate=1.0,
                  hint="fewer sample sizes")
    if not isinstance(spectrum, PowerLawSpectrum | ArraySpectrum):
        raise TypeError("`spectrum` must be a PowerLawSpectrum or ArraySpectrum; got "
                        f"{type(spectrum).__name__}")
    if spectrum.is_finite:
        trace = float(np.sum(spectrum.eigenvalues()))
    else:  # sum_k c k^-b <= c b/(b-1), the bound of (LC.19)
        trace = spectrum.scale * spectrum.b / (spectrum.b - 1.0)
    ridges, losses = np.empty(Da.size), np.empty(Da.size)
    for j, d in enumerate(Da):
        def f(u: float, d: float = d) -> float:
            return float(learning_curve_float(d, math.inf, spectrum, target,
                                              ridge=math.exp(u), noise=noise)[0])
        hi = math.log(1e3 * trace * d)
        lo = max(math.log(1e-8 * d * _eigenvalue(spectrum, d)), math.log(1e-38))
        grid = np.linspace(lo, hi, _GRID)
        vals = np.array([f(u) for u in grid])
        i = int(np.argmin(vals))
        res = minimize_scalar(f, bounds=(grid[max(i - 1, 0)], grid[min(i + 1, _GRID - 1)]),
                              method="bounded", options={"xatol": _XATOL})
        best_u, best = (float(res.x), float(res.fun)) if res.fun <= vals[i] \
            else (float(grid[i]), float(vals[i]))
        zero = float(learning_curve_float(d, math.inf, spectrum, target, noise=noise)[0])
        if zero <= best:
            ridges[j], losses[j] = 0.0, zero
        else:
            ridges[j], losses[j] = math.exp(best_u), best
    loss_mp = digits = None
    if dps is not None:
        vals, digs = [], []
        for d, r in zip(Da, ridges, strict=True):
            lc = learning_curve(d, math.inf, spectrum, target, ridge=float(r), noise=noise,
                                dps=dps)
            vals.append(lc.loss[0])
            digs.append(lc.certified_digits[0])
        loss_mp, digits = tuple(vals), tuple(digs)
    return OptimalRidgeCurve(Da, ridges, losses, loss_mp, digits, noise)
