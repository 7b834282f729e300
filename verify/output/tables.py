"""Pure table renderers: one row per scenario, for the terminal and for LaTeX (booktabs).

No file I/O here (:mod:`verify.output.report` writes files). :func:`render_latex` returns a
single-column ``table`` float (caption, the tabular in ``\\small``, and table notes
generated from the rows) that compiles with ``pdflatex`` in a two-column article needing
only ``booktabs``::

    \\documentclass[twocolumn]{article}\\usepackage{booktabs}
    \\begin{document}\\input{table}\\end{document}

Rows are grouped under their regime (a heading row per regime when there are several),
labelled in words (:func:`row_label`; the terminal table keeps the scenario names, which are
what the command line takes). Numbers are printed as value ± error with the error rounded
to two significant digits and the value to the same decimal place (docs/fitting.md,
"Tables"); an asymmetric interval is printed as :math:`v^{+a}_{-b}`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from asymptotics._lib.latex import latex_escape
from asymptotics._lib.validation import check_real
from verify.compare import VERDICTS, Verdict, decide_verdict

__all__ = ["MAX_LINES", "VERDICTS", "ScenarioRow", "format_interval", "latex_escape",
           "render_latex", "render_latex_row", "render_terminal", "row_label"]


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
        there are any, else to the expected discrepancies it showed (each prefixed
        "expected discrepancy:"), else to the band's reason. Without ``verdict`` (the older call) the
        verdict is ``decide_verdict(exponent, values)``.
        """
        if verdict is None:
            verdict = decide_verdict(exponent, values)
        if not isinstance(verdict, Verdict):
            raise TypeError(f"`verdict` must be a verify.compare.Verdict; got "
                            f"{type(verdict).__name__}")
        if note is None:
            note = ("; ".join(verdict.failed_checks)
                    or "; ".join(f"expected discrepancy: {e}" for e in verdict.expected)
                    or exponent.band_reason)
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


#: Scenario-name patterns -> LaTeX row labels (``{0}``, ``{1}``: the pattern's groups).
_LABELS: tuple[tuple[str, str], ...] = (
    (r"variance-limited-D", r"RF, top-$k$"),
    (r"variance-limited-P", r"RF, projection"),
    (r"rf-resolution-([DP])-aK([0-9.]+)", r"RF, $\alpha_K{{=}}{1}$"),
    (r"rf-duality-break-([DP])", r"duality break"),
    (r"double-descent", r"ridgeless"),
    (r"double-descent-ridge", r"ridge $10^{{-3}}$"),
    (r"interp-lipschitz-d([0-9]+)", r"nearest, $d{{=}}{0}$"),
    (r"interp-smooth-d([0-9]+)", r"linear, $d{{=}}{0}$"),
    (r"spectrum-laplace-T([0-9]+)", r"Laplace, $T^{{{0}}}$"),
    (r"spectrum-matern([0-9.]+)-T([0-9]+)", r"Mat\'{{e}}rn {0}, $T^{{{1}}}$"),
    (r"spectrum-relu-S([0-9]+)", r"ReLU, $S^{{{0}}}$"),
    (r"spectrum-relu-ntk-S([0-9]+)", r"ReLU NTK, $S^{{{0}}}$"),
    (r"glm-([a-z]+)([0-9]*)-([DP])", r"GLM, {0}"),
    (r"resolution-([DP])-piecewise-([a-z]+)-T([0-9]+)", r"p.w.\ {1}, $T^{{{2}}}$"),
    (r"dynamics-time-limited", r"GD, time-limited"),
    (r"dynamics-compute-optimal-([A-Z])", r"GD, optimal ${0}$"),
    (r"real-(resolution|variance)-([DP])", r"digits/MNIST"),
    (r"real-(resolution|variance)-([DP])-pool([0-9]+)", r"pooled {2}$\times${2}"),
    (r"real-(resolution|variance)-([DP])-pool([0-9]+)-depth([0-9]+)",
     r"pool {2}, depth {3}"),
    (r"real-(resolution|variance)-([DP])-pool([0-9]+)-depth([0-9]+)-(erf|ntk)",
     r"pool {2}, depth {3}, {4}"),
    (r"real-(resolution|variance)-([DP])-pool([0-9]+)-depth([0-9]+)-rotated",
     r"pool {2}, depth {3}, rotated"),
    (r"real-(resolution|variance)-([DP])-n([0-9]+)", r"$n{{=}}{2}$ images"),
    (r"real-labels-([0-9]+)-([DP])", r"{0} classes"),
    (r"real-noise-([0-9.]+)-([DP])", r"input noise {0}"),
    (r"dynamics-(single|ensemble)-P", r"GD, {0} model"),
    (r"dynamics-sgd-time", r"one-pass SGD"),
    (r"resolution-P-mesh-linear-T([0-9]+)(-full)?", r"Delaunay, $T^{{{0}}}$"),
    (r"resolution-P-mesh-constant-T([0-9]+)(-full)?", r"Voronoi, $T^{{{0}}}$"),
    (r"eq5-tail-sum-D-aK([0-9.]+)", r"Eq.\ (5), $\alpha_K{{=}}{0}$"),
    (r"duality-finite-size(-full)?", r"duality $D{{\leftrightarrow}}P$"),
    (r"width-NTK-(relu|erf)-W", r"NTK, {0}"),
    (r"trained-(relu|erf)-([WD])", r"trained, {0}"),
    (r"finite-data-time-curve", r"GD, finite $D$"),
    (r"early-stopping-loss", r"early stopping"),
    (r"noise-optimal-ridge-rate", r"optimal ridge"),
    (r"noise-crossover-collapse", r"noise crossover"),
)

