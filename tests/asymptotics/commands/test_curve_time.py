"""``python -m asymptotics curve --t``: the loss along gradient-descent time from the CLI."""

from __future__ import annotations

import json
import math

import mpmath
import pytest

from asymptotics.__main__ import main
from asymptotics.dynamics import training_curve
from asymptotics.dynamics.finite_data import finite_data_curve
from asymptotics.model import PowerLawSpectrum, Target


def test_table_matches_the_library(capsys):
    assert main(["curve", "--b", "2", "--a", "2.5", "--t", "0,10,1000,inf", "--P", "100",
                 "--student", "top", "--eta", "0.5", "--dps", "18"]) == 0
    out = capsys.readouterr().out
    ref = training_curve([0, 10, 1000, math.inf], PowerLawSpectrum(2.0), Target.power_law(2.5),
                         P=100, eta=0.5, dps=18)
    assert "top-P student" in out and "eta = 0.5" in out
    for v in ref.loss:
        assert mpmath.nstr(v, 18) in out


def test_json_flow(capsys):
    assert main(["curve", "--t", "0,5", "--method", "flow", "--dps", "12", "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["method"] == "flow" and rec["certified_digits"] == [12, 12]
    ref = training_curve([0, 5], PowerLawSpectrum(2.0), Target.isotropic(1.0), method="flow",
                         dps=12)
    assert rec["loss_float"] == pytest.approx(list(ref.loss_float), rel=1e-15)


def test_finite_d_matches_the_library(capsys):
    argv = ["curve", "--b", "2", "--size", "200", "--t", "0,10,100,inf", "--D", "50",
            "--noise", "0.1", "--eta", "0.5"]
    assert main([*argv, "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    ref = finite_data_curve([0, 10, 100, math.inf], PowerLawSpectrum(2.0, size=200),
                            Target.isotropic(1.0), D=50, eta=0.5, noise=0.1)
    assert rec["loss"] == pytest.approx(list(ref.loss), rel=1e-15) and rec["D"] == 50
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "D = 50, P = inf (kernel limit), noise = 0.1" in out and len(out.splitlines()) == 6


@pytest.mark.parametrize(("argv", "message"), [
    (["--t", "1", "--D", "100"], "needs a finite spectrum"),
    (["--t", "1", "--D", "100,200", "--size", "50"], "takes one --D value"),
    (["--t", "1", "--D", "100", "--P", "20", "--size", "50"], "kernel limit"),
    (["--t", "1", "--D", "100", "--size", "50", "--ridge", "0.1"], "drop --ridge"),
    (["--t", "1", "--P", "10,20", "--student", "top"], "one --P value"),
    (["--t", "1", "--noise", "0.1"], "drop --ridge/--noise"),
    (["--t", "1", "--eta", "3"], "`eta` must be < 2 / lambda_max = 2"),
    (["--t", "1.5"], r"`t\[0\]` must be a whole number"),
    ([], "--D is required"),
])
def test_refusals(capsys, argv, message):
    assert main(["curve", *argv]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert pytest.importorskip("re").search(message, err)
