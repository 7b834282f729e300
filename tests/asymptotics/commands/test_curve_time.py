"""``python -m asymptotics curve --t``: the loss along gradient-descent time from the CLI."""

from __future__ import annotations

import json
import math

import mpmath
import pytest

from asymptotics.__main__ import main
from asymptotics.dynamics import training_curve
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


@pytest.mark.parametrize(("argv", "message"), [
    (["--t", "1", "--D", "100"], "finite-D time axis is not derived"),
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
