"""Does a real dataset follow ``alpha ~ c/d``? The bundled handwritten digits (docs/dimension.md §5).

Bahri et al. (their Fig. 1b) report that teacher-student models follow ``4/d`` while "the
relationship ... on standard datasets is less clear". :func:`digits_check` asks the same
question of the 8x8 handwritten digits that ship inside scikit-learn
(``sklearn.datasets.load_digits``: 1797 images, 64 pixels; no download at run time):

1. estimate the intrinsic dimension ``d`` of the images, with its bootstrap interval;
2. predict the exponents ``c/d``: ``2/d`` for the model actually measured (1-NN
   regression is piecewise constant; squared loss) and the paper's ``4/d`` (accurate
   piecewise-linear model);
3. measure the 1-NN learning curve on a real target, with a held-out test set and several
   random splits: the one-hot class label (squared error; ``L = 2 x`` the 1-NN error
   rate) or a fixed smooth function of the image, ``F(x) = sin(w . (x - mean) / s)``
   with a seeded random unit vector ``w`` and ``s`` the spread of ``w . x``
   (docs/dimension.md (ID.12));
4. report the measured exponent, the dimension it implies (``2 / alpha``), and how far
   each prediction is from it. Real data need not follow the theory: the result says
   so when it does not.

scikit-learn is an optional extra (``pip install scaling-law-toolkit[data]``); without it
:func:`load_digits` raises :class:`MissingOptionalDependency` with that instruction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from asymptotics._lib.validation import check_choice, check_int
from verify.compare import Verdict, intervals_overlap
from verify.dimension.estimate import (
    DimensionEstimate,
    ExponentPrediction,
    estimate_dimension,
    predicted_exponents,
)
from verify.dimension.nn_curve import NNLearningCurve, nn_learning_curves

__all__ = ["TARGETS", "DigitsCheck", "MissingOptionalDependency", "digits_check",
           "digits_target", "load_digits"]

TARGETS = ("onehot", "smooth")


class MissingOptionalDependency(ImportError):
    """An optional extra (here scikit-learn, for the bundled dataset) is not installed."""


@dataclass(frozen=True)
class DigitsCheck:
    """The digits dataset's dimension, predicted and measured 1-NN exponents.

    Attributes
    ----------
    estimate : DimensionEstimate
        Intrinsic dimension of the 1797 images.
    predictions : tuple of ExponentPrediction
        ``c/d`` for every model (squared loss); ``matched`` and ``paper`` pick two.
    matched, paper : ExponentPrediction
        ``2/d`` (piecewise constant: what 1-NN is) and ``4/d`` (the paper's estimate).
    curve : NNLearningCurve
        The measured learning curve and its power-law fit.
    target : str
        ``"onehot"`` or ``"smooth"``.
    implied_d : float
        ``2 / alpha_measured``: the dimension the measured curve implies for 1-NN.
    implied_d_ci : tuple of float
        Its interval, from the endpoints of the measured exponent's interval.
    ratio_to_matched, ratio_to_paper : float
        ``alpha_measured / (2/d)`` and ``alpha_measured / (4/d)``.
    consistent_with_matched : bool
        Whether the measured and the ``2/d`` intervals intersect
        (:func:`verify.compare.intervals_overlap`).
    summary : str
        One honest sentence on the outcome.
    directions : int
        Target directions ``w`` averaged (smooth target; 1 for one-hot).
    direction_exponents : tuple of float
        The measured exponent for each direction (the first is ``curve``'s), all on the
        same splits.
    exponent_mean, exponent_mean_ci : float, tuple of float
        Their mean, and its interval (docs/dimension.md (ID.14)): the split spread, common
        to all directions, plus the directions' spread over ``sqrt(directions)``.
    split_se, direction_sd : float
        The exponent's standard error over splits (from the fit's bootstrap interval,
        averaged over directions) and the standard deviation across directions (0 for one).
    """

    estimate: DimensionEstimate
    predictions: tuple[ExponentPrediction, ...]
    matched: ExponentPrediction
    paper: ExponentPrediction
    curve: NNLearningCurve
    target: str
    implied_d: float
    implied_d_ci: tuple[float, float]
    ratio_to_matched: float
    ratio_to_paper: float
    consistent_with_matched: bool
    summary: str
    directions: int = 1
    direction_exponents: tuple[float, ...] = ()
    exponent_mean: float = float("nan")
    exponent_mean_ci: tuple[float, float] = (float("nan"), float("nan"))
    split_se: float = float("nan")
    direction_sd: float = 0.0

    @property
    def verdict(self) -> Verdict:
        """:class:`verify.compare.Verdict` of the measured exponent against ``2/d``."""
        return Verdict("agree") if self.consistent_with_matched else Verdict(
            "disagree", (self.summary,))


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """The bundled 8x8 digits: images ``(1797, 64)`` as float64 and labels ``(1797,)``.

    Raises
    ------
    MissingOptionalDependency
        If scikit-learn is not installed.
    """
    try:
        from sklearn.datasets import load_digits as _load
    except ImportError:
        raise MissingOptionalDependency(
            "the bundled digits dataset needs scikit-learn, an optional extra: "
            "pip install 'scaling-law-toolkit[data]'") from None
    bunch = _load()
    return np.asarray(bunch.data, dtype=np.float64), np.asarray(bunch.target)


def digits_target(X: np.ndarray, labels: np.ndarray, target: str, seed: int) -> np.ndarray:
    """The regression target: one-hot labels ``(n, 10)`` or the smooth ``F(x)`` ``(n,)``."""
    if target == "onehot":
        return np.eye(int(labels.max()) + 1)[labels]
    w = np.random.default_rng(seed).standard_normal(X.shape[1])
    proj = (X - X.mean(axis=0)) @ (w / np.linalg.norm(w))
    return np.sin(proj / proj.std())  # docs/dimension.md (ID.12)


def _direction_seed(seed: int, j: int) -> int:
    """Seed of target direction ``j``: ``seed`` itself for the first (the one-direction
    check is unchanged), an independent ``SeedSequence([seed, j])`` draw for the others."""
    return seed if j == 0 else int(np.random.SeedSequence([seed, j]).generate_state(1)[0])


def _summary(alpha, ci, matched, paper, implied_d, d, consistent, directions=1):
    lo, hi = ci
    if consistent:
        verdict = "consistent with the 1-NN prediction 2/d"
    else:
        verdict = ("steeper than" if lo > matched.ci[1] else "shallower than") + \
            " the 1-NN prediction 2/d"
    what = ("measured 1-NN exponent" if directions == 1 else
            f"measured 1-NN exponent, mean over {directions} target directions,")
    return (f"{what} {alpha:.3f} [{lo:.3f}, {hi:.3f}] is {verdict} = "
            f"{matched.exponent:.3f} [{matched.ci[0]:.3f}, {matched.ci[1]:.3f}] "
            f"(estimated d = {d:.2f}); it implies d = {implied_d:.1f}; it is "
            f"{alpha / paper.exponent:.2f}x the paper's 4/d = {paper.exponent:.3f}")


def digits_check(*, estimator: str = "twonn", target: str = "onehot",
                 sizes: tuple[int, ...] = (25, 50, 100, 200, 400, 800, 1397),
                 n_test: int = 400, n_splits: int = 8, bootstrap: int = 200,
                 seed: int = 0, force: bool = False,
                 directions: int | None = None) -> DigitsCheck:
    """Estimate ``d`` of the bundled digits and compare ``c/d`` with a measured exponent.

    Parameters
    ----------
    estimator : {"twonn", "mle"}
        Dimension estimator (defaults of :func:`verify.dimension.estimate.estimate_dimension`).
    target : {"onehot", "smooth"}
        One-hot class label, or the smooth function of the image (ID.12).
    sizes : sequence of int
        Training sizes; ``sizes[-1] + n_test <= 1797``.
    n_test, n_splits : int
        Held-out test images per split, and random splits.
    bootstrap : int
        Resamples for the interval on ``d``.
    seed : int
        Seeds the bootstrap, the splits and the smooth target's direction.
    force : bool
        Passed to :func:`verify.dimension.estimate.estimate_dimension` (run past its cost
        bound).
    directions : int, optional
        Smooth target: average the measured exponent over this many seeded directions
        ``w`` (all on the same splits; the first is that of ``seed``) and decide
        consistency on the mean with the interval (ID.14). Default: 20 for the smooth
        target (one direction moves the exponent by +-0.03, docs/dimension.md §5), 1 for
        the one-hot target, which must have 1.

    Returns
    -------
    DigitsCheck

    Raises
    ------
    MissingOptionalDependency
        If scikit-learn is not installed.
    """
    target = check_choice("target", target, TARGETS)
    seed = check_int("seed", seed, minimum=0)
    if directions is None:
        directions = 20 if target == "smooth" else 1
    directions = check_int("directions", directions, minimum=1)
    if target == "onehot" and directions != 1:
        raise ValueError(f"`directions` must be 1 for target='onehot' (one label, no "
                         f"direction to vary); got {directions}")
    X, labels = load_digits()
    est = estimate_dimension(X, estimator=estimator, bootstrap=bootstrap, seed=seed,
                             force=force)
    preds = predicted_exponents(est, loss="squared")
    by_model = {p.model: p for p in preds}
    matched, paper = by_model["piecewise_constant"], by_model["piecewise_linear"]
    curves = nn_learning_curves(
        X, [digits_target(X, labels, target, _direction_seed(seed, j))
            for j in range(directions)], sizes, n_test=n_test, n_splits=n_splits, seed=seed)
    curve = curves[0]
    alphas = np.array([c.fit.alpha for c in curves])
    # split s.e. from each fit's bootstrap interval over splits (normal width 2 z)
    z = float(stats.norm.ppf(0.5 * (1.0 + curve.fit.confidence)))
    split_se = float(np.mean([(c.fit.alpha_ci[1] - c.fit.alpha_ci[0]) / (2 * z)
                              for c in curves]))
    dir_sd = float(alphas.std(ddof=1)) if directions > 1 else 0.0
    a_mean = float(alphas.mean())
    # docs/dimension.md (ID.14): splits are shared (their error does not average out over
    # directions), directions are independent draws
    se_mean = math.hypot(split_se, dir_sd / math.sqrt(directions))
    mean_ci = (a_mean - z * se_mean, a_mean + z * se_mean)
    if directions == 1:
        alpha, (lo, hi) = curve.fit.alpha, curve.fit.alpha_ci
    else:
        alpha, (lo, hi) = a_mean, mean_ci
    implied = 2.0 / alpha if alpha > 0 else float("inf")
    implied_ci = (2.0 / hi if hi > 0 else float("inf"), 2.0 / lo if lo > 0 else float("inf"))
    overlap = intervals_overlap((lo, hi), matched.ci)  # verify.compare decides
    return DigitsCheck(estimate=est, predictions=preds, matched=matched, paper=paper,
                       curve=curve, target=target, implied_d=implied, implied_d_ci=implied_ci,
                       ratio_to_matched=alpha / matched.exponent,
                       ratio_to_paper=alpha / paper.exponent, consistent_with_matched=overlap,
                       summary=_summary(alpha, (lo, hi), matched, paper, implied, est.d,
                                       overlap, directions),
                       directions=directions, direction_exponents=tuple(alphas.tolist()),
                       exponent_mean=a_mean, exponent_mean_ci=mean_ci, split_se=split_se,
                       direction_sd=dir_sd)
