"""``python -m asymptotics exponents``: output formats and one-line usage errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from asymptotics.__main__ import main


def _json(capsys, *args):
    assert main(["exponents", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_every_regime(capsys):
    data = _json(capsys, "--alpha-K", "1", "--d", "4")
    by = {(r["quantity"], r["regime"], r["context"].split(",")[0]): r for r in data["derivations"]}
    assert by[("alpha_D", "variance-limited (data)", "loss squared")]["value"] == 1
    assert by[("alpha_W", "variance-limited (width)", "loss squared")]["value"] == 1
    generic = "piecewise_linear model"
    assert by[("alpha_D", "resolution-limited (data)", generic)]["exponent"] == "1"  # 4/d
    rf = {(r["quantity"], r["regime"]): r for r in data["derivations"]
          if r["context"].startswith("linear RF")}
    assert rf[("alpha_D", "resolution-limited (data)")]["value"] == 1  # alpha_K
    assert rf[("alpha_P", "resolution-limited (parameters)")]["prefactor"] == "pi**2/4"
    assert data["notes"]["duality_holds"] is True


def test_kernel_sets_spectrum_and_duality_breaks(capsys):
    data = _json(capsys, "--kernel", "matern", "--nu", "1.5", "--d", "1", "--a", "5")
    spec = data["derivations"][0]
    assert spec["quantity"] == "alpha_K" and spec["exponent"] == "3"  # 2 nu / d
    rf = {r["quantity"]: r for r in data["derivations"] if r["context"].startswith("linear RF")
          and r["regime"].startswith("resolution")}
    assert rf["alpha_D"]["value"] == 4 and rf["alpha_P"]["value"] == 4  # b = 4: a - 1 = 4 <= b
    data = _json(capsys, "--b", "2", "--a", "6")
    assert data["notes"]["duality_holds"] is False


def test_gaussian_kernel_and_nonsmooth_loss(capsys):
    data = _json(capsys, "--kernel", "gaussian", "--d", "2", "--loss", "absolute",
                 "--model", "lipschitz")
    assert data["derivations"][0]["value"] == "inf"
    assert "super-polynomial" in data["notes"]["random_features"]
    variance = [r for r in data["derivations"] if r["regime"].startswith("variance")]
    assert all(not r["holds"] and r["exponent"] == "1/2" for r in variance)
    res = [r for r in data["derivations"] if r["regime"].startswith("resolution")]
    assert {r["exponent"] for r in res} == {"1/2"}  # 1/d with d = 2


def test_text_and_latex(capsys):
    assert main(["exponents", "--b", "2", "--d", "3"]) == 0
    out = capsys.readouterr().out
    assert "alpha_D" in out and "source:" in out and "duality_holds: True" in out
    assert main(["exponents", "--b", "2", "--latex"]) == 0
    tex = capsys.readouterr().out
    assert tex.count(r"\toprule") == 1 and tex.count(r"\bottomrule") == 1
    rows = [line for line in tex.splitlines() if line.endswith("\\\\") and
            ("loss squared" in line or "linear RF" in line)]
    assert len(rows) == 6  # 2 variance + 4 random-feature rows


@pytest.mark.parametrize(("args", "message"), [
    (["--d", "0"], r"`d` must be a positive integer; got 0"),
    (["--d", "2.5"], r"`d` must be an integer; got 2.5"),
    (["--b", "1"], r"`b` must be > 1 \(a spectrum .*summable.*\); got 1.0"),
    (["--b", "abc"], r"`b` must be a real number; got 'abc'"),
    (["--alpha-K", "0"], r"`alpha_K` must be > 0; got 0.0"),
    (["--b", "2", "--a", "1"], r"`a` must be > 1 .*got 1.0"),
    (["--a", "2"], r"`a` needs a spectrum exponent"),
    (["--loss", "hinge"], r"`loss` must be one of .*got 'hinge'"),
    (["--kernel", "rbf", "--d", "2"], r"`kernel` must be one of .*got 'rbf'"),
    (["--kernel", "laplace"], r"`d` must be given with `kernel`"),
    (["--d", "2", "--model", "spline"], r"`model` must be one of .*got 'spline'"),
])
def test_bad_input_is_one_line_exit_2(capsys, args, message):
    assert main(["exponents", *args]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert __import__("re").search(message, err), err


def test_subprocess_entry_point():
    proc = subprocess.run([sys.executable, "-m", "asymptotics", "exponents", "--alpha-K", "0.5",
                           "--d", "3", "--kernel", "relu_ntk"], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "alpha_K" in proc.stdout and "Traceback" not in proc.stderr
