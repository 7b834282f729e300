"""Kernel spectra: derived alpha_K against eigenvalues computed numerically.

Torus kernels: the eigenvalues of a translation-invariant kernel on T^d are its Fourier
coefficients, computed here by the FFT of the periodized kernel sampled on a grid (an
independent route: the derivation uses the Matérn spectral density and a lattice count).
Sphere kernels: Funk–Hecke coefficients by Gauss–Legendre quadrature in theta (the
integrand is smooth in theta), then the sorted spectrum with multiplicities.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import eval_gegenbauer, roots_legendre

from asymptotics.kernel_spectra import (
    arccos_kernel,
    kernel_decay,
    relu_ntk_kernel,
    smoothness_bound,
    sphere_singularity_order,
)
from asymptotics.symbols import theta

ELL = 0.1  # correlation length on the unit torus: kernel at distance >= 2 is below e^-17


def _torus_eigenvalues(kfun, d: int, M: int, images: int) -> np.ndarray:
    g = np.arange(M) / M
    shifts = range(-images, images + 1)
    if d == 1:
        K = sum(kfun(np.abs(g - a)) for a in shifts)
    else:
        X, Y = np.meshgrid(g, g, indexing="ij")
        K = sum(kfun(np.hypot(X - a, Y - b)) for a in shifts for b in shifts)
    lam = np.real(np.fft.fftn(K)) / M**d
    return np.sort(lam.ravel())[::-1]


def _slope(values: np.ndarray, lo: int, hi: int, index: np.ndarray | None = None) -> float:
    idx = np.arange(1, values.size + 1) if index is None else index
    sel = (idx >= lo) & (idx <= hi)
    return float(np.polyfit(np.log(idx[sel]), np.log(np.abs(values[sel])), 1)[0])


MATERN = {
    "laplace": lambda r: np.exp(-r / ELL),
    1.5: lambda r: (1 + np.sqrt(3) * r / ELL) * np.exp(-np.sqrt(3) * r / ELL),
    2.5: lambda r: (1 + np.sqrt(5) * r / ELL + 5 * r**2 / (3 * ELL**2)) * np.exp(-np.sqrt(5) * r / ELL),
}


# Windows: index i in [60, 600] (frequencies 30..300) in d=1 on 4096 points, i in [300, 8000]
# (|n| ~ 10..50) in d=2 on 512^2 points: far below the Nyquist frequency, and where
# 4 pi^2 |n|^2 >> 2 nu / ell^2. Band 0.05 in the slope: measured deviations were <= 0.035
# (Matérn-3/2 in d=2, from the pre-asymptotic factor (1 + 2 nu/(ell 2 pi |n|)^2)).
@pytest.mark.parametrize(("kernel", "nu", "d", "M", "images", "window"), [
    ("laplace", None, 1, 4096, 3, (60, 600)),
    ("matern", 1.5, 1, 4096, 3, (60, 600)),
    ("matern", 2.5, 1, 4096, 3, (60, 600)),
    ("laplace", None, 2, 512, 2, (300, 8000)),
    ("matern", 1.5, 2, 512, 2, (300, 8000)),
])
def test_torus_exponent_matches_fft_spectrum(kernel, nu, d, M, images, window):
    params = {} if nu is None else {"nu": nu}
    der = kernel_decay(kernel, d, **params)
    lam = _torus_eigenvalues(MATERN["laplace" if nu is None else nu], d, M, images)
    assert _slope(lam, *window) == pytest.approx(-(1 + der.value), abs=0.05)


def test_gaussian_is_super_polynomial():
    der = kernel_decay("gaussian", 2)
    assert der.exponent == sp.oo and der.value == float("inf")
    assert any("super-polynomial" in c for c in der.conditions)
    # the FFT spectrum's local log-log slope keeps steepening (no power law)
    lam = _torus_eigenvalues(lambda r: np.exp(-r**2 / (2 * 0.05**2)), 1, 1024, 2)
    slopes = [_slope(lam, lo, 2 * lo) for lo in (4, 8, 16)]
    assert slopes[0] > slopes[1] > slopes[2] and slopes[2] < -8


def _funk_hecke(kern, p: int, kmax: int, nodes: int = 800) -> np.ndarray:
    x, w = roots_legendre(nodes)
    th = (x + 1) * np.pi / 2
    w = w * np.pi / 2
    lam = (p - 2) / 2
    vals = kern(th)
    out = [np.sum(w * vals * eval_gegenbauer(k, lam, np.cos(th)) / eval_gegenbauer(k, lam, 1.0)
                  * np.sin(th) ** (p - 2)) for k in range(kmax + 1)]
    return np.array(out)


def _numeric(expr):
    return sp.lambdify(theta, expr, "numpy")


@pytest.mark.parametrize(("kernel", "params", "p"), [
    ("arccos", {"degree": 0}, 3), ("arccos", {"degree": 1}, 3), ("relu_ntk", {}, 3),
    ("arccos", {"degree": 0}, 4), ("arccos", {"degree": 1}, 4), ("relu_ntk", {}, 4),
])
def test_sphere_degree_decay_matches_quadrature(kernel, params, p):
    kern = arccos_kernel(params["degree"]) if kernel == "arccos" else relu_ntk_kernel()
    der = kernel_decay(kernel, p - 1, **params)
    mu_exp = dict(der.steps)["degree-k eigenvalue exponent, mu_k ~ k^(-(2 beta + p - 1))"]
    mu = _funk_hecke(_numeric(kern), p, 200)
    ks = np.arange(mu.size)
    nonzero = np.abs(mu) > 1e-13 * np.abs(mu).max()
    # fit k in [60, 200] along the non-zero parity; measured |slope - predicted| <= 0.06 (p=4)
    slope = _slope(mu[nonzero], 60, 200, index=ks[nonzero])
    assert slope == pytest.approx(-float(mu_exp), abs=0.08)


@pytest.mark.parametrize(("kernel", "params"), [("arccos", {"degree": 1}), ("relu_ntk", {})])
def test_sphere_alpha_K_from_sorted_spectrum(kernel, params):
    """S^2: eigenvalue mu_k with multiplicity 2k+1, sorted; slope = -(1 + alpha_K)."""
    kern = arccos_kernel(params["degree"]) if kernel == "arccos" else relu_ntk_kernel()
    mu = _funk_hecke(_numeric(kern), 3, 160)
    keep = np.abs(mu) > 1e-13 * np.abs(mu).max()
    spectrum = np.sort(np.repeat(np.abs(mu[keep]), 2 * np.arange(mu.size)[keep] + 1))[::-1]
    der = kernel_decay(kernel, 2, **params)
    # window inside degrees 20..140 (index ~ k^2/2); lattice steps average out over the window
    assert _slope(spectrum, 400, 8000) == pytest.approx(-(1 + der.value), abs=0.1)


def test_sphere_table_and_singularity_orders():
    assert sphere_singularity_order(arccos_kernel(0)) == sp.Rational(1, 2)
    assert sphere_singularity_order(arccos_kernel(2)) == sp.Rational(5, 2)
    for s, d in ((0, 1), (1, 3), (2, 2)):
        assert kernel_decay("arccos", d, degree=s).exponent == sp.Rational(2 * s + 1, d)
    assert kernel_decay("relu_ntk", 4).exponent == sp.Rational(1, 4)
    assert kernel_decay("laplace", 3).exponent == sp.Rational(1, 3)
    with pytest.raises(ValueError, match="analytic"):
        sphere_singularity_order(sp.cos(theta) ** 2)


@settings(max_examples=15)
@given(nu=st.fractions(min_value="1/8", max_value=6, max_denominator=8), d=st.integers(1, 6))
def test_matern_saturates_kuhn_bound(nu, d):
    nu = sp.Rational(nu.numerator, nu.denominator)
    alpha = kernel_decay("matern", d, nu=nu).exponent
    assert alpha == 2 * nu / d == smoothness_bound(2 * nu, d).exponent
    assert alpha > 0
    # smoother kernels decay faster; higher dimension decays slower
    assert kernel_decay("matern", d, nu=nu + 1).exponent > alpha
    assert kernel_decay("matern", d + 1, nu=nu).exponent < alpha


def test_input_validation():
    with pytest.raises(ValueError, match=r"`kernel` must be one of .*got 'rbf'"):
        kernel_decay("rbf", 2)
    with pytest.raises(ValueError, match=r"`d` must be a positive integer; got 0"):
        kernel_decay("laplace", 0)
    with pytest.raises(TypeError, match=r"`nu` must be a real number; got None"):
        kernel_decay("matern", 2)
    with pytest.raises(ValueError, match=r"`nu` must be > 0; got -1"):
        kernel_decay("matern", 2, nu=-1)
    with pytest.raises(TypeError, match=r"unknown parameter\(s\) \['nu'\] for kernel 'laplace'"):
        kernel_decay("laplace", 2, nu=1)
    with pytest.raises(ValueError, match=r"`t` must be > 0"):
        smoothness_bound(0, 2)


@pytest.mark.parametrize("d", [1, 2, 3, 5])
def test_torus_shortcuts_agree_with_the_direct_routes(d):
    """The closed-form radius (N/V_d)^(1/d) is sympy.solve's positive root of V_d R^d = N, and
    the chain-rule exponent q_omega/d is the direct limit -lim N d/dN log lambda_N (KS.3)."""
    import sympy as sp

    from asymptotics.kernel_spectra import _decay_exponent, _matern_density
    from asymptotics.resolution import unit_ball_volume
    from asymptotics.symbols import N, R

    dd = sp.Integer(d)
    root = sp.solve(sp.Eq(unit_ball_volume(dd) * R**dd, N), R)[0]
    der = kernel_decay("matern", d, nu=1.5)
    radius = dict(der.steps)["radius of the N-th mode"]
    assert sp.simplify(radius - root) == 0
    density = _matern_density(sp.Rational(3, 2), d)
    direct = _decay_exponent(density.subs(sp.Symbol("omega", positive=True), root), N)
    assert direct - 1 == der.exponent


def test_large_dimensions_keep_gamma_unevaluated_but_exact():
    import mpmath as mp
    import sympy as sp

    from asymptotics.resolution import GAMMA_EVALUATION_BOUND, unit_ball_volume

    d = GAMMA_EVALUATION_BOUND + 1
    vol = unit_ball_volume(d)
    assert vol.has(sp.gamma)
    with mp.workdps(30):
        ref = mp.pi ** (mp.mpf(d) / 2) / mp.gamma(mp.mpf(d) / 2 + 1)
        assert abs(mp.mpf(str(sp.N(vol, 30))) / ref - 1) < mp.mpf(10) ** -25
    assert kernel_decay("relu_ntk", 100).exponent == sp.Rational(1, 100)
    assert kernel_decay("laplace", 3000).exponent == sp.Rational(1, 3000)


@pytest.mark.parametrize("d", [1, 2, 5, 19, 25])
def test_sphere_multiplicity_exponent_closed_form_equals_the_limit(d):
    """(KS.6): N(p, k) grows as k^(p - 2); the closed form used above p = 20 equals the limit
    route on the gammasimp polynomial used below it (evaluated here for both sides of p = 20)."""
    from asymptotics.kernel_spectra import _decay_exponent
    from asymptotics.symbols import k

    p = sp.Integer(d + 1)
    raw = (2 * k + p - 2) * sp.gamma(k + p - 2) / (sp.gamma(k + 1) * sp.gamma(p - 1))
    assert -_decay_exponent(sp.gammasimp(raw), k) == p - 2
    mu = 2 * sp.Rational(1, 2) + p - 1  # relu_ntk: beta = 1/2, mu_k ~ k^-(2 beta + p - 1)
    assert kernel_decay("relu_ntk", d).exponent == sp.simplify(mu / (p - 1) - 1)
