"""Variance-limited regime: Theorem 1 of Bahri et al. as a symbolic Taylor expansion.

The prediction ``f_hat`` fluctuates around its mean ``fbar`` (over training sets, or over
initializations at finite width) with variance ``Var = v/D`` or ``v/W``. Expanding the loss
around the mean predictor (docs/theory/regimes.md (RG.1)-(RG.3)),

    E[l(fbar + delta)] = l(fbar) + l'(fbar) E[delta] + 1/2 l''(fbar) E[delta^2] + O(E[delta^3]),

the first-order term vanishes because ``E[delta] = 0`` and the excess loss is
``1/2 l''(fbar) Var ~ x^-1``: ``alpha_D = alpha_W = 1``. Theorem 1 requires ``l`` to be a
polynomial, to have a bounded second derivative, or to be 2-Hölder; when ``l''`` is
unbounded or undefined at the minimum (absolute error) the derivation says so and
derives the exponent that replaces 1 at the minimum instead.

The loss registry :data:`LOSSES` (also used by :mod:`asymptotics.resolution`) writes each
loss as a sympy expression in the prediction ``f`` and the target ``y``, minimized at
``f = y`` with value 0 (for the logistic loss, ``f`` and ``y`` are logits and the loss is
the KL divergence, i.e. the cross-entropy minus its minimum).
"""

from __future__ import annotations

import functools

import sympy as sp

from asymptotics._lib.validation import check_choice, check_expression
from asymptotics.derivation import Derivation
from asymptotics.symbols import D, P, W, delta, eps, f, fbar, sigma2, v, y

__all__ = ["LOSSES", "huber_threshold", "likelihood_excess", "loss_expression",
           "noise_scale", "sandwich_excess", "theorem1_conditions", "variance_limited"]

#: the Huber loss's threshold (a positive symbol)
huber_threshold = sp.Symbol("c_H", positive=True)
#: the standard deviation of the Gaussian label noise of :func:`sandwich_excess`
noise_scale = sp.Symbol("sigma_epsilon", positive=True)


def _sigmoid(z: sp.Expr) -> sp.Expr:
    return 1 / (1 + sp.exp(-z))


def _build_losses() -> dict[str, sp.Expr]:
    e = f - y
    c = huber_threshold
    logistic = (sp.log(1 + sp.exp(f)) - _sigmoid(y) * f
                - (sp.log(1 + sp.exp(y)) - _sigmoid(y) * y))
    return {
        "squared": e**2,
        "absolute": sp.Abs(e),
        "huber": sp.Piecewise((e**2 / 2, sp.Abs(e) <= c), (c * (e - c / 2), e > c),
                              (c * (-e - c / 2), True)),
        "logistic": logistic,
        "cross_entropy": logistic,
        "log_cosh": sp.log(sp.cosh(e)),
        "pseudo_huber": sp.sqrt(1 + e**2) - 1,
        "quartic": e**4,
    }


#: named losses l(f, y), each minimized at f = y with l(y, y) = 0
LOSSES: dict[str, sp.Expr] = _build_losses()
_ALIASES = {"mse": "squared", "l2": "squared", "l1": "absolute", "mae": "absolute",
            "ce": "cross_entropy", "bce": "logistic"}


def loss_expression(loss: str | sp.Expr) -> tuple[str, sp.Expr]:
    """Return ``(name, l(f, y))`` for a loss name, an expression's text, or a sympy expression.

    A string that is a single word is a name from :data:`LOSSES` (or an alias). Any other
    string is read as an expression in ``f`` (prediction), ``y`` (target) and ``c_H`` (the
    Huber threshold) by :func:`asymptotics._lib.validation.check_expression`, which executes
    nothing and allows only numbers, those names, ``+ - * / **`` and a fixed list of functions
    (``"abs(f - y)**3"``, ``"sqrt(1 + (f - y)**2) - 1"``). A sympy expression must contain
    :data:`asymptotics.symbols.f`.
    """
    if isinstance(loss, str) and not loss.strip().isidentifier():
        loss = check_expression("loss", loss, {"f": f, "y": y, "c_H": huber_threshold})
    if isinstance(loss, sp.Basic):
        if f not in loss.free_symbols:
            raise ValueError("`loss` must be a sympy expression in the prediction "
                             f"`asymptotics.symbols.f` (and target `y`); got {loss!r}, which "
                             "does not contain f")
        return sp.sstr(loss), sp.sympify(loss, strict=True)
    if isinstance(loss, str):
        loss = _ALIASES.get(loss.strip().lower(), loss.strip().lower())
    name = check_choice("loss", loss, sorted(LOSSES))
    return name, LOSSES[name]


