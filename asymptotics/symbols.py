"""The sympy symbols of the derivations, with their assumptions, in one place.

Every derivation module (``variance``, ``resolution``, ``kernel_spectra``, ``tails``,
``rf.integrals``, ``rf.laws``, ``rf.asymptotes``) takes its symbols from here so that
expressions built in different modules combine (sympy identifies symbols by name *and*
assumptions). Notation follows Bahri et al. (docs/references.md, [bahri2021]) and the
theory pages docs/theory/regimes.md and docs/theory/learning_curves.md: ``D`` (training
points) and ``P`` (parameters or features), ``W`` (width), ``d`` (manifold dimension),
``b`` (spectral exponent, ``lambda_i = c i^-b``), ``a`` (target exponent, ``p_i = C i^-a``).

:func:`exact` turns a user's number into an exact sympy number (``1.5 -> 3/2``) so the
exponents the derivations return are exact.
"""

from __future__ import annotations

import numbers
from fractions import Fraction

import sympy as sp

__all__ = [
    "C", "D", "N", "P", "R", "W", "a", "alpha", "b", "c", "d", "delta", "eps", "exact", "f",
    "fbar", "i", "k", "kappa", "n", "nu", "r", "s", "sigma2", "t", "theta", "u", "v", "w", "x",
    "y",
]

# model output, its mean over the randomness, and the target (Bahri et al. Theorem 1;
# docs/theory/regimes.md (RG.1))
#: the model's prediction f (a loss is an expression in ``f`` and ``y``)
f = sp.Symbol("f", real=True)
#: the prediction's mean over the randomness (training set or initialization)
fbar = sp.Symbol("fbar", real=True)
#: the target
y = sp.Symbol("y", real=True)
#: the fluctuation f_hat - fbar (a random variable with mean 0, variance sigma2)
delta = sp.Symbol("delta", real=True)
#: the variance of the prediction (O(1/D) or O(1/width))
sigma2 = sp.Symbol("sigma2", positive=True)
#: the variance's coefficient: Var(f_hat) = v / D or v / W (docs/theory/regimes.md (RG.3))
v = sp.Symbol("v", positive=True)
#: a small real offset (f - y at the minimum of a loss)
eps = sp.Symbol("epsilon", real=True)

# sizes (Bahri's notation) and the manifold dimension
D = sp.Symbol("D", positive=True)
P = sp.Symbol("P", positive=True)
W = sp.Symbol("W", positive=True)
N = sp.Symbol("N", positive=True)
n = sp.Symbol("n", positive=True)
d = sp.Symbol("d", positive=True, integer=True)
i = sp.Symbol("i", positive=True)
k = sp.Symbol("k", positive=True)

# distances, radii, integration variables
r = sp.Symbol("r", positive=True)
R = sp.Symbol("R", positive=True)
x = sp.Symbol("x", positive=True)
u = sp.Symbol("u", positive=True)
theta = sp.Symbol("theta", positive=True)

# exponents and kernel parameters
a = sp.Symbol("a", positive=True)
b = sp.Symbol("b", positive=True)
s = sp.Symbol("s", positive=True)
t = sp.Symbol("t", positive=True)
nu = sp.Symbol("nu", positive=True)
kappa = sp.Symbol("kappa", positive=True)
#: the exponent of the Beta integral I_m(alpha) (docs/theory/learning_curves.md (LC.12))
alpha = sp.Symbol("alpha", positive=True)

# scales of the random-feature model (docs/theory/learning_curves.md §1): spectrum
# lambda_i = c i^-b, power-law target p_i = C i^-a, isotropic teacher p_i = w lambda_i
c = sp.Symbol("c", positive=True)
C = sp.Symbol("C", positive=True)
w = sp.Symbol("w", positive=True)


def exact(value: object) -> sp.Expr:
    """Return ``value`` as an exact sympy number (floats via their decimal form, 12 digits).

    ``exact(1.5) == Rational(3, 2)``, ``exact(0.1) == Rational(1, 10)``; sympy
    expressions pass through unchanged. The caller validates the value first.

    A float is read as its decimal form when that has at most 6 significant digits
    (``5.7 + 0.4 == 6.1000000000000005`` is read as ``61/10``), and otherwise as the nearest
    fraction with denominator at most 10**6 (relative change below 1e-12 for the exponents
    used here): sympy's automatic evaluation of powers such as ``(pi/sin(pi p/q))**(r/s)``
    ran for minutes with 12- to 17-digit denominators (found by the fuzz suite).
    """
    if isinstance(value, sp.Basic):
        return value
    if isinstance(value, bool):
        raise TypeError(f"expected a number; got {value!r} (bool)")
    if isinstance(value, numbers.Integral):
        return sp.Integer(int(value))
    if isinstance(value, numbers.Real):
        short = sp.Rational(f"{float(value):.6g}")
        if abs(float(short) - float(value)) <= 4e-16 * max(1.0, abs(float(value))):
            return short
        frac = Fraction(float(value)).limit_denominator(10**6)
        return sp.Rational(frac.numerator, frac.denominator)
    raise TypeError(f"expected a number; got {value!r} ({type(value).__name__})")
