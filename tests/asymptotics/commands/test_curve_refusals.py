"""Extreme requests to the learning-curve and random-feature exponent entry points are
refused in seconds with one line naming the parameter (or computed correctly).

Each command line below once hung past 60 s or printed a traceback (issue 11). The
subprocess tests run the real command line; the library tests check the same rules with
``pytest.raises(match=...)`` and that what is still accepted is computed correctly.
"""

from __future__ import annotations

import math
import subprocess
import sys
import time
from pathlib import Path

import mpmath
import pytest

from asymptotics._lib.budget import BudgetExceeded
from asymptotics.model import PowerLawSpectrum, Target
from asymptotics.rf import learning_curves as lcm
from asymptotics.rf.laws import rf_exponents
from asymptotics.rf.learning_curves import learning_curve, learning_curve_float, solve_kappa

ROOT = Path(__file__).resolve().parents[3]

# (command line, parameter the message must name, a phrase of the rule or estimate)
REFUSED = [
    (["curve", "--D", "100", "--dps", "3000"], "`dps` = 3000", "over the bound of 600 s"),
    (["curve", "--D", "1,1e300"], "`D` = 1e+300", "below 1e-300"),
    (["curve", "--D", "1e308"], "`D` = 1e+308", "below 1e-300"),  # and no overflow warnings
    (["curve", "--D", "100", "--b", "1e15"], "`b` must be <= 100", "1000000000000000.0"),
    (["curve", "--D", "100", "--a", "1e15"], "`a` must be <= 100", "1000000000000000.0"),
    (["curve", "--D", "100", "--P", "100", "--ridge", "5e-324"], "`ridge` must be 0 or >= 1e-40",
     "5e-324"),
    (["exponents", "--b", "1e6"], "`b` = 1000000", "over the bound of 3e+03 digits"),
    (["exponents", "--b", "10000"], "`b` = 10000", "over the bound of 3e+03 digits"),
    (["exponents", "--b", "2", "--a", "100000"], "`a` = 100000", "zeta(99998)"),
]


@pytest.mark.parametrize(("argv", "names", "rule"), REFUSED, ids=[" ".join(r[0]) for r in REFUSED])
def test_command_line_is_refused_in_seconds_on_one_line(argv, names, rule):
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "asymptotics", *argv], cwd=ROOT,
                          capture_output=True, text=True, timeout=20)
    elapsed = time.perf_counter() - t0
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr  # no traceback, no warnings
    assert names in lines[0] and rule in lines[0], lines[0]
    assert proc.stdout == ""
    assert elapsed < 15  # interpreter start and imports included (about 2 s measured)


def test_extreme_but_computable_request_prints_no_warning():
    proc = subprocess.run([sys.executable, "-m", "asymptotics", "curve", "--D", "100", "--P",
                           "1e308", "--dps", "10"], cwd=ROOT, capture_output=True, text=True,
                          timeout=20)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert "P >> D" in proc.stdout


def test_force_runs_past_the_time_bound(monkeypatch):
    spec, tgt = PowerLawSpectrum(2.0), Target.isotropic(1.0)
    ref = learning_curve([100], math.inf, spec, tgt, dps=15)
    monkeypatch.setattr(lcm, "_MP_RATE", 1e-3)  # every request now estimates past the bound
    with pytest.raises(BudgetExceeded, match=r"`dps` = 15: .* over the bound of 600 s; 1 point"):
        learning_curve([100], math.inf, spec, tgt, dps=15)
    with pytest.raises(BudgetExceeded, match=r"`dps` = 15"):
        solve_kappa(100, math.inf, spec, tgt, dps=15)
    forced = learning_curve([100], math.inf, spec, tgt, dps=15, force=True)
    assert forced.loss == ref.loss


def test_library_refusals_name_the_parameter():
    spec, tgt = PowerLawSpectrum(2.0), Target.isotropic(1.0)
    with pytest.raises(BudgetExceeded, match=r"`dps` = 3000: the request needs an estimated"):
        learning_curve([100], math.inf, spec, tgt, dps=3000)
    with pytest.raises(BudgetExceeded, match=r"`dps` = 10000"):
        solve_kappa(100, math.inf, spec, tgt, dps=10_000)
    with pytest.raises(ValueError, match=r"`D` = 1e\+300: .* below 1e-300, .* about 1.57e\+150"):
        learning_curve_float([1, 1e300], math.inf, spec, tgt)
    with pytest.raises(ValueError, match=r"`P` = 1e\+250: .* below 1e-300"):
        learning_curve(math.inf, 1e250, PowerLawSpectrum(3.0), tgt, dps=15)
    with pytest.raises(ValueError, match=r"`D` = 1e\+300"):
        solve_kappa(1e300, math.inf, spec, tgt)
    with pytest.raises(ValueError, match=r"`b` must be <= 100 .*got 1000000000000000.0"):
        learning_curve_float([100], math.inf, PowerLawSpectrum(1e15), tgt)
    with pytest.raises(ValueError, match=r"`a` must be <= 100 .*got 1000.0"):
        learning_curve([100], math.inf, spec, Target.power_law(1000.0), dps=15)
    for call in (lambda r: learning_curve_float([100], [100], spec, tgt, ridge=r),
                 lambda r: learning_curve([100], [100], spec, tgt, ridge=r, dps=15),
                 lambda r: solve_kappa(100, 100, spec, tgt, ridge=r)):
        with pytest.raises(ValueError, match=r"`ridge` must be 0 or >= 1e-40 .*got 5e-324"):
            call(5e-324)
    with pytest.raises(BudgetExceeded, match=r"`b` = 1000000: .*6e\+06 digits of exact"):
        rf_exponents(1e6)
    with pytest.raises(BudgetExceeded, match=r"`b` = 10000: .*alpha_D = min\(a-1, 2b\) = 9999"):
        rf_exponents(10_000)
    with pytest.raises(BudgetExceeded, match=r"`a` = 100000: .*zeta\(99998\)"):
        rf_exponents(2, 100_000)


@pytest.mark.parametrize("D", [1e19, 1e20, 1e50, 1e100, 1e150])
def test_huge_sample_sizes_are_computed_correctly(D):
    # isotropic teacher, b = 2: E(D) = (pi^2/4) D^-1 (1 - b/(2D) + O(D^-2)) (LC.15), (LC.17);
    # past 9.2e18 points an int64 overflow in the kappa bracket used to give E(1e50) =
    # 6.0e-45 (five orders too large) with 30 "certified" digits
    spec, tgt = PowerLawSpectrum(2.0), Target.isotropic(1.0)
    closed = math.pi ** 2 / 4 / D
    assert learning_curve_float([D], math.inf, spec, tgt)[0] == pytest.approx(closed, rel=1e-14)
    lc = learning_curve([D], math.inf, spec, tgt, dps=30)
    assert lc.certified_digits[0] == 30
    with mpmath.workdps(40):
        exact = mpmath.pi ** 2 / 4 / mpmath.mpf(D) * (1 - mpmath.mpf(1) / mpmath.mpf(D))
        assert abs(lc.loss[0] / exact - 1) < mpmath.mpf(10) ** -28


def test_largest_accepted_exponents_still_work():
    assert rf_exponents(1000).alpha_D.exponent == 999  # 3000 digits: at the bound
    lc = learning_curve([2, 10], math.inf, PowerLawSpectrum(100.0), Target.isotropic(1.0),
                        dps=15)
    assert all(d >= 7 for d in lc.certified_digits) and all(v > 0 for v in lc.loss)