def theorem1_conditions(expr: sp.Expr) -> tuple[bool, str]:
    """Check Theorem 1's hypotheses on ``l(f)``: polynomial, or bounded ``l''``.

    Returns ``(holds, reason)``. Bounded ``l''`` is checked branch by branch: no Dirac
    delta, finite at the minimum ``f = y``, finite limits as ``f -> +-oo``.
    """
    if expr.is_polynomial(f):
        return True, f"l is a polynomial of degree {sp.degree(expr, f)} in f (Theorem 1, case 1)"
    second = sp.diff(expr, f, 2)
    branches = [e for e, _ in second.args] if isinstance(second, sp.Piecewise) else [second]
    for branch in branches:
        if branch.has(sp.DiracDelta):
            return False, (f"l''(f) = {sp.sstr(second)} contains a Dirac delta: l'' is unbounded "
                           "(undefined) at the minimum f = y, so Theorem 1 does not apply")
    at_min = second.subs(f, y)
    if not sp.simplify(at_min).is_finite:
        return False, f"l''(y) = {sp.sstr(at_min)} is not finite at the minimum"
    for branch in branches:
        for end in (sp.oo, -sp.oo):
            lim = sp.limit(branch, f, end)
            if not lim.is_finite:
                return False, f"l''(f) -> {lim} as f -> {end}: l'' is unbounded"
    return True, f"l''(f) = {sp.sstr(sp.simplify(second))} is bounded (Theorem 1, case 2)"


def variance_limited(loss: str | sp.Expr = "squared", axis: str = "data") -> Derivation:
    """Derive the variance-limited exponent (Bahri et al. Theorem 1).

    Parameters
    ----------
    loss : str or sympy.Expr
        A name from :data:`LOSSES` (aliases ``mse``, ``l1``, ``mae``, ``ce``, ``bce``) or an
        expression in ``asymptotics.symbols.f`` (prediction) and ``y`` (target).
    axis : {"data", "width"}
        Fixed parameters and growing data ``D`` (``Var = v/D``), or fixed data and growing
        width ``W`` (``Var = v/W``).

    Returns
    -------
    Derivation
        ``alpha_D`` or ``alpha_W``; ``exponent = 1`` and prefactor ``1/2 l''(fbar) v`` when
        Theorem 1 applies, docs/theory/regimes.md (RG.3). Otherwise ``holds=False`` and the
        exponent of ``E|delta| ~ Var^(1/2)`` for Gaussian fluctuations at the minimum, (RG.4).
    """
    name, expr = loss_expression(loss)
    axis = check_choice("axis", axis, ("data", "width"))
    return _variance_limited(name, expr, axis)


@functools.lru_cache(maxsize=256)
def _variance_limited(name: str, expr: sp.Expr, axis: str) -> Derivation:
    size, quantity = (D, "alpha_D") if axis == "data" else (W, "alpha_W")
    regime = f"variance-limited ({axis})"
    source = "Bahri et al. Theorem 1; docs/theory/regimes.md (RG.1)-(RG.3)"
    holds, reason = theorem1_conditions(expr)
    variance_law = sp.Eq(sigma2, v / size)
    if not holds:
        return _nonsmooth(name, expr, size, quantity, regime, reason, variance_law)
    # docs/theory/regimes.md (RG.1): Taylor expansion around the mean predictor
    coeffs = [sp.simplify(sp.diff(expr, f, j).subs(f, fbar) / sp.factorial(j)) for j in range(3)]
    taylor = coeffs[0] + coeffs[1] * delta + coeffs[2] * delta**2
    # (RG.2): E[delta] = 0 removes the first-order term, E[delta^2] = sigma2
    first_order = sp.expand(taylor).coeff(delta, 1) * 0
    excess = sp.expand(taylor).coeff(delta, 2) * sigma2
    # (RG.3): sigma2 = v/x, exponent = -lim x d log(excess)/dx
    law = excess.subs(sigma2, v / size)
    # the size enters only through Var: exponent of sigma2(size) = v/size
    exponent = -sp.limit(size * sp.diff(sp.log(v / size), size), size, sp.oo)
    steps = (
        ("loss", expr),
        ("Taylor expansion of l(fbar + delta) to second order", taylor),
        ("first-order term in expectation, E[delta] = 0", first_order),
        ("excess E[l(f_hat)] - l(fbar) = 1/2 l''(fbar) Var(f_hat)", excess),
        ("variance of the prediction", variance_law),
        ("excess loss as a function of the size", law),
    )
    conditions = (reason, "f_hat concentrates: E[(f_hat - fbar)^k] = O(Var) for all k >= 2",
                  f"Var(f_hat) = O(1/{size}) ({'training-set' if axis == 'data' else 'width'} "
                  "fluctuations, as Bahri et al. apply Theorem 1)",
                  "if l''(fbar) = 0 the 1/x coefficient vanishes and the excess decays faster")
    return Derivation(quantity, exponent, sp.simplify(coeffs[2] * v), regime,
                      (f"loss: {name}", *conditions), source, steps, True)


