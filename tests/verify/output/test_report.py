"""verify.output.report (atomic writes, strict JSON, layout) and verify.output.progress."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest

from asymptotics._lib import files
from verify.fit import fit_power_law
from verify.output import progress as prog
from verify.output import report
from verify.output.tables import ScenarioRow, render_latex

X = np.geomspace(10, 1e4, 8)


def _rows_records():
    fit = fit_power_law(X, 2 * X ** -0.5)
    row = ScenarioRow("var_D", "variance", 0.5, fit.alpha, *fit.alpha_ci, 0.01, None, "agree")
    return [row, ScenarioRow("res_P", "resolution", 0.3, 0.5, 0.4, 0.6, 0.0, 0.1,
                             "disagree")], {"var_D": {"fit": fit, "x": X}}


def _strict_load(path):
    def refuse(token):
        raise ValueError(f"non-strict JSON token {token}")
    return json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse)


def test_layout_and_strict_json(tmp_path):
    rows, records = _rows_records()
    paths = report.write_report(tmp_path / "out", rows, records, config={"D": [1, 2]},
                                seeds=[11, 12])
    data = _strict_load(paths.results_json)
    assert data["schema"] == report.SCHEMA
    assert set(data["versions"]) >= {"python", "toolkit", "numpy", "scipy", "sympy", "mpmath"}
    assert data["configuration"] == {"D": [1, 2]} and data["seeds"] == [11, 12]
    assert [r["name"] for r in data["rows"]] == ["var_D", "res_P"]
    # every table cell traces to a number in results.json
    assert data["rows"][0]["measured"] == rows[0].measured
    assert data["records"]["var_D"]["fit"]["alpha"] == rows[0].measured
    assert data["records"]["var_D"]["x"] == X.tolist()
    assert paths.table_tex.read_text() == render_latex(rows)
    assert "DISAGREE" in paths.table_txt.read_text()
    assert oct(paths.table_tex.stat().st_mode & 0o777) == oct(files._FILE_MODE)
    assert [p.name for p in (tmp_path / "out").iterdir() if p.name.startswith(".")] == []


def test_nan_is_refused_before_any_write(tmp_path):
    rows, _ = _rows_records()
    with pytest.raises(ValueError, match="refusing to serialize NaN"):
        report.write_report(tmp_path / "out", rows, {"bad": float("nan")})
    assert not (tmp_path / "out").exists()


def test_figures_written_as_png_and_pdf(tmp_path):
    pytest.importorskip("matplotlib")
    from verify.output.plots import loglog_figure
    rows, records = _rows_records()
    fig = loglog_figure(X, 2 * X ** -0.5, 0.01 * X ** -0.5, title="var_D")
    paths = report.write_report(tmp_path, rows, records, {"var_D": fig})
    ((name, png, pdf),) = paths.figures
    assert name == "var_D" and png.read_bytes()[:4] == b"\x89PNG"
    assert pdf.read_bytes()[:4] == b"%PDF"
    files = _strict_load(paths.results_json)["files"]["figures"]
    assert files == {"var_D": {"png": "figures/var_D.png", "pdf": "figures/var_D.pdf"}}


def test_input_validation(tmp_path):
    rows, records = _rows_records()
    with pytest.raises(ValueError, match=r"`figures` names must be file-name safe.*'../x'"):
        report.write_report(tmp_path, rows, records, {"../x": object()})
    with pytest.raises(TypeError, match=r"`figures\['a'\]` must be a matplotlib Figure"):
        report.write_report(tmp_path, rows, records, {"a": object()})
    with pytest.raises(TypeError, match="`rows` must be a sequence of ScenarioRow"):
        report.write_report(tmp_path, [{}], records)
    with pytest.raises(TypeError, match="`records` must be a mapping or a sequence"):
        report.write_report(tmp_path, rows, "text")


class TestProgress:
    def test_silent_when_not_a_terminal(self, capsys):
        assert not prog.progress_enabled(io.StringIO())
        assert list(prog.progress(range(5), desc="x")) == [0, 1, 2, 3, 4]
        assert capsys.readouterr().err == ""

    def test_bar_counts_and_can_be_forced(self, capsys):
        pytest.importorskip("tqdm")
        with prog.ProgressBar(3, "work", enabled=True) as bar:
            for _ in range(3):
                bar.update()
        assert bar.count == 3
        assert "work" in capsys.readouterr().err

    def test_generator_without_len(self):
        gen = (i * i for i in range(4))
        assert list(prog.progress(gen, enabled=False)) == [0, 1, 4, 9]

    def test_validation(self):
        with pytest.raises(ValueError, match=r"`total` must be an integer >= 0; got -1"):
            prog.ProgressBar(-1)
