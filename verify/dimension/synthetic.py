"""From points to a predicted exponent and back: the synthetic-manifold check (docs/dimension.md §3).

:func:`synthetic_check` closes the loop of the resolution-limited story on data whose
dimension is known: sample a ``d``-manifold (:mod:`verify.manifolds.sampling`),
estimate ``d`` (:func:`verify.dimension.estimate.estimate_dimension`), predict the 1-NN exponent
``alpha = 2/d_hat`` with its interval (piecewise-constant model, squared loss), and
measure ``alpha`` from a held-out 1-NN learning curve on the smooth target

.. math:: F(u) = d^{-1/2} \\sum_{i=1}^{d} \\sin(2\\pi u_i + i)

(docs/dimension.md (ID.11)), a function of the intrinsic coordinates that is smooth and
periodic, so on the torus embedding it has no boundary.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from asymptotics._lib.validation import check_int, check_real
from verify.compare import Verdict, intervals_overlap
from verify.dimension.estimate import (
    DimensionEstimate,
    ExponentPrediction,
    estimate_dimension,
    predicted_exponents,
)
from verify.dimension.nn_curve import NNLearningCurve, nn_learning_curve
from verify.manifolds.sampling import sample_manifold

__all__ = ["BiasRow", "SyntheticCheck", "estimator_bias", "smooth_target", "synthetic_check"]


@dataclass(frozen=True)
class SyntheticCheck:
    """Estimated ``d``, predicted and measured 1-NN exponents on a known manifold.

    Attributes
    ----------
    d_true : int
        The manifold's dimension.
    embedding : str
        How it was embedded (``verify.manifolds.sampling.EMBEDDINGS``).
    noise : float
        Ambient noise level.
    estimate : DimensionEstimate
        The dimension estimate (on ``n_estimate`` points).
    prediction : ExponentPrediction
        ``2 / d_hat`` with its interval (squared loss, piecewise-constant model).
    ideal_exponent : float
        ``2 / d_true``.
    curve : NNLearningCurve
        The measured learning curve and its fit.
    relative_gap : float
        ``(measured - predicted) / predicted``.
    intervals_overlap : bool
        Whether the predicted and the measured intervals intersect
        (:func:`verify.compare.intervals_overlap`).
    """

    d_true: int
    embedding: str
    noise: float
    estimate: DimensionEstimate
    prediction: ExponentPrediction
    ideal_exponent: float
    curve: NNLearningCurve
    relative_gap: float
    intervals_overlap: bool

    @property
    def verdict(self) -> Verdict:
        """:class:`verify.compare.Verdict`: ``"agree"`` when the intervals overlap."""
        if self.intervals_overlap:
            return Verdict("agree")
        lo, hi = self.curve.fit.alpha_ci
        p_lo, p_hi = self.prediction.ci
        return Verdict("disagree", (f"measured 1-NN exponent interval [{lo:.4g}, {hi:.4g}] "
                                    f"misses the predicted 2/d_hat interval "
                                    f"[{p_lo:.4g}, {p_hi:.4g}]",))


def smooth_target(u: np.ndarray) -> np.ndarray:
    """``F(u) = d^(-1/2) sum_i sin(2 pi u_i + i)`` for ``u`` of shape ``(n, d)`` (ID.11)."""
    d = u.shape[1]
    return np.sin(2.0 * np.pi * u + np.arange(1, d + 1)).sum(axis=1) / np.sqrt(d)


def synthetic_check(d: int, *, embedding: str = "torus", noise: float = 0.0,
                    n_estimate: int = 4000, sizes: tuple[int, ...] = (100, 300, 1000, 3000,
                                                                       10000),
                    n_test: int = 2000, n_splits: int = 4, estimator: str = "twonn",
                    seed: int = 0) -> SyntheticCheck:
    """Run the estimate -> predict -> measure loop on a ``d``-dimensional manifold.

    Parameters
    ----------
    d : int
        Intrinsic dimension.
    embedding, noise
        Passed to :func:`verify.manifolds.sampling.sample_manifold`.
    n_estimate : int
        Points used to estimate ``d`` (the first ones of the sample).
    sizes : sequence of int
        Training sizes of the learning curve.
    n_test, n_splits : int
        Held-out test points and random splits.
    estimator : {"twonn", "mle"}
        Dimension estimator.
    seed : int
        Seeds the sample, the estimate's bootstrap and the splits.

    Returns
    -------
    SyntheticCheck
    """
    d = check_int("d", d, minimum=1)
    n_estimate = check_int("n_estimate", n_estimate, minimum=3)
    noise = check_real("noise", noise, ge=0.0)
    n = max(n_estimate, int(sizes[-1]) + int(n_test))
    sample = sample_manifold(n, d, embedding=embedding, noise=noise, seed=seed)
    est = estimate_dimension(sample.X[:n_estimate], estimator=estimator, seed=seed)
    (pred,) = predicted_exponents(est, loss="squared", model="piecewise_constant")
    curve = nn_learning_curve(sample.X, smooth_target(sample.u), sizes, n_test=n_test,
                              n_splits=n_splits, seed=seed)
    measured = curve.fit.alpha
    overlap = intervals_overlap(curve.fit.alpha_ci, pred.ci)  # verify.compare decides
    return SyntheticCheck(d_true=d, embedding=embedding, noise=noise, estimate=est,
                          prediction=pred, ideal_exponent=pred.c / d, curve=curve,
                          relative_gap=(measured - pred.exponent) / pred.exponent,
                          intervals_overlap=overlap)


@dataclass(frozen=True)
class BiasRow:
    """Mean and spread of an estimator over seeds on one manifold (docs/dimension.md §4)."""

    d_true: int
    embedding: str
    noise: float
    estimator: str
    n_points: int
    mean: float
    std: float
    relative_bias: float
    seeds: tuple[int, ...]


def estimator_bias(d: int, *, embedding: str = "linear", noise: float = 0.0,
                   estimator: str = "twonn", n_points: int = 2000,
                   seeds: tuple[int, ...] = (0, 1, 2, 3)) -> BiasRow:
    """Measure an estimator's bias on a known manifold: mean of ``d_hat`` over seeds.

    ``relative_bias = (mean - d) / d``; ``std`` is the spread over seeds (sample std).
    """
    d = check_int("d", d, minimum=1)
    if len(seeds) < 2:
        raise ValueError(f"`seeds` must hold at least 2 seeds for a spread; got {seeds!r}")
    vals = np.array([estimate_dimension(
        sample_manifold(n_points, d, embedding=embedding, noise=noise, seed=s).X,
        estimator=estimator, bootstrap=10, k=(1, 1) if estimator == "twonn" else None,
        seed=s).d for s in seeds])
    mean = float(vals.mean())
    return BiasRow(d_true=d, embedding=embedding, noise=noise, estimator=estimator,
                   n_points=n_points, mean=mean, std=float(vals.std(ddof=1)),
                   relative_bias=(mean - d) / d, seeds=tuple(seeds))
