"""verify.output.report (atomic writes, strict JSON, layout) and verify.output.progress."""

from __future__ import annotations

import io
import json
from typing import ClassVar

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


class TestReportAsAUnit:
    def test_old_results_removed_before_anything_is_written(self, tmp_path, monkeypatch):
        """An interrupted rewrite (here: the disk fills at table.txt) leaves no results.json
        beside the new table.tex, so the directory never reads as a mixed report."""
        import errno
        rows, records = _rows_records()
        report.write_report(tmp_path, rows, records)
        real = report.atomic_write

        def full_disk(path, data):
            if path.name == "table.txt":
                raise OSError(errno.ENOSPC, "No space left on device", str(path))
            return real(path, data)

        monkeypatch.setattr(report, "atomic_write", full_disk)
        with pytest.raises(OSError, match="No space left"):
            report.write_report(tmp_path, rows[:1], records)
        assert not (tmp_path / "results.json").exists()
        assert render_latex(rows[:1]) == (tmp_path / "table.tex").read_text()

    @pytest.mark.parametrize("entry", ["figures", "table.tex", "results.json", ".checkpoints"])
    def test_links_inside_the_report_are_refused(self, tmp_path, entry):
        rows, records = _rows_records()
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        (elsewhere / "keep.txt").write_text("not the report's")
        out = tmp_path / "out"
        out.mkdir()
        (out / entry).symlink_to(elsewhere if entry in ("figures", ".checkpoints")
                                 else elsewhere / "keep.txt")
        with pytest.raises(report.LinkRefused, match="refusing to follow the symbolic link"):
            report.write_report(out, rows, records)
        assert sorted(p.name for p in elsewhere.iterdir()) == ["keep.txt"]
        assert (elsewhere / "keep.txt").read_text() == "not the report's"

    def test_clear_refuses_a_symlinked_checkpoint_directory(self, tmp_path):
        target = tmp_path / "precious"
        target.mkdir()
        victim = target / f"{'a' * 32}.json"        # named like a checkpoint
        victim.write_text("{}")
        (tmp_path / ".checkpoints").symlink_to(target)
        store = report.CheckpointStore(tmp_path / ".checkpoints")
        with pytest.raises(report.LinkRefused):
            store.clear()
        with pytest.raises(report.LinkRefused):
            store.write("a" * 32, {"k": 1}, {"v": 1})
        with pytest.raises(report.CheckpointError, match="symbolic link"):
            store.read("a" * 32, {"k": 1})
        assert victim.read_text() == "{}"


class TestProgress:
    def test_tick_moves_the_innermost_bar_within_its_step(self):
        prog.tick(3, of=4)                         # no bar: a no-op
        with prog.ProgressBar(2, "outer", enabled=False) as outer:
            outer.start("a")
            prog.tick(1, of=4)
            assert outer.fraction == 0.25 and outer.current == "a"
            with prog.ProgressBar(3, "inner", enabled=False) as inner:
                prog.tick(2, of=3)
                assert inner.fraction == pytest.approx(2 / 3) and outer.fraction == 0.25
            prog.tick(1, of=2)
            prog.tick(1, of=4)                      # absolute, never backwards
            assert outer.fraction == 0.5
            outer.update()
            assert outer.count == 1 and outer.fraction == 0.0
        assert prog._ACTIVE == []

    def test_bar_advances_within_a_step_and_shows_no_eta(self, capsys):
        pytest.importorskip("tqdm")
        with prog.ProgressBar(2, "verify", enabled=True) as bar:
            bar.start("slow-scenario")
            prog.tick(5, of=10)
            assert bar._shown == 500             # half of the first of 2 steps of 1000 units
            assert bar._bar.postfix == "0/2 slow-scenario (5/10)"
        err = capsys.readouterr().err
        assert "verify:" in err and "<" not in err   # tqdm writes a remaining time as <MM:SS

    def test_liveness_line(self):
        assert prog.liveness_line(3, 9, "rf-resolution-D-aK1", 1.234, "agree") == \
            "verify: [3/9] rf-resolution-D-aK1 agree (1.2 s)"

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


