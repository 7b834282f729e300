"""Prediction versus measurement, with a stated tolerance policy and a verdict.

Two comparisons, both described in docs/fitting.md:

* an exponent (exact, from :mod:`asymptotics`) against a fitted exponent with its
  confidence interval, widened by a finite-size band that must come with its reason
  (CMP.1);
* a predicted curve against simulated mean losses with standard errors, point by point,
  with the policy :math:`|\\delta_i| \\le \\max(k\\,\\sigma_{\\delta,i},\\ \\text{rel\\_tol})`
  (CMP.2-CMP.3).

:func:`decide_verdict` is the one place a verdict is decided: from an exponent
comparison, an optional value comparison and named extra checks it returns a
:class:`Verdict` (agree, disagree or skipped, with the reasons). The renderers only print
it. :data:`REL_TOL` is the value-tolerance floor of the scenarios and
:func:`intervals_overlap` the interval rule of the dimension checks, so every tolerance
and rule lives here.

:func:`summarize_verdicts` turns named verdicts into the exit-status policy of the
command line (0: all agree, 1: some disagree, naming them).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from asymptotics._lib.validation import check_real, check_real_array

__all__ = ["REL_TOL", "VERDICTS", "ExponentComparison", "ValueComparison", "Verdict",
           "VerdictSummary", "compare_exponent", "compare_values", "decide_verdict",
           "intervals_overlap", "summarize_verdicts"]

#: The floor of the relative value tolerance of (CMP.3): a prediction (a deterministic
#: equivalent, an exact finite-size theory) may be off by this much from the simulated
#: means beyond the sampling noise. Scenarios with larger known corrections (relative
#: order ``1/|N - n|``) raise it, never lower it.
REL_TOL = 0.03

#: The labels a :class:`Verdict` may carry.
VERDICTS = ("agree", "disagree", "skipped")


@dataclass(frozen=True)
class ExponentComparison:
    """A predicted exponent against a measured one (docs/fitting.md (CMP.1)).

    Attributes
    ----------
    predicted : float
        The theory's exponent.
    measured : float
        The fitted exponent.
    ci : tuple of float
        The fit's confidence interval.
    confidence : float
        Its level.
    band : float
        The finite-size band added on both sides of ``ci``.
    band_reason : str
        Why the band has its size (printed with every verdict).
    shift : float
        A finite-window correction known with its sign (e.g. the slope of an exact
        finite-size theory on the measured grid minus the asymptotic exponent): the fit is
        compared with ``predicted + shift`` (CMP.1).
    deviation : float
        ``measured - predicted``.
    distance : float
        How far ``predicted`` lies outside ``[ci_lo - band, ci_hi + band]`` (0 inside).
    agrees : bool
        ``distance == 0``.
    message : str
        One line stating the numbers, the band and the verdict.
    """

    predicted: float
    measured: float
    ci: tuple[float, float]
    confidence: float
    band: float
    band_reason: str
    deviation: float
    distance: float
    agrees: bool
    message: str
    shift: float = 0.0


@dataclass(frozen=True)
class ValueComparison:
    """A predicted curve against measured means (docs/fitting.md (CMP.2)-(CMP.3)).

    Attributes
    ----------
    rel_dev, rel_dev_stderr : tuple of float
        Per point :math:`\\delta_i = \\bar L_i/L^{\\rm pred}_i - 1` and
        :math:`\\sigma_{\\delta,i} = \\mathrm{se}_i/L^{\\rm pred}_i`.
    thresholds : tuple of float
        Per point :math:`\\max(k\\sigma_{\\delta,i}, \\text{rel\\_tol})`.
    point_agrees : tuple of bool
        Per point :math:`|\\delta_i| \\le` threshold.
    worst_index : int
        The point with the largest ratio :math:`|\\delta_i|/\\text{threshold}_i`.
    max_rel_dev, max_rel_dev_stderr : float
        :math:`\\delta` and :math:`\\sigma_\\delta` at ``worst_index``.
    rel_tol, k_sigma : float
        The policy's two parameters.
    agrees : bool
        All points agree.
    message : str
        One line with the worst point, the policy and the verdict.
    """

    rel_dev: tuple[float, ...]
    rel_dev_stderr: tuple[float, ...]
    thresholds: tuple[float, ...]
    point_agrees: tuple[bool, ...]
    worst_index: int
    max_rel_dev: float
    max_rel_dev_stderr: float
    rel_tol: float
    k_sigma: float
    agrees: bool
    message: str


@dataclass(frozen=True)
class VerdictSummary:
    """Named verdicts folded into an exit status (0 all agree, 1 any disagrees)."""

    exit_code: int
    disagreeing: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class Verdict:
    """The outcome of a check: a label and the reasons behind it.

    Attributes
    ----------
    label : str
        One of :data:`VERDICTS`: ``"agree"``, ``"disagree"`` or ``"skipped"``.
    reasons : tuple of str
        One line per reason: for ``"disagree"`` every failed part (the exponent
        comparison's message, the value comparison's message, ``"name: message"`` of each
        failed extra check), for ``"skipped"`` why nothing was checked, empty for
        ``"agree"``.
    failed_checks : tuple of str
        ``"name: message"`` of the failed named extra checks only (also in ``reasons``);
        the table prints them as the row's note.
    expected : tuple of str
        ``"name: message"`` of the expected discrepancies the measurement showed (a known
        estimate that the simulation must refute, e.g. the paper's Eq. (5) prefactor); they
        are not failures, and the table prints them as the row's note labelled
        "expected discrepancy". One that was *not* shown is a failed check instead.
    """

    label: str
    reasons: tuple[str, ...] = ()
    failed_checks: tuple[str, ...] = ()
    expected: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.label not in VERDICTS:
            raise ValueError(f"`label` must be one of {list(VERDICTS)}; got {self.label!r}")
        for field in ("reasons", "failed_checks", "expected"):
            value = getattr(self, field)
            if isinstance(value, str) or not all(isinstance(r, str) for r in value):
                raise TypeError(f"`{field}` must be a tuple of strings; got {value!r}")
            object.__setattr__(self, field, tuple(value))
        if self.label != "agree" and not self.reasons:
            raise ValueError(f"a {self.label!r} verdict needs at least one reason; got none")
        if self.label == "agree" and (self.reasons or self.failed_checks):
            raise ValueError(f"an 'agree' verdict has no failure reasons; got {self.reasons!r}")

    @property
    def agrees(self) -> bool:
        """``label == "agree"``."""
        return self.label == "agree"

    @property
    def message(self) -> str:
        """One line: the label, then the reasons separated by ``"; "``."""
        return self.label if not self.reasons else f"{self.label}: " + "; ".join(self.reasons)

    @classmethod
    def skipped(cls, reason: str) -> Verdict:
        """A check that was not run, with the reason (non-empty)."""
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError(f"`reason` must be a non-empty string saying why the check was "
                             f"skipped; got {reason!r}")
        return cls("skipped", (reason.strip(),))


def _named_checks(name: str, checks: object) -> Mapping[str, tuple[bool, str]]:
    if checks is None:
        return {}
    if not isinstance(checks, Mapping):
        raise TypeError(f"`{name}` must be a mapping name -> (passed, message); got "
                        f"{type(checks).__name__}")
    for key, entry in checks.items():
        if not (isinstance(entry, tuple) and len(entry) == 2
                and isinstance(entry[0], bool | np.bool_) and isinstance(entry[1], str)):
            raise TypeError(f"`{name}[{key!r}]` must be a tuple (passed: bool, message: str); "
                            f"got {entry!r}")
    return checks


def decide_verdict(exponent: ExponentComparison, values: ValueComparison | None = None,
                   checks: Mapping[str, tuple[bool, str]] | None = None, *,
                   expected: Mapping[str, tuple[bool, str]] | None = None) -> Verdict:
    """The verdict of a scenario: "agree" only if every part agrees.

    Parameters
    ----------
    exponent : ExponentComparison
        The exponent comparison (CMP.1).
    values : ValueComparison, optional
        The value comparison (CMP.2)-(CMP.3), when the values were compared.
    checks : mapping name -> (passed, message), optional
        Further named pass/fail checks that the verdict also requires (e.g. where the
        double-descent peak sits); ``message`` says what was found.
    expected : mapping name -> (shown, message), optional
        Expected discrepancies: a published estimate the measurement must refute (``shown``
        true). Shown ones are kept on :attr:`Verdict.expected`, not failures; one not shown
        fails like a check (the measurement did not show what the theory says it must).

    Returns
    -------
    Verdict
        ``"disagree"`` with one reason per failed part, in the order exponent, values,
        checks (in the mapping's order), expected discrepancies not shown; else ``"agree"``.
    """
    if not isinstance(exponent, ExponentComparison):
        raise TypeError(f"`exponent` must be an ExponentComparison; got "
                        f"{type(exponent).__name__}")
    if values is not None and not isinstance(values, ValueComparison):
        raise TypeError(f"`values` must be a ValueComparison or None; got "
                        f"{type(values).__name__}")
    checks = _named_checks("checks", checks)
    expected = _named_checks("expected", expected)
    failed_checks = [f"{name}: {msg}" for name, (ok, msg) in checks.items() if not ok]
    failed_checks += [f"{name} (expected discrepancy not shown): {msg}"
                      for name, (shown, msg) in expected.items() if not shown]
    shown = tuple(f"{name}: {msg}" for name, (ok, msg) in expected.items() if ok)
    reasons = []
    if not exponent.agrees:
        reasons.append(f"exponent: {exponent.message}")
    if values is not None and not values.agrees:
        reasons.append(f"values: {values.message}")
    reasons += failed_checks
    if reasons:
        return Verdict("disagree", tuple(reasons), tuple(failed_checks), shown)
    return Verdict("agree", expected=shown)


def intervals_overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Do the closed intervals ``a = (lo, hi)`` and ``b`` intersect?

    The consistency rule of the dimension checks (a measured exponent's interval against
    a predicted one): ``a_lo <= b_hi and b_lo <= a_hi``. Ends may be infinite; NaN ends
    and ``lo > hi`` are refused.
    """
    ends = []
    for name, interval in (("a", a), ("b", b)):
        try:
            lo, hi = interval
        except (TypeError, ValueError):
            raise TypeError(f"`{name}` must be a pair (lo, hi); got {interval!r}") from None
        lo = check_real(f"{name}[0]", lo, allow_inf=True)
        hi = check_real(f"{name}[1]", hi, allow_inf=True)
        if lo > hi:
            raise ValueError(f"`{name}` must have lo <= hi; got ({lo!r}, {hi!r})")
        ends.append((lo, hi))
    (a_lo, a_hi), (b_lo, b_hi) = ends
    return bool(a_lo <= b_hi and b_lo <= a_hi)


def compare_exponent(predicted: object, fit: object, *, band: float,
                     band_reason: str, shift: float = 0.0) -> ExponentComparison:
    """Does the predicted exponent lie in the fit's interval widened by ``band``?

    The rule (docs/fitting.md (CMP.1)):

    .. math:: \\alpha_{\\rm lo} - b \\le \\alpha_{\\rm pred} + s \\le \\alpha_{\\rm hi} + b .

    Parameters
    ----------
    predicted : float, sympy number or mpmath.mpf
        The exact exponent.
    fit : PowerLawFit
        Anything with ``alpha``, ``alpha_ci`` and ``confidence`` attributes.
    band : float
        Non-negative finite-size band (corrections to scaling that the fit window does
        not remove); keyword-only so it is never implicit.
    band_reason : str
        A non-empty justification, printed in ``message``.
    shift : float
        Signed finite-window correction ``s`` (default 0), stated in ``message``.

    Returns
    -------
    ExponentComparison
    """
    predicted = check_real("predicted", predicted)
    band = check_real("band", band, ge=0)
    shift = check_real("shift", shift)
    if not isinstance(band_reason, str) or not band_reason.strip():
        raise ValueError(f"`band_reason` must be a non-empty string saying why the band has its "
                         f"size; got {band_reason!r}")
    try:
        measured = check_real("fit.alpha", fit.alpha)
        lo = check_real("fit.alpha_ci[0]", fit.alpha_ci[0])
        hi = check_real("fit.alpha_ci[1]", fit.alpha_ci[1])
        confidence = check_real("fit.confidence", getattr(fit, "confidence", math.nan), gt=0,
                                lt=1)
    except (AttributeError, IndexError, TypeError):
        raise TypeError("`fit` must be a PowerLawFit (alpha, alpha_ci, confidence); got "
                        f"{type(fit).__name__}") from None
    if lo > hi:
        raise ValueError(f"`fit.alpha_ci` must have lo <= hi; got ({lo!r}, {hi!r})")
    expected = predicted + shift
    distance = max(0.0, (lo - band) - expected, expected - (hi + band))  # (CMP.1)
    agrees = distance == 0.0
    on_window = f" (+{shift:.3g} on this window: {expected:.6g})" if shift > 0 else (
        f" ({shift:.3g} on this window: {expected:.6g})" if shift < 0 else "")
    message = (f"predicted {predicted:.6g}{on_window}, measured {measured:.6g} with "
               f"{confidence:.0%} CI "
               f"[{lo:.6g}, {hi:.6g}], band ±{band:.3g} ({band_reason.strip()}): "
               + ("agree" if agrees else f"DISAGREE (outside by {distance:.3g})"))
    return ExponentComparison(predicted=predicted, measured=measured, ci=(lo, hi),
                              confidence=confidence, band=band, band_reason=band_reason.strip(),
                              deviation=measured - predicted, distance=distance, agrees=agrees,
                              message=message, shift=shift)


def compare_values(predicted: object, mean: object, stderr: object, *, rel_tol: float,
                   k_sigma: float) -> ValueComparison:
    """Compare a predicted curve with measured means at every grid point.

    Policy (docs/fitting.md (CMP.2)-(CMP.3)): with
    :math:`\\delta_i = \\bar L_i / L^{\\rm pred}_i - 1` and
    :math:`\\sigma_{\\delta,i} = \\mathrm{se}_i / L^{\\rm pred}_i`, point :math:`i` agrees when

    .. math:: |\\delta_i| \\le \\max(k\\,\\sigma_{\\delta,i},\\ \\text{rel\\_tol}),

    and the curve agrees when every point does. ``k_sigma`` covers the sampling noise,
    ``rel_tol`` the systematic error the prediction is allowed (finite-size corrections of
    a deterministic equivalent, say); both are printed in ``message``.

    Parameters
    ----------
    predicted : array_like, shape (n,)
        Predicted losses, positive.
    mean, stderr : array_like, shape (n,)
        Measured mean losses (positive) and their standard errors (non-negative).
    rel_tol : float
        Non-negative relative tolerance.
    k_sigma : float
        Positive number of standard errors.

    Returns
    -------
    ValueComparison
    """
    pred = check_real_array("predicted", predicted, positive=True)
    mean = check_real_array("mean", mean, positive=True)
    se = check_real_array("stderr", stderr, nonnegative=True)
    for name, arr in (("mean", mean), ("stderr", se)):
        if arr.shape != pred.shape:
            raise ValueError(f"`{name}` must have the shape of `predicted` {pred.shape}; got "
                             f"shape {arr.shape}")
    rel_tol = check_real("rel_tol", rel_tol, ge=0)
    k_sigma = check_real("k_sigma", k_sigma, gt=0)
    dev = mean / pred - 1  # (CMP.2)
    dev_se = se / pred
    thresholds = np.maximum(k_sigma * dev_se, rel_tol)  # (CMP.3)
    ok = np.abs(dev) <= thresholds
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(thresholds > 0, np.abs(dev) / thresholds,
                         np.where(dev == 0, 0.0, math.inf))
    worst = int(np.argmax(ratio))
    agrees = bool(ok.all())
    message = (f"max relative deviation {dev[worst]:+.3e} ± {dev_se[worst]:.1e} at point "
               f"{worst}; policy |dev| <= max({k_sigma:g}*stderr, {rel_tol:g}): "
               + ("agree" if agrees else f"DISAGREE at {int((~ok).sum())} of {ok.size} points"))
    return ValueComparison(
        rel_dev=tuple(map(float, dev)), rel_dev_stderr=tuple(map(float, dev_se)),
        thresholds=tuple(map(float, thresholds)), point_agrees=tuple(map(bool, ok)),
        worst_index=worst, max_rel_dev=float(dev[worst]), max_rel_dev_stderr=float(dev_se[worst]),
        rel_tol=rel_tol, k_sigma=k_sigma, agrees=agrees, message=message)


def summarize_verdicts(verdicts: Mapping[str, bool]) -> VerdictSummary:
    """Fold ``{name: agrees}`` into the exit-status policy of the command line.

    Returns exit code 0 when every entry agrees, 1 when any disagrees (naming them, in
    the mapping's order). An empty mapping is an error: nothing was checked.
    """
    if not isinstance(verdicts, Mapping):
        raise TypeError(f"`verdicts` must be a mapping name -> bool; got "
                        f"{type(verdicts).__name__}")
    if not verdicts:
        raise ValueError("`verdicts` must contain at least one entry; got an empty mapping")
    for name, value in verdicts.items():
        if not isinstance(value, bool | np.bool_):
            raise TypeError(f"`verdicts[{name!r}]` must be a bool; got {value!r}")
    bad = tuple(str(n) for n, v in verdicts.items() if not v)
    if bad:
        return VerdictSummary(1, bad, f"{len(bad)} of {len(verdicts)} disagree: "
                                      + ", ".join(bad))
    return VerdictSummary(0, (), f"all {len(verdicts)} agree")
