"""Exact spectra of deep ReLU NNGP and NTK kernels on the sphere, any dimension.

docs/theory/kernel_spectra.md §"Any dimension". On the unit sphere ``S^(p-1)`` of ``R^p``
(inputs of norm ``sqrt(p)`` for the network, so that ``K^1(x, y) = sigma_w^2 u`` with ``u`` the
cosine) a dot-product kernel ``K(u)`` has, for the uniform probability measure, eigenvalue
``mu_k`` on the ``N(p, k)`` spherical harmonics of degree ``k`` (Funk-Hecke),
docs/theory/kernel_spectra.md (KS.8), (KS.9). The kernels are those of a fully connected
ReLU network with ``sigma_w^2 = 2`` and no bias at any depth: the correlation recursion
``rho -> kappa_1(rho)`` for the NNGP and ``Theta -> K + kappa_0 Theta`` for the NTK (KS.10).

Their decay is that of the depth-one kernels at every depth (Bietti & Bach 2021): the
leading non-analytic term at ``u = 1`` is ``(1 - u)^(3/2)`` for the NNGP and ``(1 - u)^(1/2)``
for the NTK, and composition with the recursion keeps it; so ``alpha_K = 2 beta / (p - 1)``
with ``beta = 3/2`` and ``1/2`` (KS.6). :func:`sphere_decay` states it; the tests check it
against the quadrature eigenvalues of :func:`sphere_eigenvalues` and those against the
sampled Gram matrix.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import eval_gegenbauer, gammaln, roots_legendre

from asymptotics._lib.budget import check_seconds
from asymptotics._lib.validation import check_choice, check_int

__all__ = ["SphereDecay", "gaussian_rbf_eigenvalues", "network_kernel_of_cosine", "sphere_decay",
           "sphere_eigenvalues", "sphere_multiplicity"]

_KINDS = ("nngp", "ntk")


def _kappa(u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    u = np.clip(u, -1.0, 1.0)
    t = np.arccos(u)
    k1 = (np.sqrt(1.0 - u * u) + (np.pi - t) * u) / np.pi  # arc-cosine degree 1 (Cho & Saul 2009)
    k0 = (np.pi - t) / np.pi                                 # degree 0
    return k1, k0


def network_kernel_of_cosine(u: np.ndarray, depth: int, kind: str = "nngp") -> np.ndarray:
    """The depth-``depth`` ReLU NNGP or NTK (``sigma_w^2 = 2``, no bias) as a function of ``u``.

    With ``K^1 = 2 u`` on inputs of norm ``sqrt(p)``, every layer keeps ``K^l(x, x) = 2``, so
    ``K^(l+1) = 2 kappa_1(K^l / 2)`` and ``Theta^(l+1) = K^(l+1) + kappa_0(K^l / 2) Theta^l``,
    docs/theory/kernel_spectra.md (KS.10).
    """
    depth = check_int("depth", depth, minimum=1, maximum=100)
    kind = check_choice("kind", kind, _KINDS)
    k = 2.0 * np.asarray(u, dtype=float)
    theta = k.copy()
    for _ in range(depth):
        k1, k0 = _kappa(k / 2.0)
        theta = 2.0 * k1 + k0 * theta  # (KS.10)
        k = 2.0 * k1                    # (KS.10)
    return k if kind == "nngp" else theta


def sphere_multiplicity(p: int, k: np.ndarray) -> np.ndarray:
    """``N(p, k) = (2k + p - 2) Gamma(k + p - 2) / (Gamma(k + 1) Gamma(p - 1))`` (KS.9)."""
    p = check_int("p", p, minimum=3)
    k = np.asarray(k, dtype=float)
    out = (2 * k + p - 2) / (k + p - 2) * np.exp(gammaln(k + p - 1) - gammaln(k + 1)
                                                 - gammaln(p - 1))
    return np.where(k == 0, 1.0, np.rint(out))  # (KS.9)


def sphere_eigenvalues(p: int, k_max: int, depth: int = 1, kind: str = "nngp",
                       nodes: int | None = None) -> np.ndarray:
    """Funk-Hecke eigenvalues ``mu_0..mu_k_max`` of the network kernel on ``S^(p-1)`` (KS.8).

    ``mu_k = c_p int_0^pi K(cos phi) P_k(cos phi) sin^(p-2) phi dphi`` with ``P_k`` the
    Gegenbauer polynomial ``C_k^((p-2)/2)`` normalized to ``P_k(1) = 1`` and
    ``c_p = Gamma(p/2) / (sqrt(pi) Gamma((p-1)/2))``; Gauss-Legendre in ``phi`` (every kernel
    here is smooth in ``phi``) with ``max(2000, 2 k_max + 200)`` nodes.
    """
    p = check_int("p", p, minimum=3, maximum=1000)
    k_max = check_int("k_max", k_max, minimum=0, maximum=100_000)
    nodes = max(2000, 2 * k_max + 200) if nodes is None else check_int("nodes", nodes,
                                                                        minimum=10)
    check_seconds("k_max", k_max, 200.0 * nodes * (k_max + 1))
    x, w = roots_legendre(nodes)
    phi = 0.5 * np.pi * (x + 1.0)
    u = np.cos(phi)
    lam = (p - 2) / 2.0
    c_p = math.exp(gammaln(p / 2) - 0.5 * math.log(math.pi) - gammaln((p - 1) / 2))
    weight = 0.5 * np.pi * w * np.sin(phi) ** (p - 2) * c_p
    f = network_kernel_of_cosine(u, depth, kind) * weight
    mu = np.empty(k_max + 1)
    for k in range(k_max + 1):
        norm = eval_gegenbauer(k, lam, 1.0)
        mu[k] = float(f @ (eval_gegenbauer(k, lam, u) / norm))  # (KS.8)
    return mu


@dataclass(frozen=True)
class SphereDecay:
    """``alpha_K`` of the network kernel on ``S^(p-1)`` and where it comes from.

    Attributes
    ----------
    alpha_K : float
        ``2 beta / (p - 1)`` (KS.6).
    beta : float
        Order of the leading ``(1 - u)^beta`` term: 3/2 (NNGP), 1/2 (NTK).
    mu_exponent : float
        ``2 beta + p - 1``: ``mu_k ~ k^-mu_exponent`` along the non-zero degrees (KS.5).
    source : str
    """

    alpha_K: float
    beta: float
    mu_exponent: float
    source: str


def sphere_decay(p: int, kind: str = "nngp") -> SphereDecay:
    """The decay law of a ReLU network's NNGP or NTK on ``S^(p-1)``, at any depth."""
    p = check_int("p", p, minimum=3)
    kind = check_choice("kind", kind, _KINDS)
    beta = 1.5 if kind == "nngp" else 0.5  # (KS.4): kappa_1 ~ theta^3, kappa_0 ~ theta^1
    return SphereDecay(alpha_K=2 * beta / (p - 1), beta=beta, mu_exponent=2 * beta + p - 1,
                       source="docs/theory/kernel_spectra.md (KS.4)-(KS.6); the depth does not "
                              "change beta (Bietti & Bach 2021)")


