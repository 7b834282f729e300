"""``python -m asymptotics exponents --t``: time and compute exponents; exact decimal input."""

from __future__ import annotations

import json

import pytest

from asymptotics.__main__ import main
from asymptotics.dynamics.laws import compute_optimal, time_exponent


def test_time_rows_in_text_and_json(capsys):
    assert main(["exponents", "--b", "1.5", "--a", "4", "--t"]) == 0
    out = capsys.readouterr().out
    assert "alpha_t" in out and "resolution-limited (time)" in out
    assert "compute-optimal (ensemble): P* ~ C^2/5, t* ~ C^3/5, L* ~ C^-6/5" in out
    assert main(["exponents", "--b", "1.5", "--a", "4", "--t", "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    rows = {(r["quantity"], r["context"].split(", ")[-1]): r for r in rec["derivations"]}
    assert rows[("alpha_t", "a=4")]["exponent"] == str(time_exponent(1.5, 4).exponent) == "2"
    ys = {c["student"]: c["y"] for c in rec["notes"]["compute_optimal"]}
    assert ys == {s: str(compute_optimal(1.5, 4, student=s).y)
                  for s in ("top", "projection", "ensemble")}
    assert rec["scenario"]["b"] == 1.5


def test_latex_has_the_time_rows(capsys):
    assert main(["exponents", "--b", "2", "--t", "--latex"]) == 0
    out = capsys.readouterr().out
    assert r"\alpha_{t}" in out and "y_{C}" in out and r"\end{tabular}" in out


def test_without_t_no_time_rows(capsys):
    assert main(["exponents", "--b", "2", "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert "compute_optimal" not in rec["notes"]
    assert all(r["quantity"] != "alpha_t" for r in rec["derivations"])


def test_t_needs_a_spectrum(capsys):
    assert main(["exponents", "--t"]) == 2
    assert "`t` needs a spectrum exponent" in capsys.readouterr().err


@pytest.mark.parametrize("flag", ["--b", "--a", "--alpha-K"])
def test_decimal_exponents_are_read_exactly(capsys, flag):
    # issue 18: 2.0000001 used to be read as the short fraction 2 (float -> 6 digits)
    argv = ["exponents", "--b", "2", flag, "2.0000001"] if flag == "--a" else \
        ["exponents", flag, "2.0000001"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    read = "30000001/10000000" if flag == "--alpha-K" else "20000001/10000000"  # b = 1 + alpha_K
    assert f"got {read}" in err and "denominator <= 10000" in err


def test_decimal_exponents_that_are_exact_pass(capsys):
    assert main(["exponents", "--b", "2.25", "--a", "3.5", "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["scenario"]["b"] == 2.25 and rec["scenario"]["a"] == 3.5
    alpha_P = next(r for r in rec["derivations"] if r["quantity"] == "alpha_P")
    assert alpha_P["exponent"] == "9/4"      # min(a - 1, b) = min(5/2, 9/4)
