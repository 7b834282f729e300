"""Fault tolerance end to end: SIGKILL a real ``python -m verify sweep`` midway, then resume.

The resumed cache directory must equal, file for file and byte for byte, the cache of an
uninterrupted run, every result file must parse and hash to its name, and the printed
results must be identical. Temporary files a killed writer may leave (``.tmp-*.part``) must
never be counted as results.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from verify.sweeps.cache import SweepCache

N_CONFIGS = 60
ENV = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
       "MKL_NUM_THREADS": "1"}


def _argv(cache: Path, workers: int) -> list[str]:
    ns = ",".join(str(4000 + i) for i in range(N_CONFIGS))  # ~30 ms per configuration
    return [sys.executable, "-m", "verify", "sweep", "--task", "lstsq", "--axis", f"n={ns}",
            "--set", "m=200", "--seed", "2024", "--cache", str(cache), "--json",
            "--workers", str(workers)]


def _run(cache: Path, workers: int = 1) -> dict:
    proc = subprocess.run(_argv(cache, workers), env=ENV, capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _interrupt(cache: Path, workers: int, sig: int, after: int) -> tuple[int, str]:
    """Start the sweep, wait for ``after`` result files, send ``sig`` to its process group.

    Returns the exit status and the standard error.
    """
    proc = subprocess.Popen(_argv(cache, workers), env=ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if cache.is_dir() and len(SweepCache(cache).keys()) >= after:
            break
        time.sleep(0.005)
    assert proc.poll() is None, "the sweep ended before it could be interrupted"
    os.killpg(proc.pid, sig)
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err


def _check_cache(cache: Path) -> dict[str, bytes]:
    store = SweepCache(cache)
    names = {p.name for p in cache.iterdir()}
    results = {f"{k}.json" for k in store.keys()}
    assert names - results == {p.name for p in store.temporaries()}  # nothing else lies there
    for key in store.keys():
        assert store.load(key) is not None, f"corrupt cache file {key}.json"
    return {name: (cache / name).read_bytes() for name in sorted(results)}


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_sigkill_midway_then_resume_is_bitwise_identical(tmp_path, workers):
    reference = _run(tmp_path / "reference")
    code, _ = _interrupt(tmp_path / "killed", workers, signal.SIGKILL, after=5)
    assert code == -signal.SIGKILL
    partial = _check_cache(tmp_path / "killed")
    assert 5 <= len(partial) < N_CONFIGS
    resumed = _run(tmp_path / "killed", workers)
    assert resumed["n_cached"] >= len(partial) and resumed["n_computed"] > 0
    assert resumed["n_cached"] + resumed["n_computed"] == N_CONFIGS
    assert resumed["items"] == reference["items"]
    assert _check_cache(tmp_path / "killed") == _check_cache(tmp_path / "reference")


@pytest.mark.slow
def test_ctrl_c_exits_130_and_loses_nothing_completed(tmp_path):
    code, err = _interrupt(tmp_path / "c", 1, signal.SIGINT, after=3)
    assert code == 130
    assert err.strip().splitlines()[-1] == "verify: interrupted"
    kept = _check_cache(tmp_path / "c")
    assert len(kept) >= 3
    resumed = _run(tmp_path / "c")
    assert resumed["n_cached"] >= len(kept)