def _nonsmooth(name: str, expr: sp.Expr, size: sp.Symbol, quantity: str, regime: str,
               reason: str, variance_law: sp.Eq) -> Derivation:
    """Exponent at the minimum fbar = y when l is not smooth there: (RG.4)."""
    z = sp.Symbol("z", real=True)
    gauss = sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi)
    at_min = expr.subs(f, y + sp.sqrt(sigma2) * z)
    # docs/theory/regimes.md (RG.4): E[l(y + delta)], delta ~ N(0, sigma2)
    mean = sp.simplify(sp.integrate(sp.simplify(at_min) * gauss, (z, -sp.oo, sp.oo)))
    law = mean.subs(sigma2, v / size)
    exponent = -sp.limit(size * sp.diff(sp.log(law), size), size, sp.oo)
    steps = (("loss", expr), ("excess at the minimum, E[l(y + delta)] for delta ~ N(0, sigma2)",
                              mean), ("variance of the prediction", variance_law),
             ("excess loss as a function of the size", law))
    conditions = (f"loss: {name}", reason,
                  f"at the minimum fbar = y with Gaussian fluctuations the excess is ~ Var^(1/2): "
                  f"exponent {exponent}, not 1")
    return Derivation(quantity, exponent, sp.simplify(law * size**exponent), regime, conditions,
                      "Bahri et al. Theorem 1 hypotheses fail; docs/theory/regimes.md (RG.4)",
                      steps, False)


def likelihood_excess() -> Derivation:
    """Excess log-loss of a well-specified maximum-likelihood fit with ``P`` free parameters.

    The Taylor step (docs/theory/regimes.md (RG.2)) in parameter space, with the Hessian of
    the expected log-loss equal to the Fisher information ``I`` and the asymptotic covariance
    of the MLE ``I^-1 / D`` (RG.13), gives ``E[excess] = tr(I I^-1) / (2 D) = P / (2 D)``:
    exponent 1, prefactor ``P/2`` whatever the model's Fisher information is (logistic,
    softmax with ``K`` classes: ``P = p (K - 1)`` free parameters).

    Returns
    -------
    Derivation
        ``alpha_D`` with ``exponent = 1`` and ``prefactor = P/2``.
    """
    tr = sp.Symbol("tr(H Cov)", positive=True)
    steps = (("excess = 1/2 E[(theta_hat - theta*)^T H (theta_hat - theta*)], (RG.2)",
              tr / 2),
             ("well specified: H = J = I (information identity), Cov = I^-1 / D: "
              "tr(H Cov) = tr(I_P) / D", P / D),
             ("excess ~ P / (2 D)", P / (2 * D)))
    conditions = ("the model is well specified: the data are drawn from p(y | x, theta*)",
                  "the MLE exists and is unique (D > P, data not separable)",
                  "D >> P: the O(P^2 / D^2) corrections of the MLE's bias and covariance "
                  "are small")
    return Derivation("alpha_D", sp.Integer(1), P / 2, "variance-limited (data)", conditions,
                      "Bahri et al. Theorem 1; docs/theory/regimes.md (RG.2), (RG.13)", steps)


def sandwich_excess(loss: str | sp.Expr = "huber") -> Derivation:
    """Excess test loss of an M-estimator of linear regression with Gaussian label noise.

    The labels are ``y = x . theta* + epsilon`` with ``x ~ N(0, I_P)`` and ``epsilon ~
    N(0, sigma_epsilon^2)`` independent of ``x``; ``theta_hat`` minimizes the empirical
    mean of ``l(f, y)`` with ``f = x . theta`` over ``D`` samples, and the test loss is the
    same ``l``. With ``psi = dl/df`` at the truth, ``H = E[psi'] I_P`` and ``J = E[psi^2] I_P``,
    so the sandwich covariance ``H^-1 J H^-1 / D`` in the Taylor step (RG.2) gives (RG.14)

    .. math:: \\mathbb E[\\text{excess}] \\simeq \\frac{\\operatorname{tr}(H^{-1}J)}{2D}
              = \\frac{P\\,\\mathbb E[\\psi(\\epsilon)^2]}{2\\,\\mathbb E[\\psi'(\\epsilon)]\\,D}.

    Parameters
    ----------
    loss : str or sympy.Expr
        A loss of :data:`LOSSES` in ``f - y`` that satisfies Theorem 1 (squared, Huber,
        log-cosh, pseudo-Huber, quartic), or an expression in ``f`` and ``y``.

    Returns
    -------
    Derivation
        ``alpha_D`` with ``exponent = 1`` and the prefactor in ``P``, ``sigma_epsilon``
        (and ``c_H``): closed form where the Gaussian integrals of the loss's derivatives
        close (piecewise polynomials), an exact unevaluated ``Integral`` otherwise
        (``float(prefactor.subs(...))`` evaluates it with mpmath).
    """
    name, expr = loss_expression(loss)
    holds, reason = theorem1_conditions(expr)
    if not holds:
        raise ValueError(f"`loss` must satisfy Theorem 1 for the sandwich prefactor; got "
                         f"{name!r}: {reason}")
    if name in ("logistic", "cross_entropy"):
        raise ValueError("`loss` must be a regression loss in f - y for sandwich_excess; got "
                         f"{name!r} (use likelihood_excess for the log-loss of a "
                         "well-specified model)")
    return _sandwich_excess(name, expr, reason)


