"""Tests of ``python -m verify simulate`` (verify/commands/simulate.py)."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from asymptotics.model import PowerLawSpectrum, Target
from verify.__main__ import main
from verify.simulator.simulate import simulate_sweep


def test_json_output_equals_the_library_call(capsys):
    argv = ["simulate", "--S", "64", "--b", "2", "--a", "1.5", "--D", "8,16", "--P", "12",
            "--noise", "0.1", "--seeds", "3", "--seed", "4", "--json"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    ref = simulate_sweep(PowerLawSpectrum(2.0, size=64), Target.power_law(1.5), D=[8, 16],
                         P=12, noise=0.1, seeds=3, seed=4)
    assert out["grid"] == [8, 16] and out["P"] == 12 and out["seed"] == 4
    np.testing.assert_array_equal(np.array(out["losses"]), ref.losses)
    assert out["flags"] == [False, False]
    # |D - P| = 4: no finite fourth moment, so no Edgeworth rate; both quote the median
    assert out["heavy_tail"] == [True, True] and out["tail_rate"] == [None, None]


def test_text_output_lists_every_grid_point(capsys):
    assert main(["simulate", "--S", "64", "--D", "8,16,32", "--kernel", "--seeds", "2"]) == 0
    out = capsys.readouterr().out
    assert "P = S (kernel limit)" in out
    rows = [ln.split() for ln in out.splitlines() if not ln.startswith("#")][1:]
    assert [int(r[0]) for r in rows] == [8, 16, 32]
    assert all(float(r[1]) > 0 and float(r[2]) > 0 for r in rows)


def test_peak_flag_is_printed(capsys):
    assert main(["simulate", "--S", "64", "--D", "20", "--P", "10,20", "--seeds", "2"]) == 0
    assert "mean loss is infinite" in capsys.readouterr().out


@pytest.mark.parametrize("argv,match", [
    (["--D", "8,16", "--P", "3,4"], "only one of --D and --P may be a list"),
    (["--D", "8,16"], "give --P"),
    (["--D", "8,16", "--P", "4", "--kernel"], "--kernel and --P are exclusive"),
    (["--D", "8,16", "--P", "100"], r"`P` must be <= S = 64"),
    (["--D", "8,16", "--P", "4", "--ridge", "-1"], r"`ridge` must be >= 0"),
    (["--D", "8,x", "--P", "4"], "is not an integer"),
])
def test_usage_errors_exit_2_with_one_line(argv, match, capsys):
    assert main(["simulate", "--S", "64", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert re.search(match, err), err


@pytest.mark.parametrize("route", ["dual", "per_point"])
def test_p_route_option_reaches_the_library(capsys, route):
    argv = ["simulate", "--S", "64", "--D", "8", "--P", "9,16,40", "--noise", "0.1",
            "--seeds", "2", "--p-route", route, "--json"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    ref = simulate_sweep(PowerLawSpectrum(2.0, size=64), Target.isotropic(), D=8,
                         P=[9, 16, 40], noise=0.1, seeds=2, p_route=route)
    assert out["config"]["p_route"] == route
    np.testing.assert_array_equal(np.array(out["losses"]), ref.losses)
