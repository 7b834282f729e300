"""Variance-limited learning curves of exactly fitted GLMs: excess test loss against ``D``.

:func:`glm_learning_curve` draws, for each repetition, one training set of the largest size
from the model, fits the nested prefixes of sizes ``D_1 < D_2 < ...`` exactly
(:mod:`verify.models.glm`) and evaluates the exact population excess loss of every fit
(:mod:`verify.models.excess`). The models:

=============  ===========================================================  ===============
model          data and fit                                                 prediction
=============  ===========================================================  ===============
``logistic``   ``y ~ Bernoulli(sigmoid(x . theta*))``, MLE, log-loss        ``P/(2D)`` (RG.13)
``softmax3``   3 classes, logits ``(0, x . Theta*)``, MLE, log-loss          ``P/(2D)``, ``P = 2p``
``huber``      ``y = x . theta* + N(0, 1)``, Huber M-estimator, Huber loss  (RG.14)
``squared``    the same data, least squares, squared loss ``e^2``           ``p sigma^2 / D``
``absolute``   the same data, least squares, absolute error against the     ``D^(-1/2)`` (RG.15)
               noiseless target ``x . theta*``
=============  ===========================================================  ===============

Features are ``x ~ N(0, I_p)`` throughout (docs/theory/regimes.md (RG.13)-(RG.15)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from asymptotics._lib.budget import check_memory, check_seconds
from asymptotics._lib.validation import check_choice, check_int, check_real, check_sorted_int_grid
from verify.models.excess import absolute_error, regression_excess, softmax_excess
from verify.models.glm import fit_m_estimator, fit_softmax

__all__ = ["GLM_MODELS", "GLMCurve", "glm_learning_curve", "n_free_parameters"]

#: The models of :func:`glm_learning_curve`.
GLM_MODELS = ("logistic", "softmax3", "huber", "squared", "absolute")


@dataclass(frozen=True)
class GLMCurve:
    """Excess test losses of :func:`glm_learning_curve`.

    Attributes
    ----------
    model : str
    D : tuple of int
        The training-set sizes.
    excess : numpy.ndarray, shape (seeds, len(D))
        Exact population excess loss of each fit (the absolute error itself for
        ``absolute``, whose minimum is 0).
    n_params : int
        Free parameters ``P`` (``p (K - 1)`` for softmax).
    theta_true : numpy.ndarray
        The true parameter.
    seed : int
        Root seed: repetition ``k`` draws from ``SeedSequence(seed).spawn(seeds)[k]``, the true
        parameter from ``SeedSequence(seed).spawn(seeds + 1)[seeds]``.
    noise_sd, threshold : float
        Label noise (regression models) and Huber threshold.
    """

    model: str
    D: tuple[int, ...]
    excess: np.ndarray
    n_params: int
    theta_true: np.ndarray
    seed: int
    noise_sd: float
    threshold: float


def n_free_parameters(model: str, p: int) -> int:
    """Free parameters of ``model`` on ``p`` features: ``2 p`` for ``softmax3``, else ``p``."""
    model = check_choice("model", model, GLM_MODELS)
    return 2 * p if model == "softmax3" else p


def _iv(model, D, p, seeds, seed, scale, noise_sd, threshold):
    model = check_choice("model", model, GLM_MODELS)
    grid = check_sorted_int_grid("D", D, minimum=2)
    p = check_int("p", p, minimum=1)
    seeds = check_int("seeds", seeds, minimum=2)
    seed = check_int("seed", seed, minimum=0)
    scale = check_real("scale", scale, gt=0)
    noise_sd = check_real("noise_sd", noise_sd, gt=0)
    threshold = check_real("threshold", threshold, gt=0)
    n_params = n_free_parameters(model, p)
    if grid[0] <= n_params + 1:
        raise ValueError(f"`D` must exceed P + 1 = {n_params + 1} (P = {n_params} free "
                         f"parameters of {model!r}) for the fit to exist and be unique; got "
                         f"D[0] = {grid[0]}")
    check_memory("D", grid[-1], 8.0 * seeds * grid[-1] * (p + 4))
    check_seconds("D", grid[-1], 40.0 * seeds * sum(grid) * p * n_params)
    return model, grid, p, seeds, seed, scale, noise_sd, threshold, n_params


def glm_learning_curve(model: str, D: object, *, p: int = 4, seeds: int = 50,
                       seed: int = 0, scale: float = 0.6, noise_sd: float = 1.0,
                       threshold: float = 1.0) -> GLMCurve:
    """Excess test loss of an exactly fitted GLM at each training-set size in ``D``.

    Parameters
    ----------
    model : {"logistic", "softmax3", "huber", "squared", "absolute"}
        See the module's table.
    D : sequence of int
        Increasing training-set sizes, each larger than ``P + 1``.
    p : int
        Features.
    seeds : int
        Independent repetitions (at least 2).
    seed : int
        Root seed.
    scale : float
        The true parameter is ``scale`` times a standard Gaussian vector (matrix).
    noise_sd, threshold : float
        Regression label noise and the Huber threshold ``c_H``.

    Returns
    -------
    GLMCurve
    """
    model, grid, p, seeds, seed, scale, noise_sd, threshold, n_params = _iv(
        model, D, p, seeds, seed, scale, noise_sd, threshold)
    children = np.random.SeedSequence(seed).spawn(seeds + 1)
    k1 = 2 if model == "softmax3" else 1
    theta = scale * np.random.default_rng(children[seeds]).standard_normal((p, k1))
    rngs = [np.random.default_rng(c) for c in children[:seeds]]
    X = np.stack([r.standard_normal((grid[-1], p)) for r in rngs])
    u = np.stack([r.random(grid[-1]) for r in rngs])        # label noise: uniforms ...
    excess = np.empty((seeds, len(grid)))
    if model in ("logistic", "softmax3"):
        logits = np.concatenate([np.zeros((seeds, grid[-1], 1)), X @ theta], axis=-1)
        prob = np.exp(logits - logits.max(-1, keepdims=True))
        cdf = np.cumsum(prob / prob.sum(-1, keepdims=True), axis=-1)
        labels = (u[..., None] > cdf[..., :-1]).sum(axis=-1)  # ... inverted through the CDF
        for j, n in enumerate(grid):
            fit = fit_softmax(X[:, :n], labels[:, :n], k1 + 1)
            excess[:, j] = softmax_excess(theta, fit.theta)
        return GLMCurve(model, grid, excess, n_params, theta, seed, noise_sd, threshold)
    from scipy.special import ndtri

    noise = noise_sd * ndtri(u)                              # ... or Gaussian by inversion
    y = (X @ theta)[..., 0] + noise
    for j, n in enumerate(grid):
        if model == "huber":
            fit = fit_m_estimator(X[:, :n], y[:, :n], "huber", threshold=threshold).theta
        else:  # least squares: the exact normal equations
            fit = np.stack([np.linalg.lstsq(X[s, :n], y[s, :n], rcond=None)[0]
                            for s in range(seeds)])
        dist = np.linalg.norm(fit - theta[:, 0], axis=1)
        excess[:, j] = (absolute_error(dist) if model == "absolute" else
                        regression_excess("huber" if model == "huber" else "squared", dist,
                                          noise_sd=noise_sd, threshold=threshold))
    return GLMCurve(model, grid, excess, n_params, theta, seed, noise_sd, threshold)
