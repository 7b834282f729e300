"""``python -m asymptotics curve``: table, JSON and usage errors."""

from __future__ import annotations

import json
import math
import re

import mpmath
import pytest

from asymptotics.__main__ import main
from asymptotics.model import PowerLawSpectrum, Target
from asymptotics.rf.learning_curves import learning_curve


def test_table_shows_loss_asymptote_and_regime(capsys):
    assert main(["curve", "--b", "2", "--D", "10,100", "--dps", "15"]) == 0
    out = capsys.readouterr().out
    assert "kernel limit P = inf" in out and "asymptote (kernel data-limited" in out
    ref = learning_curve([10, 100], math.inf, PowerLawSpectrum(2.0), Target.isotropic(1.0),
                         dps=15)
    assert mpmath.nstr(ref.loss[1], 15) in out


def test_json_matches_the_library(capsys):
    argv = ["curve", "--b", "1.5", "--a", "2.2", "--D", "40,100", "--P", "100,inf",
            "--noise", "0.1", "--dps", "12", "--json"]
    assert main(argv) == 0
    rec = json.loads(capsys.readouterr().out)
    ref = learning_curve([40, 100], [100, math.inf], PowerLawSpectrum(1.5),
                         Target.power_law(2.2), noise=0.1, dps=12)
    assert [p["certified_digits"] for p in rec["points"]] == list(ref.certified_digits)
    assert float(rec["points"][0]["loss"]) == pytest.approx(ref.loss_float[0], rel=1e-11)
    assert rec["points"][1]["P"] == "inf"


def test_peak_prints_inf_with_reason(capsys):
    assert main(["curve", "--D", "50", "--P", "50", "--dps", "10", "--json"]) == 0
    point = json.loads(capsys.readouterr().out)["points"][0]
    assert point["loss"] == "inf" and point["reason"].startswith("interpolation peak")


@pytest.mark.parametrize(("argv", "message"), [
    (["curve", "--D", "10,20", "--P", "1,2,3"], "equal lengths"),
    (["curve", "--D", "10", "--b", "0.5"], "`b` must be > 1"),
    (["curve", "--D", "0.2"], r"`D\[0\]` must be >= 1"),
    (["curve", "--D", "10", "--ridge", "-1"], "`ridge` must be >= 0"),
    (["curve", "--D", "x"], "not a number"),
])
def test_usage_errors_exit_2_on_one_line(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert re.search(message, err)


def test_force_is_accepted_and_changes_nothing_within_the_bound(capsys):
    assert main(["curve", "--D", "10", "--dps", "12", "--json"]) == 0
    plain = json.loads(capsys.readouterr().out)
    assert main(["curve", "--D", "10", "--dps", "12", "--json", "--force"]) == 0
    assert json.loads(capsys.readouterr().out) == plain


def test_asymptote_line_prints_the_decay_exponent(capsys):
    # Asymptote.exponent is the decay exponent (a - 1 = 1 here); the table shows D^(-1)
    assert main(["curve", "--b", "2", "--D", "100", "--dps", "10"]) == 0
    assert "* D^(-1) + 0" in capsys.readouterr().out
