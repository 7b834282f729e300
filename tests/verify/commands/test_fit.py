"""``python -m verify fit``: good files, predictions, output formats, malformed files."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from verify.__main__ import main
from verify.commands.fit import read_curve_csv
from verify.fit import fit_power_law

X = np.geomspace(10, 1e4, 10)


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def exact_csv(tmp_path):
    rows = "".join(f"{float(x)!r},{float(2 * x ** -0.5)!r}\n" for x in X[::-1])  # reversed: sorted on read
    return _write(tmp_path / "exact.csv", "size,loss\n" + rows)


@pytest.fixture
def seeds_csv(tmp_path):
    rng = np.random.default_rng(5)
    losses = 2 * X ** -0.5 * (1 + 0.02 * rng.standard_normal((6, X.size)))
    lines = [f"{s},{float(x)!r},{float(v)!r}" for s in range(6) for x, v in zip(X, losses[s], strict=True)]
    return _write(tmp_path / "seeds.csv", "# my run\nSeed, Size ,LOSS\n" + "\n".join(lines)), losses


def _run(capsys, *argv):
    code = main(["fit", *argv])
    out, err = capsys.readouterr()
    return code, out, err


class TestGoodFiles:
    def test_exact_curve_text(self, capsys, exact_csv):
        code, out, _ = _run(capsys, exact_csv, "--predict", "0.5")
        assert code == 0
        assert "10 of 10 points" in out and "alpha = 0.5" in out
        assert "band ±0 (no band given): agree" in out

    def test_wrong_prediction_exits_1(self, capsys, exact_csv):
        code, out, _ = _run(capsys, exact_csv, "--predict", "0.7", "--band", "0.05",
                            "--band-reason", "finite size")
        assert code == 1 and "DISAGREE" in out and "band ±0.05 (finite size)" in out

    def test_seeds_json_matches_library(self, capsys, seeds_csv):
        path, losses = seeds_csv
        code, out, _ = _run(capsys, path, "--json", "--seed", "7", "--resamples", "199")
        assert code == 0
        data = json.loads(out, parse_constant=lambda t: pytest.fail(f"non-strict token {t}"))
        direct = fit_power_law(X, seeds_losses=losses, rng=7, n_resamples=199)
        assert data["fit"]["alpha"] == pytest.approx(direct.alpha, rel=1e-13)
        assert data["fit"]["alpha_ci"] == pytest.approx(list(direct.alpha_ci), rel=1e-13)
        assert data["fit"]["rng_seed"] == 7 and data["seeds"] == [str(s) for s in range(6)]
        assert data["comparison"] is None and data["exit_code"] == 0

    def test_window_and_offset(self, capsys, tmp_path):
        rows = "".join(f"{float(x)!r},{float(2 * x ** -0.7 + 0.1)!r}\n" for x in X)
        path = _write(tmp_path / "off.csv", "size,loss\n" + rows)
        code, out, _ = _run(capsys, path, "--offset", "--window", "20,inf", "--json")
        data = json.loads(out)
        assert code == 0 and data["fit"]["n_points"] == int((X >= 20).sum())
        assert data["fit"]["alpha"] == pytest.approx(0.7, abs=1e-9)
        assert data["fit"]["offset"] == pytest.approx(0.1, rel=1e-9)

    def test_latex_row(self, capsys, exact_csv):
        code, out, _ = _run(capsys, exact_csv, "--predict", "0.5", "--latex", "--name", "my_run")
        assert code == 0
        (line,) = out.strip().splitlines()
        assert line.startswith("my\\_run & measured & $0.5$ & ") and line.endswith("agree \\\\")


class TestMalformed:
    @pytest.mark.parametrize("text, message", [
        ("", "the file is empty"),
        ("size,loss\n", "no data rows after the header"),
        ("x,y\n1,2\n", "the header must name the columns size, loss"),
        ("size,loss\n10,1\n20\n", r":3: expected 2 fields like the header; got 1"),
        ("size,loss\n10,1\n20,abc\n", r":3: `loss` must be a number; got 'abc'"),
        ("size,loss\n10,1\n20,nan\n", r":3: `loss` must be finite; got 'nan'"),
        ("size,loss\n10,1\n10,2\n", r":3: size 10 appears twice \(add a seed column"),
        ("seed,size,loss\n0,10,1\n0,20,2\n1,10,1\n", r"seed '1' has sizes \[10.0\]"),
    ])
    def test_read_errors(self, tmp_path, text, message):
        path = _write(tmp_path / "bad.csv", text)
        with pytest.raises(ValueError, match=message):
            read_curve_csv(path)

    def test_bad_values_are_usage_errors(self, capsys, tmp_path):
        path = _write(tmp_path / "neg.csv", "size,loss\n10,1\n20,-1\n40,0.5\n")
        code, _, err = _run(capsys, path)
        assert code == 2 and "`y` must be positive" in err and len(err.strip().splitlines()) == 1

    def test_option_errors(self, capsys, exact_csv):
        assert _run(capsys, exact_csv, "--window", "1,2,3")[0] == 2
        code, _, err = _run(capsys, exact_csv, "--latex")
        assert code == 2 and "need --predict" in err
        assert _run(capsys, exact_csv, "--json", "--latex")[0] == 2

    def test_subprocess_one_line_no_traceback(self, tmp_path):
        path = _write(tmp_path / "bad.csv", "size,loss\n10,1\n20,abc\n")
        proc = subprocess.run([sys.executable, "-m", "verify", "fit", path],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr
        assert proc.stderr.strip().splitlines() == [
            f"verify: error: {path}:3: `loss` must be a number; got 'abc'"]
