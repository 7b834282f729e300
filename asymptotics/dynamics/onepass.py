"""One pass over the data, ``C = 6 P D``: the compute-optimal split of one-pass SGD.

One-pass SGD with batch 1 takes one fresh sample per step, so steps and samples are the same
resource, ``t = D``, and the compute of a model with ``P`` parameters is ``C = 6 P D``
(forward and backward passes). For the top-``P`` student on Gaussian inputs the modes beyond
``P`` are independent of the visible ones, so they act on the first ``P`` modes as label
noise of variance ``T_P = sum_{i>P} p_i``: the exact mean-square recursion (DY.12) of
:mod:`asymptotics.dynamics.sgd` on the truncated spectrum with that noise, plus ``T_P`` at
test time, is the exact mean loss (docs/theory/dynamics.md (DY.36)).

* :func:`one_pass_loss`: that exact loss along ``D`` for one ``P``.
* :func:`one_pass_compute_optimal`: ``P* ~ C^x``, ``D* ~ C^(1-x)``, ``L* ~ C^-y`` by dominant
  balance of ``A P^-(a-1) + B D^-(a-1)/b`` along ``D = C/(6P)`` (DY.37).

References: Lin et al. 2024 (one-pass SGD on a sketched linear model: the reducible risk
``M^-(a-1) + N^-(a-1)/a`` in their notation, the same two terms); Paquette et al. 2024 (the
phases where SGD noise or the embedding changes the balance, not modelled here).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from asymptotics._lib.validation import check_int, check_real
from asymptotics.derivation import REGIMES
from asymptotics.dynamics.laws import DynamicsDerivation, time_exponent
from asymptotics.dynamics.sgd import sgd_curve
from asymptotics.model import ArraySpectrum, PowerLawSpectrum, Target
from asymptotics.rf.laws import rf_exponents

__all__ = ["OnePassOptimal", "one_pass_compute_optimal", "one_pass_loss"]


def one_pass_loss(P: int, steps: int, spectrum: PowerLawSpectrum | ArraySpectrum,
                  target: Target, *, eta: float, noise: float = 0.0) -> np.ndarray:
    """Exact mean test loss of the top-``P`` student after ``0..steps`` one-pass SGD steps.

    The first ``P`` modes follow (DY.12) with label noise ``noise + T_P``; ``T_P`` is added at
    test time (docs/theory/dynamics.md (DY.36)). ``spectrum`` must be finite.
    """
    if not isinstance(spectrum, PowerLawSpectrum | ArraySpectrum) or not spectrum.is_finite:
        raise ValueError("`spectrum` must be a finite PowerLawSpectrum or ArraySpectrum")
    lam = spectrum.eigenvalues()
    P = check_int("P", P, minimum=1, maximum=lam.size)
    noise = check_real("noise", noise, ge=0.0)
    p = target.powers(spectrum)
    tail = float(np.sum(p[P:]))
    head = ArraySpectrum(lam[:P])
    curve = sgd_curve(steps, head, Target.array(p[:P]), eta=eta, batch=1,
                      noise=noise + tail)                   # (DY.36)
    return curve.loss + tail


@dataclass(frozen=True)
class OnePassOptimal:
    """The compute-optimal split of ``C = 6 P D`` (docs/theory/dynamics.md (DY.37)).

    ``x``: ``P* ~ C^x``; ``D* ~ C^(1-x)``; ``loss``: ``L* ~ C^-y``.
    """

    alpha_P: sp.Expr
    alpha_D: sp.Expr
    x: sp.Expr
    loss: DynamicsDerivation

    @property
    def y(self) -> sp.Expr:
        return self.loss.exponent


def one_pass_compute_optimal(b: object, a: object | None = None) -> OnePassOptimal:
    """``P* ~ C^x``, ``D* ~ C^(1-x)``, ``L* ~ C^-y`` for one-pass SGD with ``C = 6 P D``.

    The top-``P`` student's loss is ``A P^-(a-1) + B D^-(a-1)/b`` (DY.37): the never-learned
    tail (DY.4) and the time-limited law (DY.6) with ``t = D``. Along ``D = C/(6P)`` the
    balance ``(a-1) x = ((a-1)/b)(1 - x)`` gives ``x = 1/(1+b)``, ``y = (a-1)/(1+b)``; the
    factor 6 moves ``P*`` by a constant only.
    """
    rf = rf_exponents(b, a)
    at = time_exponent(rf.b, rf.a).exponent                 # (DY.6), t = D
    aa1 = rf.a - 1                                          # tail sum_{i>P} p_i, (DY.4)
    P, C, x = sp.symbols("P C x", positive=True)
    loss_pc = P ** (-aa1) + (C / (6 * P)) ** (-at)          # (DY.37)
    balance = sp.Eq(aa1 * x, at * (1 - x))
    xs = sp.solve(balance, x)[0]
    y = sp.simplify(aa1 * xs)
    loss = DynamicsDerivation(
        quantity="y_C (one pass, C = 6 P D)", exponent=y, prefactor=None, regime=REGIMES[-1],
        conditions=(f"top-P student, alpha_P = a - 1 = {aa1}, alpha_D = (a-1)/b = {at} "
                    "(one pass: t = D, batch 1)",
                    f"P* ~ C^{xs}, D* ~ C^{sp.simplify(1 - xs)}",
                    "eta small and fixed: the SGD-noise terms of (DY.12) scale like the loss "
                    "(no SGD-noise-dominated phase; Paquette et al. 2024's phases with "
                    "eta or batch scaling with C are not modelled)",
                    "no label noise (it adds a floor ~ eta sigma^2)"),
        source="docs/theory/dynamics.md (DY.37); Lin et al. 2024",
        steps=(("loss along the iso-compute line D = C/(6P)", loss_pc),
               ("dominant balance with P = C^x", balance),
               ("optimal exponent x of P*", xs)))
    return OnePassOptimal(aa1, at, xs, loss)