def gaussian_rbf_eigenvalues(d: int, k_max: int, *, length_scale: float = 1.0,
                             data_std: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """The Mehler spectrum: the Gaussian RBF kernel on Gaussian data in ``R^d``.

    For ``k(x, y) = exp(-|x - y|^2 / (2 l^2))`` and inputs ``N(0, s^2 I_d)`` the operator's
    eigenfunctions are Hermite functions; in one dimension the eigenvalues are
    ``sqrt(2a / A) B^k`` with ``a = 1 / (4 s^2)``, ``b = 1 / (2 l^2)``, ``c = sqrt(a^2 + 2ab)``,
    ``A = a + b + c``, ``B = b / A`` (Rasmussen & Williams 2006, §4.3.1), and in ``d``
    dimensions the products over the coordinates: the eigenvalue of total degree ``k`` is
    ``(2a / A)^(d/2) B^k`` on ``C(k + d - 1, d - 1)`` eigenfunctions,
    docs/real_networks.md (RN.19). The eigenvalues sum to ``k(x, x) = 1``.

    Returns
    -------
    (mu, multiplicity) : arrays of length ``k_max + 1``
        The distinct eigenvalues by degree ``k = 0..k_max`` (descending) and their
        multiplicities.
    """
    d = check_int("d", d, minimum=1)
    k_max = check_int("k_max", k_max, minimum=0, maximum=100_000)
    if not (math.isfinite(length_scale) and length_scale > 0):
        raise ValueError(f"`length_scale` must be finite and > 0; got {length_scale!r}")
    if not (math.isfinite(data_std) and data_std > 0):
        raise ValueError(f"`data_std` must be finite and > 0; got {data_std!r}")
    a, b = 1.0 / (4.0 * data_std**2), 1.0 / (2.0 * length_scale**2)
    c = math.sqrt(a * a + 2.0 * a * b)
    big_a = a + b + c
    k = np.arange(k_max + 1)
    mu = (2.0 * a / big_a) ** (d / 2.0) * (b / big_a) ** k   # (RN.19)
    mult = np.round(np.exp(gammaln(k + d) - gammaln(k + 1) - gammaln(d))).astype(np.int64)
    return mu, mult
