"""Kernel eigenvalue decay, ``lambda_i ~ i^(-1 - alpha_K)``, derived from the kernel's definition.

Two routes, both ending in Bahri et al.'s ``alpha_K`` (docs/theory/kernel_spectra.md):

* **Torus** ``T^d`` (translation-invariant kernels): the eigenvalues are the Fourier
  coefficients ``K_hat(n)``, ``n in Z^d`` (KS.1). If ``K_hat(omega) ~ |omega|^(-q)``, the
  number of lattice modes with ``|n| <= R`` is ``~ V_d R^d`` (KS.2), so the ``N``-th largest
  eigenvalue is ``K_hat((N/V_d)^(1/d)) ~ N^(-q/d)`` and ``alpha_K = q/d - 1`` (KS.3).
  Matérn-``nu`` (``q = 2 nu + d``, so ``alpha_K = 2 nu / d``), Laplace (``nu = 1/2``), and
  the Gaussian RBF (``K_hat`` Gaussian: faster than any power, ``alpha_K = oo``).
* **Sphere** ``S^d`` (dot-product kernels ``K(u)``, ``u = x.x'``; here ``d`` is the sphere's
  own dimension, the ambient dimension is ``p = d + 1``): the eigenvalue of degree ``k``
  decays at the rate set by the leading non-analytic term ``(1 - u)^beta`` of ``K`` at
  ``u = +-1`` (KS.4); the Funk–Hecke integral of ``(1-u)^beta`` is
  ``~ Gamma(k - beta) / Gamma(k + beta + p - 1) ~ k^(-(2 beta + p - 1))`` (KS.5); with
  ``~ k^(d-1)`` harmonics of degree ``k`` the sorted index is ``i ~ k^d`` and
  ``alpha_K = 2 beta / d`` (KS.6). ``beta`` is read off the sympy series of ``K(cos theta)``:
  even powers of ``theta`` are analytic in ``u``, the first odd power ``theta^(2 beta)`` is not.

The Kühn bound for a ``C^t`` kernel, ``alpha_K >= t/d``, is :func:`smoothness_bound` (KS.7).
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from asymptotics._lib.budget import check_budget
from asymptotics._lib.validation import check_choice, check_int, check_real
from asymptotics.derivation import Derivation
from asymptotics.resolution import unit_ball_volume
from asymptotics.symbols import N, R, exact, k, theta

__all__ = ["KERNELS", "arccos_kernel", "kernel_decay", "relu_ntk_kernel", "smoothness_bound",
           "sphere_singularity_order"]

KERNELS: tuple[str, ...] = ("matern", "laplace", "gaussian", "arccos", "relu_ntk")
_ell = sp.Symbol("ell", positive=True)
_GAMMASIMP_BOUND = 20  # show N(p, k) simplified up to this ambient dimension p
_omega = sp.Symbol("omega", positive=True)
_TORUS_SOURCE = ("Fourier modes on the torus, in Bahri et al. Eq. 3 convention; "
                 "docs/theory/kernel_spectra.md (KS.1)-(KS.3)")
_SPHERE_SOURCE = ("Funk–Hecke on S^d; Bach 2017, Bietti & Mairal 2019; "
                  "docs/theory/kernel_spectra.md (KS.4)-(KS.6)")


def _decay_exponent(expr: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """``q`` with ``expr ~ var^(-q)``: ``-lim var d log(expr)/d var`` (``oo`` if super-polynomial)."""
    return sp.simplify(-sp.limit(var * sp.diff(sp.log(expr), var), var, sp.oo))


def _torus(kernel: str, dim: int, density: sp.Expr, extra_steps: tuple = ()) -> Derivation:
    dd = sp.Integer(dim)
    count = unit_ball_volume(dd) * R**dd  # docs/theory/kernel_spectra.md (KS.2)
    # the positive root of count = N, in closed form (sympy.solve took 2 s at d = 400)
    radius = (N / unit_ball_volume(dd)) ** (sp.Integer(1) / dd)  # (KS.3): R_N = (N/V_d)^(1/d)
    lam_N = density.subs(_omega, radius)  # docs/theory/kernel_spectra.md (KS.3)
    # (KS.3) by the chain rule: R_N ~ N^(1/d), so -N d/dN log lambda_N -> q_omega / d with
    # q_omega = -lim omega d/domega log K_hat (the limit in N took 64 s for Laplace at d = 3000)
    q = sp.simplify(_decay_exponent(density, _omega) / dd)
    alpha = sp.oo if q == sp.oo else sp.simplify(q - 1)
    steps = (*extra_steps, ("spectral density (eigenvalue of the mode n, |n| = omega)", density),
             ("number of lattice modes with |n| <= R", count), ("radius of the N-th mode", radius),
             ("N-th largest eigenvalue", lam_N), ("decay exponent 1 + alpha_K", q))
    conditions = [f"{kernel} kernel on the flat torus T^{dim} with the uniform measure",
                  "eigenvalues sorted in decreasing order; lattice-point count to leading order"]
    if alpha == sp.oo:
        conditions.append("super-polynomial decay: no finite alpha_K (lambda_N falls faster "
                          "than any power of N)")
    return Derivation("alpha_K", alpha, None, "spectrum", tuple(conditions), _TORUS_SOURCE, steps)


def arccos_kernel(degree: int) -> sp.Expr:
    """Arc-cosine kernel of degree ``s`` on unit inputs as a function of ``theta`` (Cho & Saul 2009).

    ``kappa_s = J_s(theta)/pi`` with
    ``J_s = (-1)^s sin(theta)^(2s+1) ((1/sin theta) d/dtheta)^s ((pi - theta)/sin theta)``.
    """
    g = (sp.pi - theta) / sp.sin(theta)
    for _ in range(degree):
        g = sp.diff(g, theta) / sp.sin(theta)
    return sp.simplify((-1) ** degree * sp.sin(theta) ** (2 * degree + 1) * g / sp.pi)


def relu_ntk_kernel() -> sp.Expr:
    """Two-layer ReLU NTK without bias, ``K(u) = u kappa_0(u) + kappa_1(u)``, ``u = cos theta``."""
    return sp.cos(theta) * arccos_kernel(0) + arccos_kernel(1)


def sphere_singularity_order(kern: sp.Expr, max_order: int = 15) -> sp.Expr:
    """The exponent ``beta`` of the leading ``(1 -+ u)^beta`` non-analytic term of ``K(cos theta)``.

    The first odd power ``theta^(2 beta)`` in the series at ``theta = 0`` (``u = 1``) and at
    ``theta = pi`` (``u = -1``); the smaller ``beta`` (slower decay) wins (KS.4).
    """
    phi = sp.Symbol("phi", positive=True)
    betas = []
    for expr, var in ((kern, theta), (kern.subs(theta, sp.pi - phi), phi)):
        series = sp.series(expr, var, 0, max_order).removeO()
        odd = [p for p in sp.Poly(sp.expand(series), var).monoms() if p[0] % 2 == 1]
        if odd:
            betas.append(sp.Rational(min(odd)[0], 2))
    if not betas:
        raise ValueError(f"kernel {kern} is analytic at u = +-1 up to order {max_order}: its "
                         "eigenvalues decay faster than any power")
    return min(betas)


def _sphere(kernel: str, dim: int, kern: sp.Expr, label: str) -> Derivation:
    p = sp.Integer(dim + 1)
    beta = sphere_singularity_order(kern)
    gegenbauer = sp.gamma(k - beta) / sp.gamma(k + beta + p - 1)  # (KS.5)
    mu_exp = _decay_exponent(gegenbauer, k)
    # (KS.6): the multiplicity N(p, k) as a Gamma ratio. Its decay exponent is taken from the
    # ratio itself; gammasimp expands it into a degree-(p-2) polynomial (48 s at d = 100), so
    # the simplified form is shown only for small p
    raw = (2 * k + p - 2) * sp.gamma(k + p - 2) / (sp.gamma(k + 1) * sp.gamma(p - 1,
                                                                       evaluate=p <= 1000))
    mult = sp.gammasimp(raw) if p <= _GAMMASIMP_BOUND else raw
    # growth exponent of N(p, k): by the limit of the simplified polynomial where it is shown,
    # else from Gamma(k + a)/Gamma(k + b) ~ k^(a - b) (the limit of the raw ratio hangs in
    # sympy's polygamma asymptotics), which gives p - 2; tests check the two agree
    mult_exp = -_decay_exponent(mult, k) if p <= _GAMMASIMP_BOUND else p - 2  # (KS.6)
    count_exp = mult_exp + 1  # cumulative count of harmonics up to degree k ~ k^(mult_exp + 1)
    alpha = sp.simplify(mu_exp / count_exp - 1)  # (KS.6): lambda_i ~ i^(-mu_exp/count_exp)
    steps = (("kernel K(cos theta)", kern), ("leading non-analytic order beta at u = +-1", beta),
             ("Funk–Hecke coefficient of (1-u)^beta, up to k-independent factors", gegenbauer),
             ("degree-k eigenvalue exponent, mu_k ~ k^(-(2 beta + p - 1))", mu_exp),
             ("multiplicity N(p, k) of degree-k harmonics", mult),
             ("harmonics up to degree k grow as k^(this)", count_exp),
             ("decay exponent 1 + alpha_K of the sorted eigenvalues", mu_exp / count_exp))
    conditions = (f"{label} on the sphere S^{dim} (d = {dim} is the sphere's dimension; inputs in "
                  f"R^{dim + 1}), uniform measure",
                  "eigenvalues of one parity of k may vanish; the law holds along the non-zero "
                  "subsequence (the exponent is unchanged)")
    return Derivation("alpha_K", alpha, None, "spectrum", conditions, _SPHERE_SOURCE, steps)


def _matern_density(nu_value: sp.Expr, dim: int) -> sp.Expr:
    # docs/theory/kernel_spectra.md (KS.1): Matérn spectral density, up to normalization
    return (2 * nu_value / _ell**2 + 4 * sp.pi**2 * _omega**2) ** (-(nu_value + sp.Integer(dim) / 2))


def _positive(name: str, value: object) -> sp.Expr:
    """Validate a positive real parameter; keep sympy numbers exact, floats as decimals."""
    check_real(name, value, gt=0)
    return value if isinstance(value, sp.Basic) else exact(value)


def _params(kernel: str, params: dict, allowed: tuple[str, ...]) -> None:
    extra = sorted(set(params) - set(allowed))
    if extra:
        raise TypeError(f"`kernel_decay` got unknown parameter(s) {extra} for kernel {kernel!r}; "
                        f"allowed: {list(allowed)}")


#: measured seconds of sympy work for the arc-cosine kernel of each degree (series of
#: ``K(cos theta)`` at both ends after ``degree`` derivatives): degree 5 took 4.9 s, degree 6
#: ran past 60 s; above 6 the estimate grows by the same factor per degree
_ARCCOS_SECONDS = (0.3, 0.5, 1.0, 2.1, 2.6, 4.9, 60.0)
#: the bound on the estimated seconds of one derivation (the command line answers in seconds)
SECONDS_BOUND = 10.0


def _degree(value: object, force: bool) -> int:
    degree = check_int("degree", value, minimum=0)
    last = len(_ARCCOS_SECONDS) - 1
    growth = _ARCCOS_SECONDS[last] / _ARCCOS_SECONDS[last - 1]
    seconds = (_ARCCOS_SECONDS[degree] if degree <= last
               else _ARCCOS_SECONDS[last] * growth ** min(degree - last, 50))
    check_budget("degree", degree, estimate=seconds, bound=SECONDS_BOUND, unit=" s",
                 what="sympy time (derivatives and series of the arc-cosine kernel)",
                 hint="degrees 0-5 answer in seconds (alpha_K = (2s+1)/d); --force to try",
                 force=force)
    return degree


def kernel_decay(kernel: str, d: int, *, force: bool = False, **params: object) -> Derivation:
    """Derive the eigenvalue-decay exponent ``alpha_K`` of a kernel, ``lambda_i ~ i^(-1-alpha_K)``.

    Parameters
    ----------
    kernel : {"matern", "laplace", "gaussian", "arccos", "relu_ntk"}
        Matérn, Laplace and Gaussian live on the torus ``T^d``; arc-cosine and the
        two-layer ReLU NTK on the sphere ``S^d`` (``d`` = the sphere's dimension).
    d : int
        Manifold dimension (positive integer).
    force : bool
        Go past the time bound :data:`SECONDS_BOUND` (arc-cosine degree above 5).
    **params
        ``nu`` (Matérn smoothness, > 0), ``degree`` (arc-cosine degree ``s``, integer >= 0;
        above 5 refused unless ``force``, see :data:`SECONDS_BOUND`).

    Returns
    -------
    Derivation
        ``regime="spectrum"``; ``exponent = 2 nu / d`` (Matérn), ``1/d`` (Laplace, ReLU NTK),
        ``(2 s + 1)/d`` (arc-cosine), ``oo`` (Gaussian).
    """
    kernel = check_choice("kernel", kernel, KERNELS)
    d = check_int("d", d, minimum=1)
    builders: dict[str, Callable[[], Derivation]] = {
        "matern": lambda: _torus("Matérn", d, _matern_density(
            _positive("nu", params.get("nu")), d)),
        "laplace": lambda: _torus("Laplace", d, _matern_density(sp.Rational(1, 2), d),
                                  _laplace_check()),
        "gaussian": lambda: _torus("Gaussian RBF", d,
                                   sp.exp(-2 * sp.pi**2 * _ell**2 * _omega**2)),
        "arccos": lambda: _sphere("arccos", d, arccos_kernel(_degree(params.get("degree", 1),
                                                                     force)),
            f"arc-cosine kernel of degree {params.get('degree', 1)}"),
        "relu_ntk": lambda: _sphere("relu_ntk", d, relu_ntk_kernel(),
                                    "two-layer ReLU NTK (no bias)"),
    }
    _params(kernel, params, {"matern": ("nu",), "arccos": ("degree",)}.get(kernel, ()))
    return builders[kernel]()


def _laplace_check() -> tuple[tuple[str, sp.Expr], ...]:
    """Step: sympy's 1-d Fourier transform of ``exp(-|x|/ell)`` is Matérn-1/2's density."""
    xr, w = sp.Symbol("x", real=True), sp.Symbol("omega", real=True)
    ft = sp.fourier_transform(sp.exp(-sp.Abs(xr) / _ell), xr, w)
    return (("Fourier transform of exp(-|x|/ell) in d = 1 (Matérn nu = 1/2)", ft),)


def smoothness_bound(t: object, d: int) -> Derivation:
    """Kühn's bound: a ``C^t`` kernel on a ``d``-manifold has ``lambda_n <~ n^(-1-t/d)`` (KS.7).

    Returns a Derivation whose exponent ``t/d`` is a *lower bound* on ``alpha_K``.
    """
    tt = _positive("t", t)
    d = check_int("d", d, minimum=1)
    coeff_exp = sp.Integer(d) + tt  # Fourier coefficients <~ |n|^-(d+t)  (Bahri et al., torus)
    steps = (("Fourier coefficients of a C^t kernel decay at least as |n|^(-q)", coeff_exp),
             ("the N-th coefficient sits at |n| ~ N^(1/d): lambda_N <~ N^(-q/d)", coeff_exp / d))
    return Derivation("alpha_K", tt / d, None, "spectrum",
                      (f"C^{tt} kernel on a {d}-dimensional manifold",
                       "a bound: alpha_K >= t/d, saturated by Matérn with t = 2 nu"),
                      "Kühn 1987 via Bahri et al.; docs/theory/kernel_spectra.md (KS.7)",
                      steps)