#: What each docs label a band reason cites means, for the table notes (docs/verification.md).
_BAND_RULES = {
    "VR.2": r"accuracy of the finite-size theory, $2\,\mathrm{rel\_tol}/\ln(x_{\max}/x_{\min})$",
    "VR.3": r"Richardson estimate of the remaining bias from the slope drift across the window",
    "VR.4": r"bias of the sample spectrum, from a second run at half the sample size",
}
_LABEL_RE = re.compile(r"\(((?:VR|CMP)\.[0-9]+)\)")
_MARKS = "abcdefghijklmnopqrstuvwxyz"


def row_label(name: str) -> str:
    r"""The LaTeX row label of a scenario name (words, not the slug).

    Known scenario families (``variance-limited-D``, ``rf-resolution-P-aK1``,
    ``interp-smooth-d3``, ``spectrum-relu-S2``, ...) get a short label that says what
    varies within their regime (the regime is the heading above them, and says whether
    :math:`D` or :math:`P` is swept); any other name is printed with its hyphens as spaces.

    Examples
    --------
    >>> print(row_label("rf-resolution-D-aK0.5"))
    RF, $\alpha_K{=}0.5$
    >>> print(row_label("my_scenario-2"))
    my\_scenario 2
    """
    if not isinstance(name, str):
        raise TypeError(f"`name` must be a string; got {name!r}")
    for pattern, template in _LABELS:
        match = re.fullmatch(pattern, name)
        if match:
            groups = (latex_escape((g or "").replace("-", " ")) for g in match.groups())
            return " ".join(template.format(*groups).split())
    return latex_escape(name.replace("-", " "))


def _heading(regime: str) -> str:
    text = latex_escape(regime)
    return text[:1].upper() + text[1:]


def _band_kinds(rows: Sequence[ScenarioRow]) -> tuple[list[str], dict[str, str]]:
    """The band of each row gets a note mark; rows whose band reason cites the same docs
    labels share it. Returns (mark per row, mark -> note text)."""
    marks, notes, by_reason = [], {}, {}
    for r in rows:
        labels = tuple(lab for lab in _LABEL_RE.findall(r.note) if lab in _BAND_RULES)
        key = labels or (r.note,)
        if key not in by_reason:
            mark = _MARKS[len(by_reason) % len(_MARKS)]
            by_reason[key] = mark
            if labels:
                notes[mark] = "; ".join(f"{_BAND_RULES[lab]} ({lab})" for lab in labels)
            else:
                notes[mark] = latex_escape(r.note) if r.note else "no reason given"
        marks.append(by_reason[key])
    return marks, notes


def _compact(value: float, err: float | None) -> str:
    r"""``value(err)`` with the error's two significant digits in the value's last places
    (siunitx's compact uncertainty: ``+3.1(15)`` is :math:`3.1 \pm 1.5`)."""
    if err is None or err == 0:
        return f"{value:+.2f}"
    dec = _decimals(err)
    digits = round(err * 10 ** dec)
    return f"{value:+.{dec}f}({digits})"


def _latex_cells(r: ScenarioRow, mark: str = "") -> list[str]:
    """The exponent table's cells: label, prediction, shifted prediction, fit, band."""
    shifted = "--" if r.shift == 0 else f"${r.predicted + r.shift:.3g}$"
    band = f"${r.band:.2g}$" + (f"\\textsuperscript{{{mark}}}" if mark else "")
    return [row_label(r.name), f"${r.predicted:.3g}$", shifted,
            format_interval(r.measured, r.ci_lo, r.ci_hi, latex=True), band]


