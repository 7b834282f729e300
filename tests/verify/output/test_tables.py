"""verify.output.tables: terminal and LaTeX renderers, number formatting, escaping, compiling."""

from __future__ import annotations

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
    render_terminal,
)

MINIMAL_DOC = ("\\documentclass{article}\\usepackage{booktabs}\\begin{document}\\input{table}"
               "\\end{document}\n")


def _row(name="var_D", verdict="agree", **kw):
    base = dict(name=name, regime="variance-limited, D", predicted=1.0, measured=0.987,
                ci_lo=0.951, ci_hi=1.02, band=0.05, value_deviation=0.012, verdict=verdict,
                note="O(1/D) corrections", value_deviation_stderr=0.004)
    base.update(kw)
    return ScenarioRow(**base)


def _body_lines(tex: str) -> list[str]:
    lines = tex.splitlines()
    return lines[lines.index("\\midrule") + 1: lines.index("\\bottomrule")]


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
    def test_latex_has_one_row_per_scenario(self, n, name):
        tex = render_latex([_row(name=name) for _ in range(n)])
        body = _body_lines(tex)
        assert len(body) == n
        assert all(line.endswith("\\\\") and line.count(" & ") == 6 for line in body)
        assert tex.splitlines()[1] == "\\begin{tabular}{llrrrrl}"

    def test_rows_type(self):
        with pytest.raises(TypeError, match=r"`rows\[1\]` must be a ScenarioRow; got dict"):
            render_latex([_row(), {}])
        with pytest.raises(TypeError, match="`rows` must be a sequence of ScenarioRow"):
            render_terminal(_row())


@pytest.mark.skipif(shutil.which("pdflatex") is None,
                    reason="pdflatex is not installed on this machine (CI installs texlive)")
def test_latex_table_compiles(tmp_path):
    rows = [_row(), _row(name="res_P & 50% $x_1$ ~ # {y} ^ \\", regime="P≫D, α≈1/d",
                         verdict="disagree", value_deviation=None), _row(name="exact",
                         ci_lo=0.987, ci_hi=0.987, value_deviation_stderr=None)]
    (tmp_path / "table.tex").write_text(render_latex(rows), encoding="ascii")
    (tmp_path / "main.tex").write_text(MINIMAL_DOC, encoding="ascii")
    proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "main.tex"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert (tmp_path / "main.pdf").stat().st_size > 0
