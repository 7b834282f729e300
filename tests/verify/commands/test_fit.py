"""``python -m verify fit``: good files, predictions, output formats, malformed files."""

from __future__ import annotations

import json
import re
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
        exponent, verdict = out.strip().splitlines()  # one data row of each table
        assert "my\\_run & $0.5$ & " in exponent and exponent.endswith("\\\\")
        assert "my\\_run & " in verdict and verdict.endswith("agree \\\\")


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


@pytest.fixture(scope="module")
def seeds_file(tmp_path_factory):
    rng = np.random.default_rng(5)
    losses = 2 * X ** -0.5 * (1 + 0.02 * rng.standard_normal((6, X.size)))
    path = tmp_path_factory.mktemp("extreme") / "seeds.csv"
    path.write_text("seed,size,loss\n" + "".join(
        f"{s},{float(x)!r},{float(v)!r}\n" for s in range(6)
        for x, v in zip(X, losses[s], strict=True)), encoding="utf-8")
    return str(path)


def _subprocess_fit(*argv, timeout=20):
    return subprocess.run([sys.executable, "-m", "verify", "fit", *argv], capture_output=True,
                          text=True, timeout=timeout)


class TestExtremeOptions:
    """Every numeric option at huge, 0, negative, 5e-324, inf and nan: a refusal is one line
    on stderr naming the option, exit 2, within seconds (each run is a subprocess with a
    20 s timeout); a value that is valid however extreme gets its ordinary answer."""

    @pytest.mark.parametrize(("option", "value", "names"), [
        ("--resamples", "1000000000", r"`--resamples` = 1000000000: the request needs an "
                                      r"estimated .* of memory, over the bound of 4 GiB"),
        ("--resamples", "0", r"`--resamples` must be an integer >= 99; got 0"),
        ("--resamples", "-1", r"`--resamples` must be an integer >= 99; got -1"),
        ("--resamples", "5e-324", r"argument --resamples: invalid int value: '5e-324'"),
        ("--resamples", "inf", r"argument --resamples: invalid int value: 'inf'"),
        ("--resamples", "nan", r"argument --resamples: invalid int value: 'nan'"),
        ("--confidence", "1e308", r"`--confidence` must be < 1; got 1e\+308"),
        ("--confidence", "0", r"`--confidence` must be > 0; got 0.0"),
        ("--confidence", "-1", r"`--confidence` must be > 0; got -1.0"),
        ("--confidence", "inf", r"`--confidence` must be finite; got inf"),
        ("--confidence", "nan", r"`--confidence` must be a real number, not NaN"),
        ("--predict", "inf", r"`--predict` must be finite; got inf"),
        ("--predict", "-inf", r"`--predict` must be finite; got -inf"),
        ("--predict", "nan", r"`--predict` must be a real number, not NaN"),
        ("--band", "-1", r"`--band` must be >= 0; got -1.0"),
        ("--band", "inf", r"`--band` must be finite; got inf"),
        ("--band", "nan", r"`--band` must be a real number, not NaN"),
        ("--seed", "-1", r"`--seed` must be an integer >= 0; got -1"),
        ("--seed", "1e308", r"argument --seed: invalid int value: '1e308'"),
        ("--seed", "5e-324", r"argument --seed: invalid int value: '5e-324'"),
        ("--seed", "nan", r"argument --seed: invalid int value: 'nan'"),
        ("--window", "0,inf", r"`--window LO` must be > 0; got 0.0"),
        ("--window", "-1,inf", r"`--window LO` must be > 0; got -1.0"),
        ("--window", "inf,inf", r"`--window LO` must be finite; got inf"),
        ("--window", "1,-inf", r"`--window HI` must be > 0; got -inf"),
        ("--window", "1,5e-324", r"--window must have LO < HI; got 1,4.94066e-324"),
        ("--window", "1,nan", r"argument --window: NaN is not allowed"),
        ("--window", "1e308,inf", r"at least 3 points of `x` inside `window` \(1e\+308, inf\)"),
    ])
    def test_refused_in_one_line(self, seeds_file, option, value, names):
        extra = ["--predict=0.5"] if option == "--band" else []
        proc = _subprocess_fit(seeds_file, *extra, f"{option}={value}")
        assert proc.returncode == 2, proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in proc.stderr and proc.stdout == ""
        assert re.search(names, lines[0]), lines[0]

    def test_offset_bootstrap_is_refused_by_its_time_estimate(self, seeds_file):
        # 2e6 Levenberg-Marquardt runs at ~0.5 ms each: the time estimate, not memory, refuses
        proc = _subprocess_fit(seeds_file, "--offset", "--resamples=2000000")
        assert proc.returncode == 2
        assert re.fullmatch(r"verify: error: `--resamples` = 2000000: the request needs an "
                            r"estimated .* s of time, over the bound of 600 s; .*",
                            proc.stderr.strip()), proc.stderr

    @pytest.mark.parametrize(("argv", "code"), [
        (["--predict=1e308"], 1), (["--predict=5e-324"], 1), (["--predict=-1"], 1),
        (["--predict=0.5", "--band=1e308"], 0), (["--predict=0.5", "--band=5e-324"], 0),
        (["--confidence=5e-324"], 0), (["--seed=" + str(10**30)], 0),
        (["--window=5e-324,inf"], 0), (["--window=1,1e308"], 0),
    ])
    def test_valid_extremes_answer(self, seeds_file, argv, code):
        proc = _subprocess_fit(seeds_file, *argv)
        assert proc.returncode == code and proc.stderr == "", proc.stderr
        assert "alpha = " in proc.stdout
