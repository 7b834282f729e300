"""Shared workloads of the sweep tests (tests/verify/sweeps): importable by name, so that
process and dask workers can unpickle the tasks."""

from __future__ import annotations

import math
import struct

import numpy as np

from verify.sweeps.run import assign_seeds, grid

__all__ = ["assert_same", "configs_for", "ls_task"]


def ls_task(config):
    """A seeded random least-squares problem: the engine's test workload."""
    rng = np.random.default_rng(config["seed"])
    x = rng.standard_normal((config["n"], 3))
    y = x @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.standard_normal(config["n"])
    coef = np.linalg.lstsq(x, y, rcond=None)[0]
    return {"coef": coef, "loss": float(np.mean((x @ coef - y) ** 2)),
            "pair": (config["n"], float(coef[0])), "ints": np.arange(config["n"] % 4)}


def assert_same(a, b, path="result"):
    """Bitwise equality: same types, same float bits, same array dtype/shape/bytes."""
    assert type(a) is type(b), f"{path}: {type(a)} vs {type(b)}"
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape, path
        if a.dtype.kind == "f":  # NaN is kept as NaN, not its sign or payload (verify.sweeps.cache)
            assert (np.isnan(a) == np.isnan(b)).all(), path
            a, b = np.where(np.isnan(a), 0, a), np.where(np.isnan(b), 0, b)
        assert a.tobytes() == b.tobytes(), path
    elif isinstance(a, float):
        if math.isnan(a):
            assert math.isnan(b), path
        else:
            assert struct.pack("<d", a) == struct.pack("<d", b), f"{path}: {a!r} vs {b!r}"
    elif isinstance(a, dict):
        assert list(a) == list(b), path
        for k in a:
            assert_same(a[k], b[k], f"{path}[{k!r}]")
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), path
        for i, (u, v) in enumerate(zip(a, b, strict=True)):
            assert_same(u, v, f"{path}[{i}]")
    else:
        assert a == b, path


def configs_for(ns, root=12345):
    return assign_seeds(grid(n=ns), root)
