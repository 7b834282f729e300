"""Fuzz suite over both command lines (issue #6): every bad option is a one-line usage error.

Every case runs in-process through the packages' ``__main__.main(argv)`` (fast) inside an
empty temporary working directory; a handful run again as real subprocesses. A usage error
must: exit with status 2; print exactly one line on stderr, with no traceback; print nothing
on stdout; and leave no file behind (the working directory, where ``verify sweep`` puts its
default cache and ``verify report`` its default output, holds only the input files the case
itself created). ``verify report`` is fuzzed only on its usage errors (its scenarios are
being finished).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from asymptotics.__main__ import main as asymptotics_main
from verify.__main__ import main as verify_main

REPO = Path(__file__).resolve().parents[1]

# input files a case may need, created fresh in the case's working directory
CSV_FILES = {
    "empty.csv": "",
    "header_only.csv": "size,loss\n",
    "wrong_header.csv": "n,error\n10,0.5\n20,0.3\n",
    "text.csv": "size,loss\n10,abc\n20,0.3\n40,0.2\n",
    "negative.csv": "size,loss\n10,-0.5\n20,0.3\n40,0.2\n",
    "zero_size.csv": "size,loss\n0,0.5\n20,0.3\n40,0.2\n",
    "nan.csv": "size,loss\n10,nan\n20,0.3\n40,0.2\n",
    "inf.csv": "size,loss\n10,inf\n20,0.3\n40,0.2\n",
    "ragged.csv": "size,loss\n10,0.5,7\n20,0.3\n40,0.2\n",
    "duplicate.csv": "size,loss\n10,0.5\n10,0.4\n40,0.2\n",
    "one_row.csv": "size,loss\n10,0.5\n",
    "seed_gaps.csv": "size,loss,seed\n10,0.5,0\n20,0.3,0\n40,0.2,0\n10,0.5,1\n20,0.3,1\n",
    "good.csv": "size,loss\n10,0.5\n20,0.31\n40,0.2\n80,0.13\n160,0.08\n",
    "binary.csv": "\x00\x01\x02\xff",
    "points_bad.csv": "1,2,3\n4,five,6\n7,8,9\n",
    "points_nan.csv": "1,2,3\n4,nan,6\n7,8,9\n",
    "configs_bad.json": "[{\"b\": 2,}",
    "configs_obj.json": "{\"b\": 2}",
    "configs_empty.json": "[]",
}

A = "asymptotics"
V = "verify"
CASES: list[tuple[str, list[str]]] = [
    # ---- asymptotics exponents
    (A, ["exponents", "--alpha-K", "-1"]), (A, ["exponents", "--alpha-K", "0"]),
    (A, ["exponents", "--alpha-K", "nan"]), (A, ["exponents", "--alpha-K", "inf"]),
    (A, ["exponents", "--alpha-K", "x"]), (A, ["exponents", "--b", "1"]),
    (A, ["exponents", "--b", "1e400"]), (A, ["exponents", "--alpha-K", "1", "--b", "2"]),
    (A, ["exponents", "--a", "0.5"]), (A, ["exponents", "--a", "nan"]),
    (A, ["exponents", "--d", "0"]), (A, ["exponents", "--d", "-3"]), (A, ["exponents", "--d", "2.5"]),
    (A, ["exponents", "--loss", "nope"]), (A, ["exponents", "--model", "spline"]),
    (A, ["exponents", "--kernel", "nope", "--d", "2"]),
    (A, ["exponents", "--kernel", "matern", "--d", "2", "--nu", "-1"]),
    (A, ["exponents", "--kernel", "matern", "--d", "2", "--nu", "nan"]),
    (A, ["exponents", "--kernel", "arccos", "--d", "2", "--degree", "-1"]),
    (A, ["exponents", "--json", "--latex"]), (A, ["exponents", "--no-such-option"]),
    (A, ["no-such-command"]),
    # ---- asymptotics curve
    (A, ["curve"]), (A, ["curve", "--D", "0"]), (A, ["curve", "--D", "-5"]),
    (A, ["curve", "--D", "nan"]), (A, ["curve", "--D", ""]), (A, ["curve", "--D", "x"]),
    (A, ["curve", "--D", "10,,20"]), (A, ["curve", "--D", "10", "--P", "0.5"]),
    (A, ["curve", "--D", "10", "--b", "1"]), (A, ["curve", "--D", "10", "--b", "inf"]),
    (A, ["curve", "--D", "10", "--a", "1"]), (A, ["curve", "--D", "10", "--weight-variance", "0"]),
    (A, ["curve", "--D", "10", "--size", "0"]), (A, ["curve", "--D", "10", "--size", "2.5"]),
    (A, ["curve", "--D", "10", "--ridge", "-1"]), (A, ["curve", "--D", "10", "--noise", "nan"]),
    (A, ["curve", "--D", "10", "--noise", "inf"]), (A, ["curve", "--D", "10", "--student", "x"]),
    (A, ["curve", "--D", "10", "--dps", "2"]), (A, ["curve", "--D", "10", "--dps", "10000000"]),
    (A, ["curve", "--D", "10,20", "--P", "5,6,7"]),
    # ---- verify simulate
    (V, ["simulate"]), (V, ["simulate", "--D", "0"]), (V, ["simulate", "--D", "3,2"]),
    (V, ["simulate", "--D", "4,4"]), (V, ["simulate", "--D", ""]), (V, ["simulate", "--D", "x"]),
    (V, ["simulate", "--D", "10", "--S", "0"]), (V, ["simulate", "--D", "10", "--b", "1"]),
    (V, ["simulate", "--D", "10", "--b", "nan"]), (V, ["simulate", "--D", "10", "--a", "0.5"]),
    (V, ["simulate", "--D", "10", "--P", "0"]), (V, ["simulate", "--D", "10", "--P", "3,1"]),
    (V, ["simulate", "--D", "10", "--P", "5", "--kernel"]),
    (V, ["simulate", "--D", "10,20", "--P", "5,6"]),
    (V, ["simulate", "--D", "10", "--ridge", "-1"]), (V, ["simulate", "--D", "10", "--noise", "inf"]),
    (V, ["simulate", "--D", "10", "--seeds", "0"]), (V, ["simulate", "--D", "10", "--seed", "-1"]),
    (V, ["simulate", "--D", "10", "--chunk-size", "0"]),
    (V, ["simulate", "--D", "10", "--student", "x"]),
    # ---- verify interpolate
    (V, ["interpolate", "--d", "0"]), (V, ["interpolate", "--d", "x"]),
    (V, ["interpolate", "--method", "cubic"]), (V, ["interpolate", "--D", "64,32"]),
    (V, ["interpolate", "--D", ""]), (V, ["interpolate", "--D", "1,8"]),
    (V, ["interpolate", "--seeds", "0"]), (V, ["interpolate", "--n-test", "0"]),
    (V, ["interpolate", "--seed", "-1"]), (V, ["interpolate", "--loss", "huber"]),
    # ---- verify spectrum
    (V, ["spectrum", "--kernel", "nope"]), (V, ["spectrum", "--domain", "cube"]),
    (V, ["spectrum", "--d", "0"]), (V, ["spectrum", "--n", "0"]),
    (V, ["spectrum", "--n", "1000000000"]), (V, ["spectrum", "--window", "50,5"]),
    (V, ["spectrum", "--window", "5"]), (V, ["spectrum", "--window", "a,b"]),
    (V, ["spectrum", "--nu", "0"]), (V, ["spectrum", "--nu", "nan"]),
    (V, ["spectrum", "--ell", "-1"]), (V, ["spectrum", "--seed", "-1"]),
    (V, ["spectrum", "--method", "svd"]),
    # ---- verify fit (malformed CSV files and bad options)
    (V, ["fit"]), (V, ["fit", "missing.csv"]), (V, ["fit", "."]),
    *[(V, ["fit", name]) for name in ("empty.csv", "header_only.csv", "wrong_header.csv",
                                      "text.csv", "negative.csv", "zero_size.csv", "nan.csv",
                                      "inf.csv", "ragged.csv", "duplicate.csv", "one_row.csv",
                                      "seed_gaps.csv", "binary.csv")],
    (V, ["fit", "good.csv", "--window", "100,10"]), (V, ["fit", "good.csv", "--window", "10"]),
    (V, ["fit", "good.csv", "--window", "0,100"]), (V, ["fit", "good.csv", "--window", "x,y"]),
    (V, ["fit", "good.csv", "--window", "1000,2000"]),
    (V, ["fit", "good.csv", "--confidence", "1.5"]), (V, ["fit", "good.csv", "--confidence", "0"]),
    (V, ["fit", "good.csv", "--resamples", "0"]), (V, ["fit", "good.csv", "--seed", "-1"]),
    (V, ["fit", "good.csv", "--predict", "nan"]), (V, ["fit", "good.csv", "--predict", "x"]),
    (V, ["fit", "good.csv", "--predict", "0.5", "--band", "-1"]),
    (V, ["fit", "good.csv", "--band", "0.1"]), (V, ["fit", "good.csv", "--json", "--latex"]),
    # ---- verify dimension
    (V, ["dimension"]), (V, ["dimension", "missing.npy"]), (V, ["dimension", "points_bad.csv"]),
    (V, ["dimension", "points_nan.csv"]), (V, ["dimension", "empty.csv"]),
    (V, ["dimension", "bad.npy"]), (V, ["dimension", "nan.npy"]), (V, ["dimension", "flat.npy"]),
    (V, ["dimension", "ok.npy", "--k", "5,2"]), (V, ["dimension", "ok.npy", "--k", "x"]),
    (V, ["dimension", "ok.npy", "--bootstrap", "0"]),
    (V, ["dimension", "ok.npy", "--confidence", "1"]),
    (V, ["dimension", "ok.npy", "--seed", "-1"]), (V, ["dimension", "ok.npy", "--loss", "nope"]),
    (V, ["dimension", "ok.npy", "--estimator", "pca"]), (V, ["dimension", "ok.npy", "--digits"]),
    # ---- verify sweep (default cache .sweep-cache in the working directory)
    (V, ["sweep", "--task", "nope"]), (V, ["sweep", "--task", "no_such_module:f"]),
    (V, ["sweep", "--configs", "missing.json"]), (V, ["sweep", "--configs", "configs_bad.json"]),
    (V, ["sweep", "--configs", "configs_obj.json"]),
    (V, ["sweep", "--axis", "b"]), (V, ["sweep", "--axis", "b=[1,"]), (V, ["sweep", "--set", "x"]),
    (V, ["sweep", "--seed", "-1"]), (V, ["sweep", "--b", "1"]), (V, ["sweep", "--b", "nan"]),
    (V, ["sweep", "--S", "0"]), (V, ["sweep", "--D", "3,2"]), (V, ["sweep", "--seeds", "0"]),
    (V, ["sweep", "--ridge", "-1"]), (V, ["sweep", "--workers", "0"]),
    (V, ["sweep", "--chunksize", "0"]), (V, ["sweep", "--cache", "good.csv"]),
    (V, ["sweep", "--task", "lstsq", "--b", "2"]),
    # ---- verify report: usage errors only
    (V, ["report", "no-such-scenario"]), (V, ["report", "--seed", "-1"]),
    (V, ["report", "--out", "good.csv"]), (V, ["report", "--no-such-option"]),
]


def _make_inputs(where: Path) -> set[str]:
    for name, text in CSV_FILES.items():
        (where / name).write_text(text, encoding="latin-1")
    rng = np.random.default_rng(0)
    np.save(where / "ok.npy", rng.random((80, 3)))
    np.save(where / "nan.npy", np.full((10, 3), np.nan))
    np.save(where / "flat.npy", np.ones(10))
    (where / "bad.npy").write_bytes(b"not a numpy file")
    return {p.name for p in where.iterdir()}


def _listing(where: Path) -> set[str]:
    return {str(p.relative_to(where)) for p in where.rglob("*")}


@pytest.mark.parametrize(("prog", "argv"), CASES, ids=[f"{p}-{' '.join(a)}"[:80] for p, a in CASES])
def test_usage_error_is_one_line_and_writes_nothing(prog, argv, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SCALING_TOOLKIT_DEBUG", raising=False)
    before = _listing(tmp_path) if _make_inputs(tmp_path) else set()
    main = asymptotics_main if prog == A else verify_main
    status = main(argv)
    out, err = capsys.readouterr()
    assert status == 2, (status, out[-300:], err[-300:])
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1 and lines[0].strip(), err
    assert "Traceback" not in err and out == "", (out, err)
    assert lines[0].startswith(prog), lines[0]
    assert _listing(tmp_path) == before, sorted(_listing(tmp_path) - before)


SUBPROCESS_CASES = [
    (A, ["curve", "--D", "0"]),
    (A, ["exponents", "--alpha-K", "nan"]),
    (V, ["fit", "text.csv"]),
    (V, ["sweep", "--workers", "0"]),
    (V, ["simulate", "--D", "3,2"]),
]


@pytest.mark.parametrize(("prog", "argv"), SUBPROCESS_CASES,
                         ids=[f"{p}-{' '.join(a)}" for p, a in SUBPROCESS_CASES])
def test_usage_error_in_a_real_process(prog, argv, tmp_path):
    before = _listing(tmp_path) if _make_inputs(tmp_path) else set()
    env = {k: v for k, v in os.environ.items() if k != "SCALING_TOOLKIT_DEBUG"}
    env["PYTHONPATH"] = str(REPO)
    proc = subprocess.run([sys.executable, "-m", prog, *argv], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-500:])
    lines = proc.stderr.strip("\n").split("\n")
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stdout == ""
    assert _listing(tmp_path) == before


# ------------------------------------------------------------------ regressions found by this suite
def test_regression_sweep_usage_error_leaves_no_cache_dir(tmp_path, monkeypatch, capsys):
    """A configuration refused by the task used to leave an empty .sweep-cache/ behind."""
    monkeypatch.chdir(tmp_path)
    assert verify_main(["sweep", "--b", "1", "--cache", "c"]) == 2
    assert "`b` must be > 1" in capsys.readouterr().err
    assert not (tmp_path / "c").exists()
    (tmp_path / "kept").mkdir()  # an existing cache directory is the user's: kept
    assert verify_main(["sweep", "--b", "1", "--cache", "kept"]) == 2
    assert (tmp_path / "kept").is_dir()


def test_regression_exponents_model_is_validated_without_d(capsys):
    """`asymptotics exponents --model spline` used to exit 0, ignoring the bad model."""
    assert asymptotics_main(["exponents", "--model", "spline"]) == 2
    assert "`model` must be one of" in capsys.readouterr().err
