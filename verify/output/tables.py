"""Pure table renderers: one row per scenario, for the terminal and for LaTeX (booktabs).

No file I/O here (:mod:`verify.output.report` writes files). The LaTeX output is a bare
``tabular`` that compiles with ``pdflatex`` in a minimal document needing only
``booktabs``::

    \\documentclass{article}\\usepackage{booktabs}\\begin{document}\\input{table}\\end{document}

Numbers are printed as value ± error with the error rounded to two significant digits
and the value to the same decimal place (docs/fitting.md, "Tables"); an asymmetric
interval is printed as :math:`v^{+a}_{-b}`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from asymptotics._lib.latex import latex_escape
from asymptotics._lib.validation import check_real
from verify.compare import VERDICTS, Verdict, decide_verdict

__all__ = ["VERDICTS", "ScenarioRow", "format_interval", "latex_escape", "render_latex",
           "render_terminal"]


@dataclass(frozen=True)
class ScenarioRow:
    """One scenario of a report: the prediction, the measurement and the verdict.

    Attributes
    ----------
    name, regime : str
        Scenario name and the regime it tests.
    predicted : float
        The predicted exponent.
    measured, ci_lo, ci_hi : float
        The fitted exponent and its confidence interval.
    band : float
        The finite-size band used by the exponent comparison.
    value_deviation : float or None
        The worst relative deviation of the mean losses from the predicted curve
        (``ValueComparison.max_rel_dev``), or ``None`` if values were not compared.
    verdict : str
        One of :data:`VERDICTS`.
    note : str
        Free text (e.g. the band's reason).
    value_deviation_stderr : float or None
        Standard error of ``value_deviation``.
    shift : float
        The signed finite-window correction the comparison added to ``predicted``
        (``ExponentComparison.shift``); shown next to the prediction when non-zero.
    """

    name: str
    regime: str
    predicted: float
    measured: float
    ci_lo: float
    ci_hi: float
    band: float
    value_deviation: float | None
    verdict: str
    note: str = ""
    value_deviation_stderr: float | None = None
    shift: float = 0.0

    def __post_init__(self) -> None:
        for field in ("name", "regime", "note"):
            if not isinstance(getattr(self, field), str):
                raise TypeError(f"`{field}` must be a string; got {getattr(self, field)!r}")
        if not self.name.strip():
            raise ValueError(f"`name` must be a non-empty string; got {self.name!r}")
        for field in ("predicted", "measured", "ci_lo", "ci_hi"):
            object.__setattr__(self, field, check_real(field, getattr(self, field)))
        object.__setattr__(self, "band", check_real("band", self.band, ge=0))
        object.__setattr__(self, "shift", check_real("shift", self.shift))
        for field in ("value_deviation", "value_deviation_stderr"):
            if getattr(self, field) is not None:
                object.__setattr__(self, field, check_real(field, getattr(self, field)))
        if not self.ci_lo <= self.measured <= self.ci_hi:
            raise ValueError(f"`ci_lo` <= `measured` <= `ci_hi` must hold; got {self.ci_lo!r}, "
                             f"{self.measured!r}, {self.ci_hi!r}")
        if self.verdict not in VERDICTS:
            raise ValueError(f"`verdict` must be one of {list(VERDICTS)}; got {self.verdict!r}")

    @classmethod
    def from_comparison(cls, name: str, regime: str, exponent: object, values: object = None,
                        note: str | None = None, *, verdict: Verdict | None = None
                        ) -> ScenarioRow:
        """Build a row from an :class:`~verify.compare.ExponentComparison`, an optional
        :class:`~verify.compare.ValueComparison` and the :class:`~verify.compare.Verdict`
        that :func:`verify.compare.decide_verdict` reached; the row only prints it.

        ``note`` defaults to the failed named checks of the verdict (``"; "``-joined) when
        there are any, else to the band's reason. Without ``verdict`` (the older call) the
        verdict is ``decide_verdict(exponent, values)``.
        """
        if verdict is None:
            verdict = decide_verdict(exponent, values)
        if not isinstance(verdict, Verdict):
            raise TypeError(f"`verdict` must be a verify.compare.Verdict; got "
                            f"{type(verdict).__name__}")
        if note is None:
            note = "; ".join(verdict.failed_checks) or exponent.band_reason
        return cls(name=name, regime=regime, predicted=exponent.predicted,
                   measured=exponent.measured, ci_lo=exponent.ci[0], ci_hi=exponent.ci[1],
                   band=exponent.band,
                   value_deviation=None if values is None else values.max_rel_dev,
                   value_deviation_stderr=None if values is None else values.max_rel_dev_stderr,
                   verdict=verdict.label, note=note, shift=getattr(exponent, "shift", 0.0))


def _decimals(err: float) -> int:
    """Decimal places that show ``err`` to two significant digits."""
    return max(0, 1 - math.floor(math.log10(err)))


def format_interval(value: float, lo: float, hi: float, *, latex: bool = False) -> str:
    """``value ± err`` (symmetric to the printed digits) or ``value +a/-b``.

    The error is rounded to two significant digits and the value to the same decimal
    place; a zero-width interval prints the value with 6 significant digits.
    """
    plus, minus = hi - value, value - lo
    if max(plus, minus) <= 0:
        return f"{value:.6g}" if not latex else f"${value:.6g}$"
    dec = _decimals(max(min(plus, minus), max(plus, minus) * 1e-3))
    p, m = f"{plus:.{dec}f}", f"{minus:.{dec}f}"
    v = f"{value:.{dec}f}"
    if p == m:
        return f"${v} \\pm {p}$" if latex else f"{v} ± {p}"
    return f"${v}^{{+{p}}}_{{-{m}}}$" if latex else f"{v} +{p}/-{m}"


def _deviation(row: ScenarioRow, *, latex: bool) -> str:
    if row.value_deviation is None:
        return "--" if latex else "-"
    dev = 100 * row.value_deviation
    if row.value_deviation_stderr is None or row.value_deviation_stderr == 0:
        text = f"{dev:+.2f}"
        return f"${text}\\%$" if latex else f"{text}%"
    err = 100 * row.value_deviation_stderr
    dec = _decimals(err)
    if latex:
        return f"${dev:+.{dec}f} \\pm {err:.{dec}f}\\%$"
    return f"{dev:+.{dec}f} ± {err:.{dec}f}%"


def _predicted(row: ScenarioRow, *, latex: bool) -> str:
    """The prediction, and the window-corrected value it was compared at (when shifted)."""
    if row.shift == 0:
        return f"${row.predicted:.4g}$" if latex else f"{row.predicted:.4g}"
    if latex:
        return f"${row.predicted:.4g}$ (${row.predicted + row.shift:.4g}$)"
    return f"{row.predicted:.4g} ({row.predicted + row.shift:.4g})"


def _rows_iv(rows: Sequence[ScenarioRow]) -> list[ScenarioRow]:
    if isinstance(rows, ScenarioRow) or not isinstance(rows, Sequence):
        raise TypeError(f"`rows` must be a sequence of ScenarioRow; got {type(rows).__name__}")
    for i, row in enumerate(rows):
        if not isinstance(row, ScenarioRow):
            raise TypeError(f"`rows[{i}]` must be a ScenarioRow; got {type(row).__name__}")
    return list(rows)


_HEADER = ("scenario", "regime", "predicted", "measured (CI)", "band", "value dev.", "verdict")


def render_terminal(rows: Sequence[ScenarioRow]) -> str:
    """A fixed-width plain-text table, one line per row, with a header and a rule.

    A disagreement is written ``DISAGREE`` so it stands out; notes follow the table.
    """
    rows = _rows_iv(rows)
    body = [(r.name, r.regime, _predicted(r, latex=False), format_interval(r.measured, r.ci_lo, r.ci_hi),
             f"±{r.band:.3g}", _deviation(r, latex=False),
             "DISAGREE" if r.verdict == "disagree" else r.verdict) for r in rows]
    widths = [max(len(c) for c in col) for col in zip(_HEADER, *body, strict=False)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*_HEADER).rstrip(), "  ".join("-" * w for w in widths)]
    lines += [fmt.format(*cells).rstrip() for cells in body]
    notes = [f"  {r.name}: {r.note}" for r in rows if r.note]
    if notes:
        lines += ["", "notes (band reasons):", *notes]
    return "\n".join(lines) + "\n"


def render_latex(rows: Sequence[ScenarioRow]) -> str:
    """A booktabs ``tabular`` with one row per scenario (no file I/O).

    Columns: scenario, regime, predicted exponent, measured exponent with its interval,
    band, worst relative deviation of the values (percent), verdict.
    """
    rows = _rows_iv(rows)
    lines = [
        "% generated by verify.output.tables.render_latex; needs \\usepackage{booktabs}",
        "\\begin{tabular}{llrrrrl}",
        "\\toprule",
        "Scenario & Regime & $\\alpha_{\\mathrm{pred}}$ & $\\alpha_{\\mathrm{meas}}$ & Band "
        "& Value dev. & Verdict \\\\",
        "\\midrule",
    ]
    for r in rows:
        verdict = "\\textbf{disagree}" if r.verdict == "disagree" else r.verdict
        cells = [latex_escape(r.name), latex_escape(r.regime), _predicted(r, latex=True),
                 format_interval(r.measured, r.ci_lo, r.ci_hi, latex=True),
                 f"$\\pm {r.band:.3g}$", _deviation(r, latex=True), verdict]
        lines.append(" & ".join(cells) + " \\\\")
    lines += ["\\bottomrule", "\\end{tabular}", ""]
    return "\n".join(lines)
