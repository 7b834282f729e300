"""Extreme options of ``python -m verify simulate`` and ``sweep`` are refused in seconds.

Each command line runs in a subprocess (timeout 20 s) and must exit 2 with exactly one line on
stderr that names the parameter, well before the timeout: huge sizes are refused by the cost
estimate (``SimulationConfig.cost``, ``asymptotics._lib.budget``) before anything of their size
is allocated; 0, negative, 5e-324, inf and NaN by validation. The library-level tests below
check the same refusals with ``pytest.raises(match=...)``, that ``force`` goes past them, and
that the memory model bounds the measured peak.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import tracemalloc

import numpy as np
import pytest

from asymptotics._lib.budget import BudgetExceeded
from asymptotics.model import ArraySpectrum, PowerLawSpectrum, Target
from verify.simulator import simulate as sim
from verify.simulator.simulate import SimulationConfig, run_simulation, simulate_sweep

ENV = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
       "MKL_NUM_THREADS": "1"}
SECONDS = 10.0  # "in seconds": the refusals themselves take ~0.1 s; the rest is imports
SIM = ["simulate", "--S", "64", "--D", "8,16", "--P", "4"]
SWEEP = ["sweep", "--S", "64", "--D", "8,12", "--P", "4", "--seeds", "2"]


def _with(base: list[str], option: str, value: str) -> list[str]:
    argv = list(base)
    if option in argv:
        i = argv.index(option)
        del argv[i:i + 2]
    return [*argv, option, value]


SIMULATE_CASES = [
    # the issue's own: 2e7 x 8 design, 8 seeds (ran past 60 s)
    (["simulate", "--S", "64", "--D", "20000000", "--P", "8"], r"`D` = 20000000: .* memory"),
    (_with(SIM, "--S", "1000000000000"), r"`S` = 1000000000000: .* memory"),
    (["simulate", "--S", "1000000", "--D", "8,16", "--kernel"], r"`S` = 1000000: .* memory"),
    (["simulate", "--S", "20000", "--D", "16", "--P", "32,20000"], r"`P` = 20000: .* memory"),
    (_with(SIM, "--seeds", "1000000000000"), r"`seeds` = 1000000000000: .* memory"),
    (_with(SIM, "--D", "8," + "9" * 41), r"`D` = ~10\^41: .* memory"),
    (_with(SIM, "--S", "0"), r"`S` must be a positive integer; got 0"),
    (_with(SIM, "--S", "-3"), r"`S` must be a positive integer; got -3"),
    (_with(SIM, "--S", "5e-324"), r"argument --S: invalid int value"),
    (_with(SIM, "--b", "0"), r"`b` must be > 1; got 0.0"),
    (_with(SIM, "--b", "5e-324"), r"`b` must be > 1; got 5e-324"),
    (_with(SIM, "--b", "inf"), r"`b` must be finite"),
    (_with(SIM, "--b", "nan"), r"`b` must be a real number, not NaN"),
    (_with(SIM, "--b", "1e308"), r"`b` = 1e\+308 is too large for S = 64"),
    (_with(SIM, "--a", "-3"), r"`a` must be > 1"),
    (_with(SIM, "--a", "nan"), r"`a` must be a real number, not NaN"),
    (_with(SIM, "--D", "0,8"), r"`D\[0\]` must be a positive integer; got 0"),
    (_with(SIM, "--P", "-3"), r"`P` must be a positive integer; got -3"),
    (_with(SIM, "--P", "1000000000000"), r"`P` must be <= S = 64"),
    (_with(SIM, "--ridge", "-3"), r"`ridge` must be >= 0"),
    (_with(SIM, "--ridge", "1e308"), r"`ridge` must be <= 1e\+100"),
    (_with(SIM, "--ridge", "inf"), r"`ridge` must be finite"),
    (_with(SIM, "--noise", "nan"), r"`noise` must be a real number, not NaN"),
    (_with(SIM, "--noise", "1e308"), r"`noise` must be <= 1e\+100"),
    (_with(SIM, "--seeds", "0"), r"`seeds` must be a positive integer; got 0"),
    (_with(SIM, "--seed", "-3"), r"`seed` must be an integer >= 0; got -3"),
    (_with(SIM, "--seed", "inf"), r"argument --seed: invalid int value"),
    (_with(SIM, "--chunk-size", "0"), r"`chunk_size` must be a positive integer; got 0"),
]

SWEEP_CASES = [
    (_with(SWEEP, "--S", "1000000000000"), r"configuration 0: `S` = 1000000000000: .* memory"),
    (_with(SWEEP, "--seeds", "1000000000000"), r"`seeds` = 1000000000000: .* memory"),
    (["sweep", "--S", "64", "--D", "20000000", "--P", "8"], r"`D` = 20000000: .* memory"),
    (_with(SWEEP, "--workers", "1000000000000"), r"`--workers` = 1000000000000: .* memory"),
    (["sweep", "--task", "lstsq", "--set", "n=1000000000000", "--set", "m=10"],
     r"`n` = 1000000000000: .* memory"),
    (_with(SWEEP, "--S", "0"), r"`S` must be a positive integer; got 0"),
    (_with(SWEEP, "--b", "5e-324"), r"`b` must be > 1; got 5e-324"),
    (_with(SWEEP, "--b", "inf"), r"`configs\[0\]\['b'\]` must be a finite number"),
    (_with(SWEEP, "--ridge", "1e308"), r"`ridge` must be <= 1e\+100"),
    (_with(SWEEP, "--noise", "nan"), r"argument --noise: NaN is not allowed"),
    (_with(SWEEP, "--P", "-3"), r"`P` must be a positive integer; got -3"),
    (_with(SWEEP, "--workers", "0"), r"`--workers` must be a positive integer; got 0"),
    (_with(SWEEP, "--chunksize", "-3"), r"`--chunksize` must be a positive integer; got -3"),
    (_with(SWEEP, "--seed", "-3"), r"`--seed` must be an integer >= 0; got -3"),
    (_with(SWEEP, "--seeds", "5e-324"), r"argument --seeds: invalid int value"),
]


def _run(argv: list[str]) -> tuple[int, str, float]:
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "verify", *argv], env=ENV, capture_output=True,
                          text=True, timeout=20, check=False)
    return proc.returncode, proc.stderr, time.monotonic() - start


@pytest.mark.parametrize(("argv", "message"), SIMULATE_CASES + SWEEP_CASES,
                         ids=[" ".join(a[:1] + a[-2:]) for a, _ in SIMULATE_CASES + SWEEP_CASES])
def test_command_refuses_in_one_line_within_seconds(argv, message, tmp_path):
    if argv[0] == "sweep":
        argv = [*argv, "--cache", str(tmp_path / "cache")]
    code, err, elapsed = _run(argv)
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert re.search(message, err), err
    assert elapsed < SECONDS, elapsed
    if argv[0] == "sweep":  # refused before the sweep: no cache directory left behind
        assert not (tmp_path / "cache").exists()


# ---------------------------------------------------------------- the library
SPEC = PowerLawSpectrum(2.0, size=64)


@pytest.mark.parametrize(("kw", "match"), [
    (dict(spectrum=SPEC, D=20000000, P=[8]), r"^`D` = 20000000: the request needs an "
                                              r"estimated 7\.15 GiB of memory, over the bound"),
    (dict(spectrum=PowerLawSpectrum(2.0, size=10**12), D=[8, 16], P=None),
     r"^`S` = 1000000000000: .* of memory"),
    (dict(spectrum=SPEC, D=[8, 16], P=4, seeds=10**12), r"^`seeds` = 1000000000000: "),
    (dict(spectrum=PowerLawSpectrum(2.0, size=20000), D=16, P=[32, 20000]), r"^`P` = 20000: "),
    (dict(spectrum=SPEC, D=[8, 10**5000], P=4), r"^`D` = ~10\^5000: "),
    # time, not memory: a 3000-point D sweep of ~20000 x 64 blocks with ridge, 1000 seeds (one
    # SVD per point: P^2 and P^3 terms, so halving P saves more than halving the seeds)
    (dict(spectrum=SPEC, D=list(range(19001, 22001)), P=64, ridge=1e-3, seeds=1000),
     r"^`P` = 64: the request needs an estimated .* of time, over the bound of 600 s"),
])
def test_simulate_sweep_refuses_before_any_work(kw, match):
    spectrum = kw.pop("spectrum")
    with pytest.raises(BudgetExceeded, match=match):
        simulate_sweep(spectrum, Target.isotropic(), **kw)


def test_d_times_p_memory_estimate_by_hand():
    # 8 seeds of a 2e7 x 8 design with a projection of S = 64, one seed per chunk (a seed is
    # over CHUNK_BUDGET): 6 D x P, 4 P x P and 3 P x S arrays of 8 bytes, plus the tabulated
    # model (4 x 64 doubles) and 4 result arrays of 8 seeds x 1 point
    cfg = SimulationConfig(SPEC, Target.isotropic(), D=20000000, P=[8])
    nbytes, _ = cfg.cost()
    assert cfg.chunk == 1
    assert nbytes == 8 * (6 * 20000000 * 8 + 4 * 8 * 8 + 3 * 8 * 64) + 32 * 64 + 32 * 8


def test_force_goes_past_the_bound_and_changes_no_number(monkeypatch):
    kw = dict(D=[8, 16, 32], P=12, noise=0.1, seeds=3, seed=5)
    reference = simulate_sweep(SPEC, Target.power_law(1.5), **kw)
    monkeypatch.setattr(sim, "MEMORY_BOUND", 1024)  # far below this request's ~0.1 MiB
    with pytest.raises(BudgetExceeded, match=r"over the bound of 1 KiB; lower it, or pass "
                                             r"force=True \(command line: --force\)$"):
        simulate_sweep(SPEC, Target.power_law(1.5), **kw)
    forced = simulate_sweep(SPEC, Target.power_law(1.5), force=True, **kw)
    assert np.array_equal(forced.losses, reference.losses)
    config = SimulationConfig(SPEC, Target.power_law(1.5), **kw)
    config.check_budget(force=True)
    with pytest.raises(BudgetExceeded):
        run_simulation(config)


def test_refused_before_the_model_is_tabulated(monkeypatch):
    # S = 10^12 would need 8 TB to tabulate lambda_i: the refusal must come first
    def boom(*args, **kwargs):
        raise AssertionError("make_design ran before the budget check")

    monkeypatch.setattr(sim, "make_design", boom)
    with pytest.raises(BudgetExceeded, match=r"^`S` = 1000000000000"):
        simulate_sweep(PowerLawSpectrum(2.0, size=10**12), Target.isotropic(), D=[8, 16], P=4,
                       student="top")


@pytest.mark.parametrize("kw", [
    dict(D=[16, 64, 256], P=48, student="projection"),
    dict(D=[16, 64, 256], P=None),
    dict(D=24, P=[8, 24, 40, 64], student="projection", ridge=1e-3),
    dict(D=24, P=[8, 40, 64], student="projection", p_route="per_point"),
    dict(D=300, P=[8, 40, 64], student="top"),
])
def test_memory_model_bounds_the_measured_peak(kw):
    # tracemalloc sees numpy's buffers; the model counts one chunk's working arrays, the
    # tabulated model and the results, and must not be exceeded (it is an upper bound)
    spec = PowerLawSpectrum(1.7, size=256)
    config = SimulationConfig(spec, Target.isotropic(), seeds=6, noise=0.1, **kw)
    tracemalloc.start()
    run_simulation(config)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak <= config.cost()[0], (peak, config.cost()[0])


def test_the_driving_parameter_is_named():
    def driver(**kw):
        spec = kw.pop("spectrum", SPEC)
        return SimulationConfig(spec, Target.isotropic(), **kw)._driver(0)

    assert driver(D=[8, 4 * 10**7], P=8) == ("D", 4 * 10**7)
    assert driver(D=10**7, P=[2, 8]) == ("D", 10**7)
    assert driver(D=8, P=[8, 20000], spectrum=PowerLawSpectrum(2.0, size=20000)) == ("P", 20000)
    assert driver(D=[8, 16], P=4, seeds=10**9) == ("seeds", 10**9)
    assert driver(D=[8, 16], P=None, spectrum=PowerLawSpectrum(2.0, size=10**9)) == ("S", 10**9)


@pytest.mark.parametrize(("kw", "match"), [
    (dict(ridge=1e101), r"`ridge` must be <= 1e\+100; got 1e\+101"),
    (dict(noise=float("inf")), r"`noise` must be finite"),
    (dict(seed=-1), r"`seed` must be an integer >= 0; got -1"),
    (dict(p_route="fast"), r"`p_route` must be one of \['auto', 'dual', 'per_point'\]"),
])
def test_config_validation(kw, match):
    with pytest.raises(ValueError, match=match):
        SimulationConfig(SPEC, Target.isotropic(), D=[8, 16], P=4, **kw)


def test_underflowing_spectrum_is_refused_naming_b():
    with pytest.raises(ValueError, match=r"`b` = 1e\+308 is too large for S = 64"):
        SimulationConfig(PowerLawSpectrum(1e308, size=64), Target.isotropic(), D=[8], P=4)
    # an array spectrum is validated positive by asymptotics.model itself
    with pytest.raises(ValueError, match=r"must be positive"):
        ArraySpectrum([1.0, 0.0])

