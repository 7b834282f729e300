"""`python -m asymptotics exponents` refuses, in seconds and on one line, what would run for minutes.

Each command line runs in a subprocess (timeout 20 s); a refusal exits 2 with one line on stderr
that names the parameter. The costs behind the bounds were measured: sympy.solve of the torus
radius took 2 s at d = 400, evaluated Gamma(d/2 + 1) 51 s at d = 3e4, gammasimp of the sphere
multiplicity 48 s at d = 100, the arc-cosine kernel of degree 6 more than 60 s.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

REFUSED = [
    (["--d", "5e-324"], "d"),
    (["--d", "inf"], "d"),
    (["--d", "nan"], "d"),
    (["--d", "-3"], "d"),
    (["--d", "1.5"], "d"),
    (["--kernel", "matern", "--d", "2", "--nu", "1e20"], "b"),  # alpha_K = 1e20: rf refuses b
    (["--kernel", "matern", "--d", "2", "--nu", "inf"], "nu"),
    (["--kernel", "matern", "--d", "2", "--nu", "nan"], "nu"),
    (["--kernel", "matern", "--d", "2", "--nu", "-1"], "nu"),
    (["--kernel", "matern", "--d", "2", "--nu", "0"], "nu"),
    (["--kernel", "arccos", "--d", "2", "--degree", "6"], "degree"),
    (["--kernel", "arccos", "--d", "2", "--degree", "1e300"], "degree"),
    (["--kernel", "arccos", "--d", "2", "--degree", "-1"], "degree"),
    (["--kernel", "arccos", "--d", "2", "--degree", "nan"], "degree"),
    (["--alpha-K", "inf"], "alpha_K"),
    (["--alpha-K", "nan"], "alpha_K"),
    (["--alpha-K", "-1"], "alpha_K"),
    (["--loss", "exp((f-y)**2) - 1", "--d", "2"], "loss"),  # wall-clock bound, 5 s
    (["--loss", "f**f"], "loss"),
    (["--loss", "(f-y)**65"], "loss"),
]

ANSWERED = [
    ["--d", "100000"],
    ["--d", "1e9"],
    ["--kernel", "gaussian", "--d", "100000"],
    ["--kernel", "arccos", "--d", "2", "--degree", "5"],
    ["--loss", "abs(f - y)**3", "--d", "3"],
]


def _run(args):
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "asymptotics", "exponents", *args],
                          capture_output=True, text=True, timeout=20)
    return proc, time.monotonic() - start


@pytest.mark.parametrize(("args", "parameter"), REFUSED, ids=[" ".join(a) for a, _ in REFUSED])
def test_refused_in_seconds_on_one_line(args, parameter):
    proc, seconds = _run(args)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert f"`{parameter}`" in lines[0]
    assert "Traceback" not in proc.stderr
    assert seconds < 15


@pytest.mark.parametrize("args", ANSWERED, ids=[" ".join(a) for a in ANSWERED])
def test_extreme_but_cheap_requests_answer_in_seconds(args):
    proc, seconds = _run(args)
    assert proc.returncode == 0, proc.stderr
    assert "alpha_D" in proc.stdout
    assert seconds < 15


def test_the_degree_bound_holds_in_the_library_too():
    from asymptotics._lib.budget import BudgetExceeded
    from asymptotics.kernel_spectra import kernel_decay

    with pytest.raises(BudgetExceeded, match="`degree` = 6"):
        kernel_decay("arccos", 2, degree=6)
    assert kernel_decay("arccos", 3, degree=5).exponent == pytest.approx(11 / 3)
