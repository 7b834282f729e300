"""Resolution-limited interpolation on the d-torus: nearest-neighbour and piecewise-linear.

The experiment behind Bahri et al.'s "from bounds to estimates" argument (Theorems 2-3;
docs/theory/regimes.md (RG.7); docs/laboratory_manifolds.md (LM.7)-(LM.10)): ``D`` training points uniform on the
unit-volume torus ``[0, 1)^d``, a target ``F`` known at them, an interpolant ``f`` and a
loss ``ell(f - F)`` averaged over sampled test points. With typical spacing
``s ~ D^(-1/d)``, an interpolant of accuracy order ``q`` (``|f - F| = O(s^q)``) and a
loss of order ``m`` at its minimum, ``L ~ D^(-c/d)`` with ``c = m q`` (LM.8).

The module measures; the prediction ``c/d`` is derived by
:func:`asymptotics.resolution.resolution_exponent` (:func:`expected_exponent` only
delegates to it). The nearest-neighbour distance moments are in
:mod:`verify.manifolds.nn_distance`.

Distances are periodic everywhere (``scipy.spatial.KDTree(boxsize=1)``); the Delaunay
interpolant is built on the training points plus the periodic images that lie within a
margin of the unit cube, so it is the periodic triangulation up to the margin.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from asymptotics._lib.validation import check_choice, check_int, check_sorted_int_grid
from verify.output.progress import tick

__all__ = [
    "LOSSES",
    "METHODS",
    "TARGETS",
    "InterpolationResult",
    "expected_exponent",
    "interpolate_torus",
    "interpolation_sweep",
    "loglog_slope",
    "torus_target",
]

METHODS = ("nearest", "linear", "local_linear")
LOSSES = ("squared", "absolute")
TARGETS = ("smooth", "kink")
_MAX_DELAUNAY_D = 4


def torus_target(theta: np.ndarray, target: str) -> np.ndarray:
    """The target ``F`` on ``[0, 1)^d`` (periodic), evaluated at ``theta`` of shape ``(n, d)``.

    ``"smooth"``: ``F = sum_j sin(2 pi theta_j + c_j) + cos(2 pi (theta_1 - theta_2))``
    (the last term for ``d >= 2``; analytic). ``"kink"``:
    ``F = sum_j |sin(pi (theta_j - c_j))|``, Lipschitz with a gradient jump across the
    hyperplanes ``theta_j = c_j`` (LM.7). Phases ``c_j = 0.3 + 0.37 j`` (fixed).
    """
    d = theta.shape[1]
    c = 0.3 + 0.37 * np.arange(d)
    if target == "smooth":
        out = np.sin(2 * np.pi * theta + c).sum(axis=1)  # docs/laboratory_manifolds.md (LM.7)
        if d >= 2:
            out = out + np.cos(2 * np.pi * (theta[:, 0] - theta[:, 1]))
        return out
    return np.abs(np.sin(np.pi * (theta - c))).sum(axis=1)  # (LM.7), kink set theta_j = c_j


# interpolant of this module -> the model of asymptotics.resolution it is an instance of
_MODEL_OF = {"nearest": "piecewise_constant", "linear": "piecewise_linear",
             "local_linear": "piecewise_linear"}


def expected_exponent(method: str, loss: str, target: str, d: int) -> tuple[float, str]:
    """The exponent ``c/d`` of ``L ~ D^(-c/d)`` expected for this experiment, with reason.

    Delegates to :func:`asymptotics.resolution.resolution_exponent` (``c = n_L m``,
    docs/theory/regimes.md (RG.7)): ``n_L`` the order of the loss at its minimum, ``m`` the
    accuracy order of the interpolant's model (nearest neighbour: piecewise constant;
    ``linear``, ``local_linear``: piecewise linear). On the kink target a piecewise-linear
    interpolant is ``O(s)`` wrong on a band of measure ``O(s)`` around the kink set and
    ``O(s^2)`` elsewhere (LM.9), so ``c = min(n_L + 1, n_L m)`` with ``n_L`` from
    :func:`asymptotics.resolution.loss_order`: 3 for the squared loss, 2 for the absolute.
    """
    from asymptotics.resolution import loss_order, resolution_exponent

    method = check_choice("method", method, METHODS)
    target = check_choice("target", target, TARGETS)
    law = resolution_exponent(d, loss=loss, model=_MODEL_OF[method], axis="data")
    c = law.exponent * d
    if target == "kink" and method != "nearest":
        n_loss = loss_order(loss)[0]
        c = min(n_loss + 1, c)  # docs/laboratory_manifolds.md (LM.9)
        return float(c / d), (f"piecewise linear, kink target: O(s) error on an O(s) band "
                              f"plus O(s^2) elsewhere (LM.9): c = min(n_L + 1, n_L m) = {c}")
    return float(law.exponent), f"{law.source}: c = n_L m = {c} ({law.conditions[1]})"


def _periodic_images(x: np.ndarray, margin: float) -> tuple[np.ndarray, np.ndarray]:
    """Points ``x + shift`` (``shift`` in ``{-1, 0, 1}^d``) inside ``(-margin, 1 + margin)^d``."""
    d = x.shape[1]
    shifts = np.array(list(itertools.product((-1.0, 0.0, 1.0), repeat=d)))
    pts = (x[None, :, :] + shifts[:, None, :]).reshape(-1, d)
    idx = np.tile(np.arange(len(x)), len(shifts))
    keep = np.all((pts > -margin) & (pts < 1.0 + margin), axis=1)
    return pts[keep], idx[keep]


def interpolate_torus(train: np.ndarray, values: np.ndarray, test: np.ndarray,
                      method: str) -> np.ndarray:
    """Interpolate periodic data ``(train, values)`` on ``[0, 1)^d`` at ``test`` points.

    ``"nearest"``: value of the periodic nearest neighbour (piecewise constant).
    ``"linear"``: Delaunay piecewise-linear interpolation (``d <= 4``) on the points plus
    their periodic images within ``margin = min(1/2, 3 (log D / D)^(1/d))`` of the cube.
    ``"local_linear"``: value at ``x`` of the least-squares affine fit to the ``2(d+1)``
    periodic nearest neighbours (any ``d``; accuracy ``O(s^2)`` like ``"linear"``).
    """
    from scipy.spatial import KDTree

    n, d = train.shape
    if method == "nearest":
        _, j = KDTree(train, boxsize=1.0).query(test)
        return values[j]
    if method == "local_linear":
        k = min(2 * (d + 1), n)
        _, j = KDTree(train, boxsize=1.0).query(test, k=k)
        delta = (train[j] - test[:, None, :] + 0.5) % 1.0 - 0.5  # minimum-image displacement
        X = np.concatenate([np.ones((*delta.shape[:2], 1)), delta], axis=2)
        Q, R = np.linalg.qr(X)
        coef = np.linalg.solve(R, (Q.swapaxes(1, 2) @ values[j][:, :, None]))
        return coef[:, 0, 0]
    margin = min(0.5, 3.0 * (math.log(max(n, 3)) / n) ** (1.0 / d))
    pts, idx = _periodic_images(train, margin)
    if d == 1:
        order = np.argsort(pts[:, 0])
        return np.interp(test[:, 0], pts[order, 0], values[idx][order])
    from scipy.interpolate import LinearNDInterpolator

    out = LinearNDInterpolator(pts, values[idx])(test)
    if np.isnan(out).any():
        raise RuntimeError(f"Delaunay interpolation left {int(np.isnan(out).sum())} test points "
                           f"outside the hull of the periodic images (margin {margin:.3g})")
    return out


def loglog_slope(grid: Any, losses: np.ndarray) -> tuple[float, float]:
    """Exponent ``-d log L / d log D`` from per-seed least-squares log-log slopes.

    Returns the mean over seeds of the per-seed slopes (negated) and its standard error
    (std over seeds / sqrt(n_seeds)); ``losses`` has shape ``(n_seeds, n_grid)`` and must
    be positive (no epsilon is added: a zero loss raises).
    """
    losses = np.asarray(losses, dtype=np.float64)
    if losses.ndim != 2 or losses.shape[1] < 2 or losses.shape[0] < 2:
        raise ValueError(f"`losses` must have shape (n_seeds >= 2, n_grid >= 2); got {losses.shape}")
    if not (losses > 0).all():
        raise ValueError("`losses` must be positive to take logarithms; got a value <= 0")
    from verify.fit import loglog_line  # the one log-log slope estimator, docs/fitting.md (FIT.1)
    slopes = loglog_line(np.asarray(grid, dtype=np.float64), losses).slope  # one per seed
    return float(-slopes.mean()), float(slopes.std(ddof=1) / math.sqrt(len(slopes)))


@dataclass(frozen=True)
class InterpolationResult:
    """Test loss of an interpolant on the torus along a nested D sweep.

    Attributes
    ----------
    grid : tuple of int
        Training-set sizes ``D`` (seed ``s`` uses the first ``D`` of its own points).
    losses, test_stderr : ndarray, shape (n_seeds, n_grid)
        Mean loss over the sampled test set and its standard error.
    mean, stderr : ndarray, shape (n_grid,)
        Mean over seeds and std over seeds / sqrt(n_seeds).
    exponent, exponent_stderr : float
        ``-`` mean per-seed log-log slope and its standard error (:func:`loglog_slope`).
    seed : int
        Root seed; seed ``s`` uses ``SeedSequence(seed).spawn(seeds)[s]``.
    config : dict
        The settings (``d``, ``method``, ``loss``, ``target``, ``n_test``, ``seeds``).
    note : str
        How the test set was sampled.

    The prediction to compare with is :func:`expected_exponent` of the same settings.
    """

    grid: tuple[int, ...]
    losses: np.ndarray
    test_stderr: np.ndarray
    mean: np.ndarray
    stderr: np.ndarray
    exponent: float
    exponent_stderr: float
    seed: int
    config: dict[str, Any] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class _InterpolationConfig:
    """The validated settings of one :func:`interpolation_sweep` (built by :meth:`from_args`)."""

    d: int
    D: tuple[int, ...]
    method: str
    loss: str
    target: str
    n_test: int
    seeds: int
    seed: int

    @classmethod
    def from_args(cls, d, D, method, loss, target, n_test, seeds,
                  seed) -> _InterpolationConfig:
        """Input validation and standardization for :func:`interpolation_sweep`."""
        d = check_int("d", d, minimum=1)
        D = check_sorted_int_grid("D", D, minimum=2)
        seeds = check_int("seeds", seeds, minimum=2)
        seed = check_int("seed", seed, minimum=0)
        n_test = check_int("n_test", n_test, minimum=2)
        method = check_choice("method", method, METHODS)
        loss = check_choice("loss", loss, LOSSES)
        target = check_choice("target", target, TARGETS)
        if method == "linear" and d > _MAX_DELAUNAY_D:
            raise ValueError(f"`method`='linear' (Delaunay) needs d <= {_MAX_DELAUNAY_D}; got "
                             f"d={d} (use 'local_linear')")
        if method == "linear" and D[0] < d + 2:
            raise ValueError(f"`D` must have every entry >= d + 2 = {d + 2} for a Delaunay "
                             f"triangulation; got {D[0]}")
        return cls(d=d, D=D, method=method, loss=loss, target=target, n_test=n_test,
                   seeds=seeds, seed=seed)

    def _margin_points(self, n: int) -> float:
        """Training points plus periodic images the Delaunay route triangulates."""
        margin = min(0.5, 3.0 * (math.log(max(n, 3)) / n) ** (1.0 / self.d))
        return n * (1.0 + 2.0 * margin) ** self.d

    def operations(self) -> float:
        """Estimated elementary operations of the sweep (work model calibrated on
        scipy's KDTree and Qhull; see docs/laboratory_manifolds.md, Commands)."""
        d, n_test = self.d, self.n_test
        per_seed = (self.D[-1] + n_test) * d * 60.0  # uniform draws and the target
        for n in self.D:
            if self.method == "linear":
                pts = self._margin_points(n)
                per_pt = 50.0 * math.log2(pts) if d == 1 else (6e5 if d <= 3 else 3.5e6)
                per_seed += pts * per_pt
                continue
            k = 1 if self.method == "nearest" else min(2 * (d + 1), n)
            visits = min(float(n), 14.0 * 2.0 ** min(d, 1000) * (k + 1) / 3.0)
            query = 70.0 * math.log2(n) + 2.0 * visits * (2 * d + 10)  # periodic: images
            fit = 0.0 if self.method == "nearest" else 10.0 * k * (d + 1) ** 2 + 1e4
            per_seed += 20.0 * n * math.log2(n) * d + n_test * (query + fit)
        return self.seeds * per_seed

    def nbytes(self) -> float:
        """Estimated peak memory: one seed's points, test set, neighbour arrays and images."""
        d, n, n_test = self.d, self.D[-1], self.n_test
        peak = 8.0 * (n + n_test) * d * 4
        if self.method == "linear":
            peak += 8.0 * 3.0 ** min(d, 1000) * n * d * 2 + 8.0 * self._margin_points(n) * (
                d + 1) * 12
        elif self.method == "local_linear":
            k = min(2 * (d + 1), n)
            peak += 8.0 * n_test * k * (d + 1) * 4
        return peak + 1000.0 * self.seeds * (len(self.D) + 1)  # seed streams and results

    def check_cost(self, force: bool) -> None:
        """Refuse, before any draw, a sweep estimated past the bounds of
        :mod:`asymptotics._lib.budget` (one line naming the parameter that drives it)."""
        from asymptotics._lib import budget

        if force:
            return
        hint = "pass force=True (command line: --force) to run it anyway"
        base = replace(self, seeds=2)
        if base.nbytes() > budget.MEMORY_BOUND or base.operations() > (
                budget.FLOP_RATE * budget.SECONDS_BOUND):
            # one seed's work is over: the sizes drive it
            small = replace(self, seeds=2, D=self.D[:1], n_test=2)
            driver = ("n_test", self.n_test) if (
                replace(self, seeds=2, n_test=2).operations()
                <= budget.FLOP_RATE * budget.SECONDS_BOUND
                and replace(self, seeds=2, n_test=2).nbytes() <= budget.MEMORY_BOUND) else (
                ("D", list(self.D)) if small.operations() <= budget.FLOP_RATE
                * budget.SECONDS_BOUND and small.nbytes() <= budget.MEMORY_BOUND
                else ("d", self.d))
        else:
            driver = ("seeds", self.seeds)
        budget.check_memory(*driver, self.nbytes(), hint=hint)
        budget.check_seconds(*driver, self.operations(), hint=hint)


def interpolation_sweep(d: int, D: Any, *, method: str = "nearest", loss: str = "squared",
                        target: str = "smooth", n_test: int = 2000, seeds: int = 8,
                        seed: int = 0, force: bool = False) -> InterpolationResult:
    """Loss of nearest-neighbour or piecewise-linear interpolation of a torus target vs D.

    Parameters
    ----------
    d : int
        Torus dimension.
    D : sequence of int
        Increasing training-set sizes (nested: the first ``D`` points of one draw per seed).
    method : {"nearest", "linear", "local_linear"}
    loss : {"squared", "absolute"}
        ``(f - F)^2`` or ``|f - F|`` at each test point (LM.10).
    target : {"smooth", "kink"}
        :func:`torus_target`.
    n_test, seeds, seed : int
        Sampled test points per seed, repetitions, root seed (``SeedSequence.spawn``).
    force : bool
        Run even when the estimated time or memory exceeds the bounds of
        :mod:`asymptotics._lib.budget` (otherwise refused up front, naming the parameter).

    Returns
    -------
    InterpolationResult
        The measured losses and their fitted exponent; the expected ``c/d`` is
        :func:`expected_exponent` of the same settings.
    """
    cfg = _InterpolationConfig.from_args(d, D, method, loss, target, n_test, seeds, seed)
    if not isinstance(force, bool):
        raise TypeError(f"`force` must be True or False; got {force!r}")
    cfg.check_cost(force)
    return _interpolation_run(cfg)


def _interpolation_run(cfg: _InterpolationConfig) -> InterpolationResult:
    """The sweep itself, on validated settings."""
    d, D, seeds, n_test = cfg.d, cfg.D, cfg.seeds, cfg.n_test
    losses = np.empty((seeds, len(D)))
    test_se = np.empty_like(losses)
    for s, child in enumerate(np.random.SeedSequence(cfg.seed).spawn(seeds)):
        rng = np.random.default_rng(child)
        train = rng.random((D[-1], d))
        test = rng.random((n_test, d))
        y, y_test = torus_target(train, cfg.target), torus_target(test, cfg.target)
        for j, n in enumerate(D):
            err = interpolate_torus(train[:n], y[:n], test, cfg.method) - y_test
            per = err * err if cfg.loss == "squared" else np.abs(err)  # (LM.10)
            losses[s, j] = per.mean()
            test_se[s, j] = per.std(ddof=1) / math.sqrt(n_test)
            tick(s * len(D) + j + 1, of=seeds * len(D))  # no-op without a progress bar
    exponent, exponent_se = loglog_slope(D, losses)
    return InterpolationResult(
        grid=D, losses=losses, test_stderr=test_se, mean=losses.mean(axis=0),
        stderr=losses.std(axis=0, ddof=1) / math.sqrt(seeds), exponent=exponent,
        exponent_stderr=exponent_se, seed=cfg.seed,
        config={"d": d, "method": cfg.method, "loss": cfg.loss, "target": cfg.target,
                "n_test": n_test, "seeds": seeds},
        note=f"test set sampled: {n_test} uniform points per seed (standard error in test_stderr)")