class TestCheckpointStore:
    STEM = "0123456789abcdef0123456789abcdef"
    KEY: ClassVar[dict] = {"scenario": "toy", "quick": True, "seed": 3, "toolkit": "0"}

    def test_exact_round_trip(self, tmp_path):
        store = report.CheckpointStore(tmp_path / "ck")
        assert store.read(self.STEM, self.KEY) is None          # nothing stored yet
        payload = {"x": (0.1 + 0.2, 1e-300, -0.0, float("inf")), "n": 2**60, "ok": True,
                   "a": np.array([[1.5, np.nan], [np.inf, 2.0]]), "i": np.arange(3),
                   "b": np.array([True, False]), "s": "text", "none": None, "l": [1, (2,)]}
        path = store.write(self.STEM, self.KEY, payload)
        assert path == tmp_path / "ck" / f"{self.STEM}.json"
        json.loads(path.read_text(), parse_constant=lambda t: pytest.fail(t))  # strict JSON
        back = store.read(self.STEM, self.KEY)
        assert back["x"] == payload["x"] and type(back["x"]) is tuple
        assert str(back["x"][2]) == "-0.0" and back["n"] == 2**60 and back["ok"] is True
        np.testing.assert_array_equal(back["a"], payload["a"])
        assert back["i"].dtype == payload["i"].dtype and back["b"].dtype == np.bool_
        assert back["l"] == [1, (2,)] and back["none"] is None
        assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left

    def test_foreign_damaged_and_old_format_raise(self, tmp_path):
        store = report.CheckpointStore(tmp_path)
        path = store.write(self.STEM, self.KEY, {"v": 1})
        with pytest.raises(report.CheckpointError, match="foreign key") as info:
            store.read(self.STEM, {**self.KEY, "seed": 4})
        assert info.value.path == path
        path.write_text('{"format": "x/0", "key": {}, "payload": 1}')
        with pytest.raises(report.CheckpointError, match=r"foreign format .*another version"):
            store.read(self.STEM, self.KEY)
        path.write_text('{"format": "')
        with pytest.raises(report.CheckpointError, match="damaged"):
            store.read(self.STEM, self.KEY)
        legacy = path.with_suffix(".pkl")
        legacy.write_bytes(b"not even read")
        with pytest.raises(report.CheckpointError, match="old-format") as info:
            store.read(self.STEM, self.KEY)
        assert info.value.path == legacy
        store.write(self.STEM, self.KEY, {"v": 2})                # replaces both
        assert not legacy.exists() and store.read(self.STEM, self.KEY) == {"v": 2}

    @pytest.mark.parametrize("payload", [
        {"__reduce__": ["os.system", ["true"]]},
        {"__float__": "1.5"},
        {"__tuple__": [1], "other": 2},
        {"__ndarray__": {"dtype": "O", "shape": [1], "data": [1]}},
        {"__ndarray__": {"dtype": "(1000000000,)f8", "shape": [1], "data": [1.0]}},
        {"__ndarray__": {"dtype": "<f8", "shape": [10**9], "data": [1.0]}},
        {"__ndarray__": {"dtype": "<f8", "shape": [1], "data": ["x"]}},
    ])
    def test_payload_tags_are_checked_before_decoding(self, tmp_path, payload):
        store = report.CheckpointStore(tmp_path)
        # the digest is right (anyone can compute it): the tags are still checked
        store.path(self.STEM).write_text(json.dumps(
            {"format": report.CHECKPOINT_FORMAT, "key": self.KEY,
             "digest": report.content_digest(payload), "payload": payload}))
        with pytest.raises(report.CheckpointError, match="damaged payload"):
            store.read(self.STEM, self.KEY)

    def test_clear_removes_only_checkpoints(self, tmp_path):
        store = report.CheckpointStore(tmp_path)
        assert report.CheckpointStore(tmp_path / "missing").clear() == 0
        store.write(self.STEM, self.KEY, {"v": 1})
        (tmp_path / f"{'f' * 32}.pkl").write_bytes(b"x")
        (tmp_path / f".{self.STEM}.json.abc123.tmp").write_bytes(b"x")
        (tmp_path / "notes.txt").write_text("mine")
        assert store.clear() == 3
        assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]

    def test_validation(self, tmp_path):
        with pytest.raises(TypeError, match="`directory` must be a path"):
            report.CheckpointStore(3)
        with pytest.raises(ValueError, match="`stem` must be 32 lowercase hex digits"):
            report.CheckpointStore(tmp_path).path("../../etc/passwd")
        with pytest.raises(TypeError, match="cannot be cached"):
            report.CheckpointStore(tmp_path).write(self.STEM, self.KEY, {"f": object()})
        assert list(tmp_path.iterdir()) == []
