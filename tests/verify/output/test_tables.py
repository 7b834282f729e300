"""verify.output.tables: terminal and LaTeX renderers, number formatting, escaping, compiling."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verify.compare import Verdict, compare_exponent, compare_values, decide_verdict
from verify.fit import fit_power_law
from verify.output.tables import (
    ScenarioRow,
    format_interval,
    latex_escape,
    render_latex,
    render_latex_row,
    render_terminal,
    row_label,
)

MINIMAL_DOC = ("\\documentclass{article}\\usepackage{booktabs}\\begin{document}\\input{table}"
               "\\end{document}\n")


def _row(name="var_D", verdict="agree", **kw):
    base = dict(name=name, regime="variance-limited, D", predicted=1.0, measured=0.987,
                ci_lo=0.951, ci_hi=1.02, band=0.05, value_deviation=0.012, verdict=verdict,
                note="O(1/D) corrections", value_deviation_stderr=0.004)
    base.update(kw)
    return ScenarioRow(**base)


WRAP = "\\raggedright\\hangindent=1.5em "   # a long label wraps with a hanging indent
PREFIX = WRAP + "\\hspace{0.5em}"             # ... and is indented under its regime heading


def _tabulars(tex: str) -> list[list[str]]:
    """The body lines of each tabular (between ``\\midrule`` and ``\\bottomrule``)."""
    out, lines = [], tex.splitlines()
    while "\\midrule" in lines:
        start, stop = lines.index("\\midrule"), lines.index("\\bottomrule")
        out.append(lines[start + 1: stop])
        lines = lines[stop + 1:]
    return out


class TestFormatting:
    def test_symmetric_and_asymmetric(self):
        assert format_interval(0.7, 0.69, 0.71) == "0.700 ± 0.010"
        assert format_interval(0.987, 0.951, 1.02) == "0.987 +0.033/-0.036"
        assert format_interval(0.987, 0.951, 1.02, latex=True) == "$0.987^{+0.033}_{-0.036}$"
        assert format_interval(0.5, 0.5, 0.5) == "0.5"
        assert format_interval(12.34, 11.0, 13.68) == "12.3 ± 1.3"

    @given(value=st.floats(-10, 10), err=st.floats(1e-8, 10))
    def test_error_has_two_significant_digits(self, value, err):
        text = format_interval(value, value - err, value + err)
        shown = text.split("±")[1].strip()
        digits = shown.replace(".", "").lstrip("0")
        assert 2 <= len(digits) <= 3  # 2 significant digits (3 when rounding reaches 10.x)
        assert abs(float(shown) - err) <= 0.051 * err + 1e-12  # rounding to 2 digits

    def test_escape(self):
        assert latex_escape("a_b & 50% $x# {y}") == r"a\_b \& 50\% \$x\# \{y\}"
        assert latex_escape("P≫D, α≈0.5") == r"P\ensuremath{\gg}D, \ensuremath{\alpha}\ensuremath{\approx}0.5"
        with pytest.raises(ValueError, match=r"contains '☃' \(U\+2603\)"):
            latex_escape("snow ☃")


class TestScenarioRow:
    def test_validation(self):
        with pytest.raises(ValueError, match=r"`verdict` must be one of \['agree', 'disagree', "
                                             r"'skipped'\]; got 'ok'"):
            _row(verdict="ok")
        with pytest.raises(ValueError, match=r"`ci_lo` <= `measured` <= `ci_hi` must hold"):
            _row(measured=2.0)
        with pytest.raises(ValueError, match=r"`band` must be >= 0"):
            _row(band=-1.0)
        with pytest.raises(ValueError, match=r"`predicted` must be a real number, not NaN"):
            _row(predicted=float("nan"))
        with pytest.raises(ValueError, match=r"`name` must be a non-empty string"):
            _row(name=" ")

    def test_from_comparison(self):
        import numpy as np
        x = np.geomspace(10, 1e4, 8)
        fit = fit_power_law(x, x ** -0.6)
        exp = compare_exponent(0.5, fit, band=0.02, band_reason="why")
        val = compare_values(x ** -0.6, x ** -0.6, 0 * x, rel_tol=0.01, k_sigma=3)
        row = ScenarioRow.from_comparison("s", "r", exp, val)
        assert row.verdict == "disagree" and row.note == "why"
        assert row.value_deviation == 0.0 and row.measured == fit.alpha
        ok = ScenarioRow.from_comparison("s", "r", compare_exponent(0.6, fit, band=0.0,
                                                                    band_reason="why"))
        assert ok.verdict == "agree" and ok.value_deviation is None

    def test_from_comparison_renders_the_given_verdict(self):
        import numpy as np
        x = np.geomspace(10, 1e4, 8)
        fit = fit_power_law(x, x ** -0.6)
        exp = compare_exponent(0.6, fit, band=0.0, band_reason="why")
        verdict = decide_verdict(exp, None, {"peak": (False, "peak at P = 7, not D = 8")})
        row = ScenarioRow.from_comparison("s", "r", exp, verdict=verdict)
        # the renderer does not recompute: the failed check decides, and becomes the note
        assert row.verdict == "disagree" and row.note == "peak: peak at P = 7, not D = 8"
        assert ScenarioRow.from_comparison("s", "r", exp, verdict=Verdict.skipped("no data"),
                                           note="n").verdict == "skipped"
        with pytest.raises(TypeError, match=r"`verdict` must be a verify\.compare\.Verdict"):
            ScenarioRow.from_comparison("s", "r", exp, verdict="agree")


class TestRenderers:
    def test_terminal_one_line_per_row(self):
        rows = [_row(), _row(name="res_P", verdict="disagree", value_deviation=None)]
        text = render_terminal(rows)
        lines = text.splitlines()
        assert lines[0].startswith("scenario") and set(lines[1]) <= {"-", " "}
        assert lines[2].startswith("var_D") and lines[2].endswith("agree")
        assert lines[3].startswith("res_P") and lines[3].endswith("DISAGREE")
        assert "0.987 +0.033/-0.036" in lines[2] and "+1.20 ± 0.40%" in lines[2]
        assert "  var_D: O(1/D) corrections" in text

    @given(n=st.integers(0, 12), name=st.text(
        alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=20)
        .filter(lambda s: s.strip()))
    def test_latex_has_one_row_per_scenario_in_each_table(self, n, name):
        tex = render_latex([_row(name=name) for _ in range(n)])
        exponents, values = _tabulars(tex)
        assert len(exponents) == n and len(values) == n   # one regime: no heading rows
        assert all(line.endswith("\\\\") and line.count(" & ") == 4 for line in exponents)
        assert all(line.endswith("\\\\") and line.count(" & ") == 2 for line in values)
        assert tex.count("\\begin{table}") == 2 and tex.count("\\caption{") == 2

    def test_regimes_become_headings_and_names_become_words(self):
        rows = [_row(name="variance-limited-D", regime="variance-limited (data)"),
                _row(name="interp-smooth-d3", regime="resolution-limited (data)", shift=0.1),
                _row(name="rf-resolution-P-aK0.5", regime="resolution-limited (parameters)"),
                _row(name="rf-resolution-D-aK1", regime="resolution-limited (data)")]
        exponents, _ = _tabulars(render_latex(rows))
        headings = [line for line in exponents if line.startswith("\\multicolumn")]
        assert headings == ["\\multicolumn{5}{@{}l}{\\emph{Variance-limited (data)}} \\\\",
                            "\\multicolumn{5}{@{}l}{\\emph{Resolution-limited (data)}} \\\\",
                            "\\multicolumn{5}{@{}l}{\\emph{Resolution-limited (parameters)}} \\\\"]
        data = [line.removeprefix(PREFIX) for line in exponents if line.startswith(PREFIX)]
        # grouped by regime in first-appearance order, the order kept inside a group
        assert [line.split(" & ")[0] for line in data] == [
            "RF, top-$k$", "linear, $d{=}3$", "RF, $\\alpha_K{=}1$", "RF, $\\alpha_K{=}0.5$"]
        # the shifted prediction is its own column; no shift prints --
        assert data[1].split(" & ")[1:3] == ["$1$", "$1.1$"]
        assert data[0].split(" & ")[1:3] == ["$1$", "--"]
        assert row_label("my_scenario-2") == "my\\_scenario 2"
        # every scenario of the three suites gets a short label (no slug wraps a column)
        from verify.scenarios import suite
        names = {n for s in ("default", "paper") for n in suite(s)}
        assert {n: row_label(n) for n in names if row_label(n) == n.replace("-", " ")} == {}
        # an optional group that did not match formats as nothing
        assert row_label("resolution-P-mesh-constant-T3-full") == "Voronoi, $T^{3}$"

    def test_notes_explain_every_column_with_the_docs_labels(self):
        rows = [_row(note="(VR.1) shift +0.07 ...; (VR.2) band 2 rel_tol/ln(range)", shift=0.07),
                _row(name="b", note="(VR.3) Richardson bias estimate", value_deviation=None),
                _row(name="c", note="a reason citing no label")]
        tex = render_latex(rows)
        for label in ("(VR.1)", "(VR.2)", "(VR.3)", "(CMP.1)", "(CMP.2)--(CMP.3)"):
            assert label in tex
        body, _ = _tabulars(tex)
        marks = [line.split(" & ")[4].removesuffix(" \\\\") for line in body]
        assert marks == ["$0.05$\\textsuperscript{a}", "$0.05$\\textsuperscript{b}",
                         "$0.05$\\textsuperscript{c}"]
        assert "\\textsuperscript{c}\\,a reason citing no label" in tex
        assert "3 scenarios (regime: variance-limited, D; 3 agree)" in tex
        _, values = _tabulars(tex)
        # value(err) in the last digits: +1.20(40) is 1.20 +- 0.40 percent
        assert [line.split(" & ")[1] for line in values] == ["$+1.20(40)$", "--", "$+1.20(40)$"]

    def test_a_long_table_continues_in_parts_broken_between_regimes(self):
        from verify.output.tables import MAX_LINES
        rows = [_row(name=f"a{k}", regime="A") for k in range(10)] + \
            [_row(name=f"b{k}", regime="B") for k in range(20)]
        tex = render_latex(rows)
        exponents = _tabulars(tex)[:2]
        assert [len(part) for part in exponents] == [11, 21]     # rows and one heading each
        assert all(len(part) <= MAX_LINES for part in exponents)
        assert "(part 1 of 2): 30 scenarios" in tex and "(part 2 of 2).}" in tex
        assert tex.count("\\addtocounter{table}{-1}") == 2       # parts keep their number
        one = [_row(name=f"a{k}", regime="A") for k in range(30)] + [_row(name="b", regime="B")]
        first, second = _tabulars(render_latex(one))[:2]
        assert len(first) == MAX_LINES and second[0].endswith("{\\emph{A (continued)}} \\\\")

    def test_latex_row_is_the_exponent_line(self):
        row = _row(name="fit", verdict="disagree")
        line = _tabulars(render_latex([row]))[0][0].removeprefix(WRAP)
        assert render_latex_row(row) == line.replace("\\textsuperscript{a}", "")  # no note, no mark

    def test_rows_type(self):
        with pytest.raises(TypeError, match=r"`rows\[1\]` must be a ScenarioRow; got dict"):
            render_latex([_row(), {}])
        with pytest.raises(TypeError, match="`rows` must be a sequence of ScenarioRow"):
            render_terminal(_row())


TWO_COLUMN_DOC = r"""\documentclass[twocolumn]{article}\usepackage{booktabs}
\newsavebox\tablebox
\begin{document}
%s\typeout{COLUMNWIDTH=\the\columnwidth}
\input{table}
Text of the article.
\end{document}
"""


def _full_suite_rows():
    """Rows with the names and regimes of the default suite's scenarios (and of the paper
    suite's widest labels) and the widest numbers ``python -m verify`` printed on
    2026-12-01 (spectrum-relu-S2's row, the duality break's value deviation)."""
    names = [("variance-limited-D", "variance-limited (data)"),
             ("variance-limited-P", "variance-limited (width)"),
             *[(f"rf-resolution-{x}-aK{k}", f"resolution-limited ({w})")
               for x, w in (("D", "data"), ("P", "parameters")) for k in ("0.5", "1", "2")],
             ("rf-duality-break-D", "resolution-limited (data)"),
             ("rf-duality-break-P", "resolution-limited (parameters)"),
             ("double-descent", "double descent (P = D)"),
             ("double-descent-ridge", "double descent (P = D)"),
             *[(f"interp-{m}-d{d}", "resolution-limited (data)") for m in ("lipschitz", "smooth")
               for d in (2, 3, 4, 6)],
             ("spectrum-laplace-T2", "spectrum"), ("spectrum-matern1.5-T2", "spectrum"),
             ("spectrum-relu-S2", "spectrum"), ("spectrum-relu-ntk-S2", "spectrum"),
             ("glm-softmax3-D", "variance-limited (data)"),
             ("resolution-P-piecewise-constant-T1", "resolution-limited (parameters)"),
             ("dynamics-compute-optimal-L", "compute-optimal (C = P t)"),
             ("real-resolution-D-pool7-depth3", "resolution-limited (data)"),
             ("real-variance-D-pool2", "variance-limited (data)"),
             *[(f"glm-{g}-D", "variance-limited (data)") for g in ("logistic", "huber")],
             ("dynamics-time-limited", "resolution-limited (time)")]
    rows = [_row(name=n, regime=r, predicted=2.5, measured=2.9753, ci_lo=2.9722, ci_hi=2.9773,
                 band=0.057, shift=0.4541, value_deviation=-0.101, value_deviation_stderr=0.049,
                 verdict="disagree" if i == 3 else "agree", note="(VR.2) band")
            for i, (n, r) in enumerate(names)]
    # the widest interval of the full report of 2026-12-02 (double-descent-ridge: 0.01634
    # +0.00057/-0.00064, four more digits than the others), which overflowed by 7.5 pt
    rows[names.index(("double-descent-ridge", "double descent (P = D)"))] = _row(
        name="double-descent-ridge", regime="double descent (P = D)", predicted=0.0,
        measured=0.01634, ci_lo=0.01570, ci_hi=0.01691, band=0.022, shift=0.0167,
        value_deviation=1.35, value_deviation_stderr=0.46, verdict="agree", note="(VR.2) band")
    return rows


@pytest.mark.skipif(shutil.which("pdflatex") is None,
                    reason="pdflatex is not installed on this machine (CI installs texlive)")
@pytest.mark.parametrize("which", ["escapes", "full-suite"])
def test_latex_table_compiles_and_fits_one_column(tmp_path, which):
    r"""Compiled in a two-column article: no error, no overfull box, and each tabular
    (measured as a box, its width written to the log) no wider than ``\columnwidth``."""
    if which == "escapes":
        rows = [_row(), _row(name="res_P & 50% $x_1$ ~ # {y} ^ \\", regime="P≫D, α≈1/d",
                             verdict="disagree", value_deviation=None),
                _row(name="exact", ci_lo=0.987, ci_hi=0.987, value_deviation_stderr=None)]
    else:
        rows = _full_suite_rows()
    tex = render_latex(rows)
    tabulars = re.findall(r"\\begin\{tabular\}.*?\\end\{tabular\}", tex, flags=re.S)
    assert len(tabulars) == (2 if which == "escapes" else 4)   # the long one in two parts
    measure = "".join("\\sbox\\tablebox{\\small\\setlength{\\tabcolsep}{2pt}" + t + "}"
                      "\\typeout{TABLEWIDTH=\\the\\wd\\tablebox}\n" for t in tabulars)
    (tmp_path / "table.tex").write_text(tex, encoding="ascii")
    (tmp_path / "main.tex").write_text(TWO_COLUMN_DOC % measure, encoding="ascii")
    proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "main.tex"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert (tmp_path / "main.pdf").stat().st_size > 0
    log = (tmp_path / "main.log").read_text(errors="replace")
    assert "Overfull" not in log and "Float too large" not in log, log[-2000:]
    widths = [float(w) for w in re.findall(r"TABLEWIDTH=([0-9.]+)pt", log)]
    column = float(re.search(r"COLUMNWIDTH=([0-9.]+)pt", log).group(1))
    assert column == 229.5      # article, 10pt, twocolumn: (469 - 10) / 2 on letter paper
    assert len(widths) == len(tabulars) and all(50 < w <= column for w in widths), widths
    assert "tabcolsep}{2pt}" in tex  # the measured boxes used the table's own spacing
