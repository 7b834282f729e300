"""Held-out nearest-neighbour learning curves on a fixed dataset (docs/dimension.md §2).

The resolution-limited check needs a *measured* exponent to set beside ``c/d``. For a
dataset given as points ``X`` with targets ``Y`` this module runs 1-nearest-neighbour
regression (a piecewise-constant model: ``c = 2`` for the squared loss, docs/theory/regimes.md (RG.7))
on nested training sets of sizes ``D`` drawn from a pool, scores it on a held-out test
set, repeats over random splits (one ``SeedSequence`` stream per split), and fits
``L = A D^(-alpha)`` with :func:`verify.fit.fit_power_law` (bootstrap over splits).

The loss is the excess test error of the toolkit's convention (asymptotics.model):
``L(D) = mean_test ||f(x) - Y(x)||^2``, summed over output columns, no factor 1/2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import KDTree

from asymptotics._lib.validation import (
    check_int,
    check_real,
    check_real_array,
    check_sorted_int_grid,
)
from verify.fit import PowerLawFit, fit_power_law

__all__ = ["NNLearningCurve", "nn_learning_curve", "nn_learning_curves"]


@dataclass(frozen=True)
class NNLearningCurve:
    """A held-out 1-NN learning curve and its power-law fit.

    Attributes
    ----------
    sizes : tuple of int
        Training-set sizes ``D``.
    losses : numpy.ndarray, shape (n_splits, len(sizes))
        Test loss per split and size (docs/dimension.md (ID.10)).
    fit : verify.fit.PowerLawFit
        ``L = A D^(-alpha)`` fitted to the mean over splits, interval bootstrapped over
        splits.
    n_test, n_splits, seed : int
        Test-set size, number of random splits, and the seed that reproduces them.
    """

    sizes: tuple[int, ...]
    losses: np.ndarray
    fit: PowerLawFit
    n_test: int
    n_splits: int
    seed: int


def _split_neighbours(X, sizes, n_test, rng):
    """One random split: the test rows and, per size, the nearest training row of each."""
    order = rng.permutation(X.shape[0])
    test, pool = order[:n_test], order[n_test:]
    nearest = []
    for D in sizes:
        train = pool[:D]  # nested: each training set contains the smaller ones
        _, nn = KDTree(X[train]).query(X[test], k=1)
        nearest.append(train[nn])
    return test, nearest


def _split_losses(Y, test, nearest):
    out = np.empty(len(nearest))
    for j, rows in enumerate(nearest):
        err = Y[rows] - Y[test]
        out[j] = np.mean(np.sum(err * err, axis=1))  # docs/dimension.md (ID.10)
    return out


def _one_split(X, Y, sizes, n_test, rng):
    return _split_losses(Y, *_split_neighbours(X, sizes, n_test, rng))


def nn_learning_curve(X: object, Y: object, sizes: object, *, n_test: int,
                      n_splits: int = 5, seed: int = 0, confidence: float = 0.95,
                      window: tuple[float, float] | None = None) -> NNLearningCurve:
    """Measure the 1-NN regression learning curve ``L(D)`` with a held-out test set.

    Parameters
    ----------
    X : array_like, shape (n, p)
        Inputs, finite.
    Y : array_like, shape (n,) or (n, m)
        Targets (e.g. one-hot labels, or a smooth function of ``X``).
    sizes : sequence of int
        Strictly increasing training sizes; ``sizes[-1] + n_test <= n``.
    n_test : int
        Held-out test points per split.
    n_splits : int
        Random splits (>= 2, for the bootstrap over splits).
    seed : int
        Seeds the splits (``SeedSequence(seed).spawn(n_splits)``) and the fit's bootstrap.
    confidence : float
        Level of the exponent's interval.
    window : (lo, hi), optional
        Range of ``D`` used by the fit.

    Returns
    -------
    NNLearningCurve
    """
    return nn_learning_curves(X, [Y], sizes, n_test=n_test, n_splits=n_splits, seed=seed,
                              confidence=confidence, window=window)[0]


def nn_learning_curves(X: object, Ys: object, sizes: object, *, n_test: int,
                       n_splits: int = 5, seed: int = 0, confidence: float = 0.95,
                       window: tuple[float, float] | None = None
                       ) -> tuple[NNLearningCurve, ...]:
    """:func:`nn_learning_curve` for several targets on the same splits and neighbours.

    The splits and the nearest training point of every test point depend on ``X`` only,
    so they are computed once and every target in ``Ys`` (a sequence of arrays, each as
    ``Y`` of :func:`nn_learning_curve`) is scored on them; curve ``i`` equals
    ``nn_learning_curve(X, Ys[i], ...)`` exactly.
    """
    X = check_real_array("X", X, ndim=2)
    Ys = list(Ys)
    if not Ys:
        raise ValueError("`Ys` must hold at least one target")
    checked = []
    for Y in Ys:
        Y = np.asarray(Y, dtype=np.float64)
        Y = check_real_array("Y", Y[:, None] if Y.ndim == 1 else Y, ndim=2)
        if Y.shape[0] != X.shape[0]:
            raise ValueError(f"`Y` must have one row per row of `X`; got {Y.shape[0]} rows "
                             f"for {X.shape[0]} points")
        checked.append(Y)
    sizes = check_sorted_int_grid("sizes", sizes, minimum=1)
    n_test = check_int("n_test", n_test, minimum=1)
    n_splits = check_int("n_splits", n_splits, minimum=2)
    seed = check_int("seed", seed, minimum=0)
    confidence = check_real("confidence", confidence, gt=0.0, lt=1.0)
    if sizes[-1] + n_test > X.shape[0]:
        raise ValueError(f"`sizes` must leave `n_test`={n_test} points for testing; got "
                         f"largest size {sizes[-1]} with only {X.shape[0]} points")
    streams = np.random.SeedSequence(seed).spawn(n_splits + 1)
    splits = [_split_neighbours(X, sizes, n_test, np.random.default_rng(s))
              for s in streams[:n_splits]]
    out = []
    for Y in checked:
        losses = np.stack([_split_losses(Y, *sp) for sp in splits])
        if not (losses > 0).all():
            raise ValueError("a test loss is exactly 0 (targets reproduced exactly), so no "
                             "power law can be fitted; use a larger test set or another "
                             "target")
        fit = fit_power_law(np.array(sizes, dtype=float), seeds_losses=losses, window=window,
                            confidence=confidence,
                            rng=int(streams[-1].generate_state(1)[0]))
        out.append(NNLearningCurve(sizes=sizes, losses=losses, fit=fit, n_test=n_test,
                                   n_splits=n_splits, seed=seed))
    return tuple(out)
