"""Exact population excess losses of fitted linear models with Gaussian features.

With test features ``x ~ N(0, I_p)`` the excess test loss of a fitted linear model is an
exact Gaussian average (docs/beyond_squared.md), so the variance-limited checks need no
Monte Carlo over test points:

* softmax / logistic: ``E_x KL(p(. | x, Theta*) || p(. | x, Theta_hat))`` depends on ``x`` only
  through its projection on the span of the columns of ``Theta*`` and ``Theta_hat``
  (dimension ``m <= 2 (K - 1)``), a standard Gaussian there: a tensor Gauss-Hermite rule
  in ``m`` dimensions;
* regression with noise ``epsilon ~ N(0, sigma^2)`` independent of ``x``: the test residual
  ``epsilon - x . (theta_hat - theta*)`` is ``N(0, sigma^2 + s^2)`` with ``s = |theta_hat -
  theta*|``, so the excess is ``G(sqrt(sigma^2 + s^2)) - G(sigma)`` with ``G(tau) = E l(tau Z)``
  in closed form (squared: ``tau^2``; Huber: Gaussian integrals of a piecewise polynomial);
* the absolute error of a fit against its noiseless target:
  ``E_x |x . Delta| = sqrt(2/pi) |Delta|``, docs/theory/regimes.md (RG.15).
"""

from __future__ import annotations

import functools
import itertools
import math

import numpy as np
from numpy.polynomial.hermite_e import hermegauss
from scipy.special import ndtr

from asymptotics._lib.validation import check_choice, check_real
from verify.models.glm import _logsumexp  # the one column-wise log-sum-exp of the models

__all__ = ["absolute_error", "gaussian_mean_loss", "regression_excess", "softmax_excess"]

# Gauss-Hermite points per dimension by the dimension m of the span (nodes^m evaluations);
# the tests check the rule against a finer one and a Monte Carlo average
_NODES = {1: 60, 2: 40, 3: 16, 4: 10}


@functools.lru_cache(maxsize=8)
def _gauss_rule(m: int) -> tuple[np.ndarray, np.ndarray]:
    z, w = hermegauss(_NODES[m])
    w = w / math.sqrt(2 * math.pi)
    nodes = np.array(list(itertools.product(z, repeat=m)))
    weights = np.prod(np.array(list(itertools.product(w, repeat=m))), axis=1)
    return nodes, weights


def softmax_excess(theta_true: object, theta_hat: object) -> np.ndarray:
    """``E_x KL(softmax(0, x . Theta*) || softmax(0, x . Theta_hat))`` for ``x ~ N(0, I_p)``.

    Parameters
    ----------
    theta_true : array_like, shape (p, K - 1)
    theta_hat : array_like, shape (p, K - 1) or (S, p, K - 1)

    Returns
    -------
    numpy.ndarray
        The excess log-loss of each fit (shape ``()`` or ``(S,)``), averaged exactly over
        the Gaussian test features by a tensor Gauss-Hermite rule on the span of the
        parameters (at most 4 dimensions: ``K <= 3``).
    """
    t_true = np.asarray(theta_true, dtype=float)
    t_hat = np.asarray(theta_hat, dtype=float)
    single = t_hat.ndim == 2
    t_hat = t_hat[None] if single else t_hat
    if t_true.ndim != 2 or t_hat.shape[1:] != t_true.shape:
        raise ValueError(f"`theta_hat` must have shape {t_true.shape} or (S, *{t_true.shape}); "
                         f"got {np.shape(theta_hat)}")
    k1 = t_true.shape[1]
    if 2 * k1 > max(_NODES):
        raise ValueError(f"`theta_true` must have at most {max(_NODES) // 2} columns (K <= 3) "
                         f"for the exact Gaussian rule; got K - 1 = {k1}")
    out = np.empty(len(t_hat))
    for s, th in enumerate(t_hat):
        _, coords = np.linalg.qr(np.concatenate([t_true, th], axis=1))
        m = coords.shape[0]
        nodes, weights = _gauss_rule(m)
        zero = np.zeros((len(nodes), 1))
        a = np.concatenate([zero, nodes @ coords[:, :k1]], axis=1)   # logits under Theta*
        b = np.concatenate([zero, nodes @ coords[:, k1:]], axis=1)   # logits under Theta_hat
        lse_a = _logsumexp(a)
        prob_a = np.exp(a - lse_a[:, None])
        kl = _logsumexp(b) - lse_a - np.einsum("nk,nk->n", prob_a, b - a)  # KL(p_a || p_b)
        out[s] = weights @ kl
    return out[0] if single else out


def gaussian_mean_loss(loss: str, tau: object, *, threshold: float = 1.0) -> np.ndarray:
    """``G(tau) = E[l(tau Z)]``, ``Z ~ N(0, 1)``, for the squared (``e^2``) or Huber loss."""
    loss = check_choice("loss", loss, ("squared", "huber"))
    tau = np.asarray(tau, dtype=float)
    if loss == "squared":
        return tau**2
    c = check_real("threshold", threshold, gt=0)
    k = c / tau
    inside = 2 * ndtr(k) - 1
    phi = np.exp(-k**2 / 2) / math.sqrt(2 * math.pi)
    # tau^2/2 E[Z^2; |Z| <= k] + c tau E[|Z|; |Z| > k] - c^2/2 P(|Z| > k), with
    # E[Z^2; |Z| <= k] = inside - 2 k phi, E[|Z|; |Z| > k] = 2 phi, P(|Z| > k) = 2 (1 - Phi(k))
    return tau**2 / 2 * inside + c * tau * phi - c**2 * ndtr(-k)


def regression_excess(loss: str, distance: object, *, noise_sd: float,
                      threshold: float = 1.0) -> np.ndarray:
    """Excess test loss ``G(sqrt(sigma^2 + s^2)) - G(sigma)`` of a regression fit at
    ``s = |theta_hat - theta*|`` (features ``N(0, I_p)``, noise ``N(0, sigma^2)``)."""
    s = np.asarray(distance, dtype=float)
    sigma = check_real("noise_sd", noise_sd, gt=0)
    if loss == "squared":
        return s**2
    return (gaussian_mean_loss(loss, np.sqrt(sigma**2 + s**2), threshold=threshold)
            - gaussian_mean_loss(loss, sigma, threshold=threshold))


def absolute_error(distance: object) -> np.ndarray:
    """``E_x |x . Delta| = sqrt(2/pi) |Delta|`` for ``x ~ N(0, I_p)``, docs/theory/regimes.md (RG.15)."""
    return math.sqrt(2 / math.pi) * np.asarray(distance, dtype=float)
