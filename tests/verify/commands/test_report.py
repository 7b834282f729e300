"""The main job, `python -m verify`: scenarios, verdicts, checkpoints and usage errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from verify.__main__ import main
from verify.scenarios import quick_names, suite
from verify.scenarios.manifolds import richardson_band

QUICK = quick_names()


def test_suite_names_and_quick_subset():
    names = list(suite())
    assert len(names) == len(set(names))
    assert set(QUICK) <= set(names)
    regimes = {suite()[n].regime for n in QUICK}
    # the quick suite keeps one scenario of every regime of the full suite
    assert regimes == {s.regime for s in suite().values()}


def test_wrong_prediction_is_caught():
    """A prediction off by 0.2 must disagree (issue #5), the true one must agree."""
    scenario = suite()["rf-resolution-D-aK1"]
    good = scenario.run(True, 0)
    assert good.agrees, good.exponent.message
    bad = scenario.run(True, 0, predicted=good.exponent.predicted + 0.2)
    assert not bad.agrees
    assert bad.exponent.distance > 0
    assert bad.row.verdict == "disagree"


def test_richardson_band_on_exact_corrections():
    """(VR.3) recovers the bias of the window's slope for L = D^-a (1 + D^(-1/d)) to leading
    order (Richardson extrapolation is first order: within 20 % here)."""
    import numpy as np

    from verify.fit import fit_power_law
    d, a = 2, 1.0
    x = 250.0 * 2.0 ** np.arange(6)
    y = x**-a * (1 + x ** (-1 / d))
    first, second, band = richardson_band(x, y, d)
    assert first > second > a            # the slope approaches a from above
    true_bias = fit_power_law(x, y).alpha - a
    assert 0.8 * true_bias <= band <= 1.2 * true_bias


def test_usage_errors_are_one_line(capsys, tmp_path):
    assert main(["report", "no-such-scenario", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "`scenario` must be one of" in err[0]
    assert not (tmp_path / "o").exists()
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["--out", str(blocker), "interp-lipschitz-d2"]) == 2
    assert "`--out` must be a directory" in capsys.readouterr().err
    assert main(["--seed", "-1"]) == 2
    assert "`seed` must be an integer >= 0" in capsys.readouterr().err


def test_list(capsys):
    assert main(["--list"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in suite())


def test_report_files_and_checkpoint_resume(tmp_path, capsys):
    out = tmp_path / "rep"
    argv = ["interp-lipschitz-d2", "interp-smooth-d2", "--quick", "--out", str(out),
            "--no-figures"]
    assert main(argv) == 0
    first = json.loads((out / "results.json").read_text())
    assert [r["name"] for r in first["rows"]] == ["interp-lipschitz-d2", "interp-smooth-d2"]
    assert first["configuration"]["n_from_checkpoint"] == 0
    tex = (out / "table.tex").read_text()
    assert tex.count(r"\toprule") == 2 and tex.count(r"\\") == 2 * 3  # header + 2 rows, twice
    capsys.readouterr()
    assert main(argv) == 0                     # a rerun reuses both checkpoints
    second = json.loads((out / "results.json").read_text())
    assert second["configuration"]["n_from_checkpoint"] == 2
    assert second["rows"] == first["rows"]
    assert second["records"] == first["records"]  # every number, exactly
    assert sorted(p.suffix for p in (out / ".checkpoints").iterdir()) == [".json", ".json"]
    assert main([*argv, "--fresh"]) == 0          # the store deletes them first
    third = json.loads((out / "results.json").read_text())
    assert third["configuration"]["n_from_checkpoint"] == 0
    assert third["rows"] == first["rows"]


def test_planted_pickle_checkpoint_runs_nothing(tmp_path, capsys):
    """A `.pkl` where an old version kept its checkpoint is reported and recomputed, never
    unpickled (issue #11: a planted pickle used to run its code on the next report)."""
    import pickle

    from verify.scenarios.runner import checkpoint_key
    marker = tmp_path / "marker"

    class Evil:
        def __reduce__(self):
            return (Path.touch, (marker,))

    out = tmp_path / "rep"
    planted = out / ".checkpoints" / f"{checkpoint_key('interp-lipschitz-d2', True, 0)}.pkl"
    planted.parent.mkdir(parents=True)
    planted.write_bytes(pickle.dumps(Evil()))
    assert main(["interp-lipschitz-d2", "--quick", "--out", str(out), "--no-figures"]) == 0
    err = [line for line in capsys.readouterr().err.splitlines()
           if line.strip() and not line.startswith("verify: [")]   # not the liveness lines
    assert not marker.exists()
    assert len(err) == 1 and str(planted) in err[0] and "old-format" in err[0]
    assert not planted.exists()
    assert json.loads((out / "results.json").read_text())["rows"][0]["verdict"] == "agree"


def test_liveness_line_per_scenario_when_not_a_terminal(tmp_path, capsys):
    argv = ["interp-lipschitz-d2", "interp-smooth-d2", "--quick", "--out", str(tmp_path),
            "--no-figures", "--threads", "2"]
    assert main(argv) == 0
    err = capsys.readouterr().err.splitlines()
    assert [line.split(" (")[0] for line in err] == [
        "verify: [1/2] interp-lipschitz-d2 agree", "verify: [2/2] interp-smooth-d2 agree"]
    assert all(line.endswith(" s)") for line in err)
    data = json.loads((tmp_path / "results.json").read_text())
    assert data["configuration"]["blas_threads"] == 2
    assert main(argv[:-2]) == 0                    # 1 thread: the 2-thread checkpoints differ
    assert json.loads((tmp_path / "results.json").read_text())["configuration"][
        "n_from_checkpoint"] == 0


def test_fresh_does_not_follow_a_symlinked_checkpoint_directory(tmp_path, capsys):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / f"{'b' * 32}.json").write_text("{}")     # named like a checkpoint
    out = tmp_path / "rep"
    out.mkdir()
    (out / ".checkpoints").symlink_to(precious)
    assert main(["interp-lipschitz-d2", "--quick", "--out", str(out), "--fresh",
                 "--no-figures"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "refusing to follow the symbolic link" in err[0]
    assert [p.name for p in precious.iterdir()] == [f"{'b' * 32}.json"]


@pytest.mark.parametrize(("code", "text"), [("ENOSPC", "No space left on device"),
                                            ("EROFS", "Read-only file system"),
                                            ("EFBIG", "File too large")])
def test_io_failures_exit_3_with_one_line(tmp_path, capsys, monkeypatch, code, text):
    import errno

    from verify.output import report as writer

    def failing(path, data):
        raise OSError(getattr(errno, code), text, str(path))

    monkeypatch.setattr(writer, "atomic_write", failing)
    assert main(["interp-lipschitz-d2", "--quick", "--out", str(tmp_path), "--no-figures"]) == 3
    err = [line for line in capsys.readouterr().err.splitlines()
           if not line.startswith("verify: [")]
    assert len(err) == 1 and text in err[0] and code in err[0] and "cannot write" in err[0]


def test_version(capsys):
    from asymptotics import __version__
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and capsys.readouterr().out.strip() == f"verify {__version__}"


@pytest.mark.slow
def test_quick_suite_end_to_end(tmp_path):
    """`python -m verify --quick` in a subprocess: every verdict agrees, files written, and
    the LaTeX table compiles with one row per scenario (when pdflatex is installed)."""
    out = tmp_path / "report"
    proc = subprocess.run([sys.executable, "-m", "verify", "--quick", "--out", str(out)],
                          capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads((out / "results.json").read_text())
    assert [r["name"] for r in data["rows"]] == list(QUICK)
    assert all(r["verdict"] == "agree" for r in data["rows"])
    # a figure per scenario (the plots may add overview figures beside them)
    assert {p.stem for p in (out / "figures").glob("*.pdf")} >= set(QUICK)
    assert data["configuration"]["blas_threads"] == 1
    err = [line for line in proc.stderr.splitlines() if line.startswith("verify: [")]
    assert len(err) == len(QUICK)                       # one liveness line per scenario
    tex = (out / "table.tex").read_text()
    # two tables (exponents; values and verdicts), each continued in further parts when
    # long: a header per tabular, a row per scenario in each table, and every regime a heading
    lines = [line.rstrip() for line in tex.splitlines() if line.rstrip().endswith(r"\\")]
    n_tabulars = tex.count(r"\begin{tabular")
    assert n_tabulars >= 2 and n_tabulars % 2 == 0
    assert sum(line.startswith("Scenario &") for line in lines) == n_tabulars
    assert sum(line.startswith(r"\raggedright") for line in lines) == 2 * len(QUICK)
    headings = {line for line in lines if line.startswith(r"\multicolumn")}
    n_regimes = len({r["regime"] for r in data["rows"]})
    assert len(headings) == 2 * n_regimes      # 5- and 3-column headings, one set per table
    assert len(lines) == n_tabulars + 2 * len(QUICK) + sum(
        line.startswith(r"\multicolumn") for line in lines)
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed; .ci/run installs texlive")
    doc = tmp_path / "doc.tex"
    doc.write_text("\\documentclass{article}\\usepackage{booktabs}\\usepackage{amsmath}"
                   "\\begin{document}\\input{" + str(out / "table") + "}\\end{document}\n")
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                          doc.name], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-2000:]
    assert Path(tmp_path / "doc.pdf").exists()
