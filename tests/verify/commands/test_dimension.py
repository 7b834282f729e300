"""``python -m verify dimension``: output, JSON, and one-line exit-2 errors on bad input."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pytest

from verify.commands.dimension import read_points
from verify.manifolds.sampling import sample_manifold


def _subprocess(*args: str) -> subprocess.CompletedProcess:
    """End to end, through ``python -m verify`` (used sparingly: each start costs ~1 s)."""
    return subprocess.run([sys.executable, "-m", "verify", "dimension", *args],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def _run(capsys):
    """In-process ``verify.__main__.main``: same framework, exit status and streams."""
    from verify.__main__ import main

    def run(*args: str) -> subprocess.CompletedProcess:
        rc = main(["dimension", *args])
        out = capsys.readouterr()
        return subprocess.CompletedProcess(args, rc, out.out, out.err)
    return run


@pytest.fixture(scope="module")
def npy_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("dim") / "pts.npy"
    np.save(path, sample_manifold(600, 3, embedding="torus", seed=0).X)
    return path


def test_text_output_has_estimate_scan_and_predictions(npy_file):
    proc = _subprocess(str(npy_file), "--k", "1,4", "--bootstrap", "20")
    assert proc.returncode == 0, proc.stderr
    assert "intrinsic dimension (twonn): d = " in proc.stdout
    assert "scan: k (decimation) -> d" in proc.stdout
    assert "piecewise_linear     c = 4" in proc.stdout


def test_json_matches_library(npy_file, _run):
    from verify.dimension.estimate import estimate_dimension
    proc = _run(str(npy_file), "--json", "--estimator", "mle", "--k", "3,6", "--bootstrap", "20",
                "--seed", "5")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    est = estimate_dimension(np.load(npy_file), estimator="mle", k=(3, 6), bootstrap=20, seed=5)
    assert data["estimate"]["d"] == pytest.approx(est.d, rel=1e-12)
    assert data["estimate"]["ci"] == pytest.approx(list(est.ci), rel=1e-12)
    assert {p["model"] for p in data["predictions"]} == {"lipschitz", "piecewise_constant",
                                                        "piecewise_linear"}


def test_csv_with_header_equals_npy(tmp_path):
    X = sample_manifold(80, 2, seed=1).X
    path = tmp_path / "pts.csv"
    np.savetxt(path, X, delimiter=",", header="x0,x1,x2,x3", comments="", fmt="%.17g")
    np.testing.assert_array_equal(read_points(str(path)), X)


@pytest.mark.parametrize(("content", "suffix", "message"), [
    ("", ".csv", "is empty"),
    ("1,2\n3,x\n", ".csv", "malformed CSV .*line 2: 'x' is not a number"),
    ("1,2\n3,4,5\n", ".csv", "line 2 has 3 columns, expected 2"),
    ("a,b\n", ".csv", "contains no data rows"),
    ("1,2\nnan,3\n4,5\n", ".csv", r"`X` must contain only finite numbers; entry \(1, 0\)"),
    ("1,2\n3,4\n", ".txt", "must end in .npy or .csv"),
    ("not numpy", ".npy", "not a readable .npy array"),
])
def test_bad_files_exit_2_with_one_line(tmp_path, _run, content, suffix, message):
    path = tmp_path / f"bad{suffix}"
    path.write_text(content)
    proc = _run(str(path))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert re.search(message, proc.stderr), proc.stderr


@pytest.mark.parametrize(("array", "message"), [
    (np.arange(10.0), r"`X` must be a 2-dimensional array; got shape \(10,\)"),
    (np.zeros((3, 2)), "at least 48 distinct points"),
])
def test_bad_arrays_exit_2(tmp_path, _run, array, message):
    path = tmp_path / "a.npy"
    np.save(path, array)
    proc = _run(str(path))
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
    assert re.search(message, proc.stderr), proc.stderr


@pytest.mark.parametrize(("args", "message"), [
    ((), "give exactly one of FILE or --digits"),
    (("x.npy", "--digits"), "give exactly one of FILE or --digits"),
    (("x.npy", "--k", "3"), "--k must be LO,HI"),
    (("x.npy", "--k", "a,b"), "is not an integer"),
    (("missing.npy",), "No such file"),
    (("x.npy", "--estimator", "pca"), "invalid choice"),
])
def test_usage_errors_exit_2(_run, args, message):
    proc = _run(*args)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1
    assert message in proc.stderr, proc.stderr


def test_usage_error_end_to_end_is_one_line_without_traceback(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("1,2\n3,x\n")
    proc = _subprocess(str(path))
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"verify: error: malformed CSV {path}: line 2: 'x' is not a number"


def test_too_few_points_for_the_scan_names_k_1_1(tmp_path, _run):
    # item 6 of issue 17: 20 distinct points are too few for the default 16-fold scan
    # (48 needed); the one-line refusal says that --k 1,1 skips it, and --k 1,1 runs
    path = tmp_path / "few.npy"
    np.save(path, np.random.default_rng(0).random((20, 3)))
    proc = _run(str(path))
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
    assert "at least 48 distinct points" in proc.stderr and "--k 1,1" in proc.stderr
    assert _run(str(path), "--k", "1,1", "--bootstrap", "10").returncode == 0


def test_json_carries_the_near_duplicate_warning(tmp_path, _run):
    # item 4 of issue 17: copies perturbed by 1e-12 are reported in --json's warnings
    X = sample_manifold(300, 2, embedding="torus", seed=1).X
    path = tmp_path / "dups.npy"
    np.save(path, np.vstack([X, X[:60] + 1e-12]))
    proc = _run(str(path), "--json", "--k", "1,1", "--bootstrap", "10")
    assert proc.returncode == 0, proc.stderr
    warnings = json.loads(proc.stdout)["estimate"]["warnings"]
    assert any("nearest neighbour closer" in w for w in warnings), warnings
