"""Extreme options of ``verify dimension``, ``interpolate`` and ``spectrum`` are answered in seconds.

Every command line below asked for unbounded work (10^6 points, 10^9 resamples, a
dimension of 10^11), a number no float64 kernel survives, or an invalid value. Each runs as
a real process, the way a user meets it, and must exit with status 2 and exactly one line
on stderr that names the parameter at fault, within a few seconds (the cost refusals of
:mod:`asymptotics._lib.budget` run before any work). The library-level refusals are checked
with ``pytest.raises(match=...)`` below, and ``force=True`` is shown to lift them.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from asymptotics._lib.budget import BudgetExceeded
from verify.dimension.estimate import _EstimateConfig, estimate_dimension
from verify.manifolds.interpolation import interpolation_sweep
from verify.manifolds.spectrum import empirical_spectrum

REPO = Path(__file__).resolve().parents[3]
TIMEOUT_S = 20     # the process is killed past this
ANSWER_S = 10.0    # "within a few seconds" (interpreter start and imports included)

HUGE = "100000000000"
# (arguments of `python -m verify`, a regex the one stderr line must match: the parameter)
CASES = [
    (["dimension", "million.npy"], r"`X` = 1000000 points"),
    (["dimension", "points.npy", "--bootstrap", "1000000000"], r"`bootstrap` = 1000000000"),
    (["dimension", "points.npy", "--bootstrap", HUGE], r"`bootstrap`"),
    (["dimension", "points.npy", "--bootstrap", "0"], r"`bootstrap` must be"),
    (["dimension", "points.npy", "--bootstrap", "-1"], r"`bootstrap` must be"),
    (["dimension", "points.npy", "--bootstrap", "5e-324"], r"--bootstrap"),
    (["dimension", "points.npy", "--bootstrap", "inf"], r"--bootstrap"),
    (["dimension", "points.npy", "--confidence", "nan"], r"`confidence`"),
    (["dimension", "points.npy", "--confidence", "inf"], r"`confidence`"),
    (["dimension", "points.npy", "--confidence", "0"], r"`confidence`"),
    (["dimension", "points.npy", "--confidence", "1e308"], r"`confidence`"),
    (["dimension", "points.npy", "--seed", "-1"], r"`seed`"),
    (["dimension", "points.npy", "--seed", "nan"], r"--seed"),
    (["dimension", "points.npy", "--k", f"1,{HUGE}"], r"k_hi"),
    (["dimension", "points.npy", "--k", "0,0"], r"`k\[0\]`"),
    (["dimension", "points.npy", "--estimator", "mle", "--k", f"{HUGE},{HUGE}"], r"`k` = "),
    (["interpolate", "--d", HUGE], r"`d` = "),
    (["interpolate", "--d", "0"], r"`d` must be"),
    (["interpolate", "--d", "inf"], r"--d"),
    (["interpolate", "--seeds", HUGE], r"`seeds` = "),
    (["interpolate", "--seeds", "-1"], r"`seeds` must be"),
    (["interpolate", "--n-test", HUGE], r"`n_test` = "),
    (["interpolate", "--n-test", "5e-324"], r"--n-test"),
    (["interpolate", "--D", f"100,{HUGE}"], r"`D` = "),
    (["interpolate", "--D", "0,1"], r"`D\[0\]`"),
    (["interpolate", "--seed", "-1"], r"`seed`"),
    (["spectrum", "--d", HUGE], r"`d` = "),
    (["spectrum", "--d", "0"], r"`d` must be"),
    (["spectrum", "--d", "30", "--method", "grid", "--n", "10000000"], r"`d` = 30"),
    (["spectrum", "--n", HUGE], r"`n` must be"),
    (["spectrum", "--n", "20000"], r"`n` = 20000"),
    (["spectrum", "--n", "0"], r"`n` must be"),
    (["spectrum", "--kernel", "matern", "--nu", "1e20", "--method", "grid"], r"`nu`=1e\+20"),
    (["spectrum", "--kernel", "matern", "--nu", "5e-324", "--n", "200"], r"`nu`=5e-324"),
    (["spectrum", "--kernel", "matern", "--ell", "5e-324", "--n", "200"], r"`ell`=5e-324"),
    (["spectrum", "--kernel", "matern", "--nu", "nan"], r"`nu`"),
    (["spectrum", "--ell", "inf"], r"`ell`"),
    (["spectrum", "--ell", "-1"], r"`ell`"),
    (["spectrum", "--window", f"1,{HUGE}"], r"`window`"),
    (["spectrum", "--window", "0,10"], r"`window\[0\]`"),
    (["spectrum", "--seed", "-1"], r"`seed`"),
]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    """10^6 uniform points in 3 dimensions and 200 points, as .npy files."""
    where = tmp_path_factory.mktemp("refusals")
    rng = np.random.default_rng(0)
    np.save(where / "million.npy", rng.random((10**6, 3)))
    np.save(where / "points.npy", rng.random((200, 3)))
    return where


def _run(argv: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess | None, float]:
    env = {k: v for k, v in os.environ.items() if k != "SCALING_TOOLKIT_DEBUG"}
    env.update(PYTHONPATH=str(REPO), OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
               MKL_NUM_THREADS="1", MPLBACKEND="Agg")
    start = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, "-m", "verify", *argv], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        return None, time.perf_counter() - start
    return proc, time.perf_counter() - start


@pytest.mark.parametrize(("argv", "names"), CASES, ids=[" ".join(a) for a, _ in CASES])
def test_refused_in_one_line_within_seconds(argv, names, inputs):
    proc, elapsed = _run(argv, inputs)
    command = "python -m verify " + " ".join(argv)
    assert proc is not None, f"{command}: still running after {TIMEOUT_S} s (killed)"
    assert proc.returncode == 2, f"{command}: exit {proc.returncode}; stderr:\n{proc.stderr[-1500:]}"
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, f"{command}: {len(lines)} lines on stderr, want 1:\n{proc.stderr}"
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert re.search(names, lines[0]), f"{command}: the line names no parameter: {lines[0]}"
    assert elapsed < ANSWER_S, f"{command}: answered after {elapsed:.1f} s, want < {ANSWER_S} s"


class TestLibraryRefusals:
    def test_million_points(self):
        X = np.random.default_rng(0).random((10**6, 3))
        start = time.perf_counter()
        with pytest.raises(BudgetExceeded, match=r"`X` = 1000000 points x 3 columns: .* "
                                                 r"s of time, over the bound of 20 s"):
            estimate_dimension(X)
        assert time.perf_counter() - start < 2.0  # refused before any neighbour search

    def test_bootstrap(self):
        X = np.random.default_rng(0).random((200, 3))
        with pytest.raises(BudgetExceeded, match=r"`bootstrap` = 1000000000: .* GiB of memory"):
            estimate_dimension(X, bootstrap=10**9)

    def test_neighbourhood_size(self):
        # the default k = (10, 20) fits 10^5 points; k_hi = 50000 alone does not
        X = np.random.default_rng(0).random((10**5, 3))
        estimate_dimension(X[:2000], estimator="mle")  # the same settings on fewer points run
        with pytest.raises(BudgetExceeded, match=r"`k` = \(2, 50000\) on 100000 points x 3 "
                                                 r"columns: .* GiB of memory"):
            estimate_dimension(X, estimator="mle", k=(2, 50000))

    def test_force_lifts_the_refusal(self):
        cfg = _EstimateConfig.from_args("twonn", None, 200, 0.95, 0, "drop", True)
        cfg.check_cost(10**9, 1000)  # forced: no refusal, whatever the estimate
        with pytest.raises(TypeError, match="`force` must be True or False"):
            estimate_dimension(np.zeros((5, 2)), force="yes")

    def test_estimates_grow_with_the_request(self):
        # the work model is monotone in every size (a refusal never hides behind a bigger one)
        cfg = _EstimateConfig.from_args("mle", (5, 20), 200, 0.95, 0, "drop", False)
        assert cfg.search_ops(2000, 3) < cfg.search_ops(4000, 3) < cfg.search_ops(4000, 6)
        more_k = _EstimateConfig.from_args("mle", (5, 40), 200, 0.95, 0, "drop", False)
        assert cfg.search_ops(4000, 3) < more_k.search_ops(4000, 3)
        assert cfg.bootstrap_ops(100) < cfg.bootstrap_ops(200)

    @pytest.mark.parametrize(("kwargs", "match"), [
        (dict(d=10**11, D=[100, 200]), r"`d` = 100000000000: .* memory"),
        (dict(d=2, D=[100, 200], seeds=10**11), r"`seeds` = 100000000000"),
        (dict(d=2, D=[100, 200], n_test=10**11), r"`n_test` = 100000000000"),
        (dict(d=2, D=[100, 10**11]), r"`D` = \[100, 100000000000\]"),
        (dict(d=4, D=[100, 3 * 10**6], method="linear"), r"`D` = \[100, 3000000\]"),
    ])
    def test_interpolation(self, kwargs, match):
        with pytest.raises(BudgetExceeded, match=match):
            interpolation_sweep(**kwargs)

    @pytest.mark.parametrize(("kwargs", "exc", "match"), [
        (dict(d=10**11, n=2000), BudgetExceeded, r"`d` = 100000000000"),
        (dict(d=2, n=20000), BudgetExceeded, r"`n` = 20000: .* memory"),
        (dict(d=30, n=10**7, method="grid"), BudgetExceeded, r"`d` = 30"),
        (dict(d=40, n=1000, method="grid"), ValueError, r"`n` must be >= 1.5\^d"),
        (dict(d=2, n=300, kernel="matern", nu=1e20), ValueError, r"not finite .* `nu`=1e\+20"),
        (dict(d=2, n=300, kernel="matern", ell=5e-324), ValueError, r"`ell`=5e-324"),
        (dict(d=2, n=300, window=(1, 10**11)), ValueError, r"`window` must satisfy .* 300"),
    ])
    def test_spectrum(self, kwargs, exc, match):
        kwargs = {"kernel": "laplace", "domain": "torus", **kwargs}
        with pytest.raises(exc, match=match):
            empirical_spectrum(**kwargs)

    def test_spectrum_force_is_validated(self):
        with pytest.raises(TypeError, match="`force` must be True or False"):
            empirical_spectrum("laplace", "torus", 1, 100, force=1)