def _value_cells(r: ScenarioRow) -> list[str]:
    """The value-and-verdict table's cells: label, deviation, verdict."""
    dev = "--" if r.value_deviation is None else "$" + _compact(
        100 * r.value_deviation,
        None if r.value_deviation_stderr is None else 100 * r.value_deviation_stderr) + "$"
    verdict = "\\textbf{disagree}" if r.verdict == "disagree" else r.verdict
    return [row_label(r.name), dev, verdict]


def render_latex_row(row: ScenarioRow) -> str:
    """One data line of the exponent tabular of :func:`render_latex` (``verify fit --latex``):
    label, prediction, shifted prediction, measured exponent with its interval, band."""
    return " & ".join(_latex_cells(_rows_iv([row])[0])) + " \\\\"


def _caption(rows: Sequence[ScenarioRow], regimes: list[str]) -> str:
    counts = {v: sum(r.verdict == v for r in rows) for v in VERDICTS}
    tally = ", ".join(f"{n} {v}" for v, n in counts.items() if n)
    where = (f"{len(regimes)} regimes" if len(regimes) != 1
             else f"regime: {latex_escape(regimes[0])}")
    return (f"{len(rows)} scenario{'s' if len(rows) != 1 else ''} ({where}; "
            f"{tally or 'none'})")


#: Lines (rows and regime headings) per float: a longer table is continued in another float,
#: so that each fits the height of a column (34 rows overflowed a letter-size column).
MAX_LINES = 24


def _chunks(rows: Sequence[ScenarioRow], headings: bool) -> list[tuple[int, int]]:
    """Split ``rows`` (grouped by regime) into ``(start, stop)`` pieces of at most
    :data:`MAX_LINES` lines (rows, and a heading per regime in each piece), breaking between
    regimes unless a regime alone is longer than a piece."""
    blocks, start = [], 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i].regime != rows[start].regime:
            blocks.append((start, i))
            start = i
    pieces, begin, used = [], 0, 0
    for lo, hi in blocks:
        need = hi - lo + headings
        if used and used + need > MAX_LINES and need <= MAX_LINES:
            pieces.append((begin, lo))          # the whole regime moves to the next piece
            begin, used = lo, 0
        i = lo
        while i < hi:
            room = MAX_LINES - used - headings
            if room <= 0:
                pieces.append((begin, i))
                begin, used = i, 0
                continue
            take = min(room, hi - i)
            used += take + headings
            i += take
    pieces.append((begin, len(rows)))
    return pieces


def _tabular(rows: Sequence[ScenarioRow], start: int, stop: int, headings: bool, spec: str,
             header: str, cells: Any) -> list[str]:
    ncol = len(re.sub(r"\{[^}]*\}|@", "", spec))
    lines = [f"\\begin{{tabular}}{{{spec}}}", "\\toprule", header + " \\\\", "\\midrule"]
    for i in range(start, stop):
        r = rows[i]
        new = i == start or r.regime != rows[i - 1].regime
        if headings and new:
            if i != start:
                lines.append("\\addlinespace[2pt]")
            cont = " (continued)" if i == start and i > 0 and rows[i - 1].regime == r.regime \
                else ""
            lines.append(f"\\multicolumn{{{ncol}}}{{@{{}}l}}{{\\emph{{{_heading(r.regime)}"
                         f"{cont}}}}} \\\\")
        row_cells = cells(i, r)
        if headings:
            row_cells[0] = "\\hspace{0.5em}" + row_cells[0]
        row_cells[0] = "\\raggedright\\hangindent=1.5em " + row_cells[0]
        lines.append(" & ".join(row_cells) + " \\\\")
    return [*lines, "\\bottomrule", "\\end{tabular}"]