@functools.lru_cache(maxsize=64)
def _sandwich_excess(name: str, expr: sp.Expr, reason: str) -> Derivation:
    # psi and psi' at the truth f = x . theta*, y = f - epsilon: functions of the noise only
    psi = sp.diff(expr, f).subs(y, f - eps)
    psi_prime = sp.diff(expr, f, 2).subs(y, f - eps)
    if f in psi.free_symbols or f in psi_prime.free_symbols:
        raise ValueError(f"`loss` must depend on f and y only through f - y for "
                         f"sandwich_excess; got {name!r} = {sp.sstr(expr)}")
    _check_even(name, psi**2, psi_prime)
    closed = all(_is_piecewise_polynomial(e) for e in (psi, psi_prime))
    # both integrands are even in epsilon: E[g] = 2 int_0^oo g(e) N(e; 0, sigma^2) de, on a
    # positive symbol, so that |epsilon| = epsilon and the Piecewise conditions are intervals
    pos = sp.Symbol("epsilon_pos", positive=True)
    density = sp.exp(-pos**2 / (2 * noise_scale**2)) / (sp.sqrt(2 * sp.pi) * noise_scale)

    def mean(g: sp.Expr) -> sp.Expr:
        integrand = sp.piecewise_fold(g.subs(eps, pos)) * density
        if closed:
            return 2 * sp.integrate(integrand, (pos, 0, sp.oo))
        return 2 * sp.Integral(integrand, (pos, 0, sp.oo))

    j_coeff, h_coeff = mean(psi**2), mean(psi_prime)  # (RG.14): J / I_P and H / I_P
    prefactor = P * j_coeff / (2 * h_coeff)  # (RG.14): tr(H^-1 J) / 2
    if closed:
        prefactor = sp.simplify(prefactor)
    steps = (("score at the truth, psi(epsilon) = dl/df", psi),
             ("curvature at the truth, psi'(epsilon)", psi_prime),
             ("J = E[psi^2] I_P", j_coeff), ("H = E[psi'] I_P", h_coeff),
             ("excess ~ tr(H^-1 J) / (2 D)", prefactor / D))
    conditions = (reason, "y = x . theta* + epsilon, x ~ N(0, I_P), epsilon ~ N(0, "
                  "sigma_epsilon^2) independent of x",
                  "the loss is even in f - y, so the M-estimator is consistent for theta*",
                  "D >> P: the M-estimator is asymptotically normal with the sandwich "
                  "covariance H^-1 J H^-1 / D")
    return Derivation("alpha_D", sp.Integer(1), prefactor, "variance-limited (data)",
                      (f"loss: {name}", *conditions),
                      "Bahri et al. Theorem 1; docs/theory/regimes.md (RG.2), (RG.14)", steps)


def _check_even(name: str, *exprs: sp.Expr) -> None:
    """Refuse a loss whose score or curvature is not even in the noise (a biased M-estimator)."""
    for expr in exprs:
        g = sp.lambdify(eps, expr.subs(huber_threshold, 1), "mpmath")
        for point in (sp.Rational(3, 7), sp.Rational(13, 10), sp.Rational(5, 2)):
            if abs(g(point) - g(-point)) > 1e-12 * (1 + abs(g(point))):
                raise ValueError(f"`loss` must be even in f - y for sandwich_excess (a "
                                 f"consistent M-estimator under symmetric noise); got {name!r}")


def _is_piecewise_polynomial(expr: sp.Expr) -> bool:
    if isinstance(expr, sp.Piecewise):
        return all(e.is_polynomial(eps) for e, _ in expr.args)
    return bool(expr.is_polynomial(eps))