def render_latex(rows: Sequence[ScenarioRow], *, label: str = "tab:verification") -> str:
    r"""Two single-column ``table`` floats, each a caption, a booktabs tabular and notes
    (no file I/O); a table longer than :data:`MAX_LINES` lines continues in further floats
    ("part 2 of 2"), broken between regimes where possible.

    The first table compares the exponents: scenario (in words, under a heading per regime
    when there are several), the predicted exponent :math:`\alpha_\infty`, the
    window-corrected value :math:`\alpha_\infty + s` it is compared at (docs/verification.md
    (VR.1)), the measured exponent with its 95 % interval and the band :math:`b` with a mark
    naming its rule. The second gives the worst relative deviation of the values in
    percent and the verdict. The notes under them say what each column means and cite the
    docs equation labels (CMP.1)-(CMP.3) and (VR.1)-(VR.4). Needs only ``booktabs``; it fits
    the column of a two-column article in ``\small`` (tested by compiling it).
    """
    rows = _rows_iv(rows)
    if not isinstance(label, str) or not re.fullmatch(r"[A-Za-z0-9:_.-]+", label):
        raise ValueError(f"`label` must be a LaTeX label of [A-Za-z0-9:_.-]; got {label!r}")
    regimes = list(dict.fromkeys(r.regime for r in rows))
    grouped = [r for g in regimes for r in rows if r.regime == g]
    marks, band_notes = _band_kinds(grouped)
    notes_exp, notes_val = _notes(grouped, band_notes)
    summary = _caption(rows, regimes)
    head = ["\\begin{table}[tbp]", "\\centering\\small", "\\setlength{\\tabcolsep}{2pt}",
            "\\renewcommand{\\arraystretch}{1.15}"]
    headings = len(regimes) > 1
    pieces = _chunks(grouped, headings)
    lines = ["% generated by verify.output.tables.render_latex; needs \\usepackage{booktabs}"]
    tables = (
        ("Scaling exponents predicted by the theory and measured in simulation", label,
         "@{}p{6.9em}llll@{}", "Scenario & $\\alpha_\\infty$ & $\\alpha_\\infty{+}s$ & "
         "$\\hat\\alpha$ (95\\,\\%) & $b$", lambda i, r: _latex_cells(r, marks[i]), notes_exp),
        (f"Values and verdicts of the scenarios of Table~\\ref{{{label}}}", f"{label}-values",
         "@{}p{6.9em}rl@{}", "Scenario & $\\delta$ [\\%] & Verdict",
         lambda i, r: _value_cells(r), notes_val),
    )
    for title, tag, spec, header, cells, notes in tables:
        for k, (start, stop) in enumerate(pieces):
            part = f" (part {k + 1} of {len(pieces)})" if len(pieces) > 1 else ""
            lines += head
            if k > 0:       # a continuation keeps its table's number
                lines.append("\\addtocounter{table}{-1}")
            lines.append(f"\\caption{{{title}{part}: {summary}.}}" if k == 0 else
                         f"\\caption{{{title}{part}.}}")
            if k == 0:
                lines.append(f"\\label{{{tag}}}")
            lines += _tabular(grouped, start, stop, headings, spec, header, cells)
            if k == len(pieces) - 1:
                lines += _minipage(notes)
            lines.append("\\end{table}")
    lines.append("")
    return "\n".join(lines)


def _minipage(parts: list[str]) -> list[str]:
    return ["\\par\\smallskip",
            "\\begin{minipage}{\\columnwidth}\\footnotesize\\raggedright",
            *parts, "\\end{minipage}"]


def _notes(rows: Sequence[ScenarioRow], band_notes: dict[str, str]
           ) -> tuple[list[str], list[str]]:
    """The notes of the two tables: every column explained, with the docs equation labels."""
    exp = []
    if any(r.shift != 0 for r in rows):
        exp.append(r"$\alpha_\infty$: predicted exponent; $\alpha_\infty{+}s$: the slope the "
                   r"same fit finds on the exact finite-size theory on the measured grid, "
                   r"where the comparison is made (VR.1); --: none exists.")
    else:
        exp.append(r"$\alpha_\infty$: predicted exponent, where the comparison is made.")
    exp.append(r"$\hat\alpha$: fitted exponent, 95\,\% percentile-bootstrap interval over "
               r"seeds. $b$: finite-size band; the exponent agrees when the prediction lies "
               r"in the interval widened by $b$ on both sides (CMP.1). "
               + "; ".join(f"\\textsuperscript{{{m}}}\\,{text}" for m, text in
                           band_notes.items()) + ".")
    exp.append(r"Labels (VR.$n$), (CMP.$n$): equations of the toolkit's documentation, "
               r"\emph{The verification report} and \emph{Fitting}.")
    val = []
    if any(r.value_deviation is not None for r in rows):
        val.append(r"$\delta$: worst relative deviation of the mean loss from the predicted "
                   r"curve, its standard error in the last digits ($+3.1(15)$ is "
                   r"$3.1 \pm 1.5$); the values agree when every point lies within "
                   r"$\max(4\sigma, \mathrm{rel\_tol})$ (CMP.2)--(CMP.3); --: not compared.")
    val.append(r"Verdict: agree when the exponent, the values where compared, and the "
               r"scenario's named checks all pass.")
    return exp, val
