"""The built-in sweep tasks, top-level so that every executor can pickle them (docs/sweeps.md).

* :func:`simulate_task`: the Gaussian-design simulator (``verify.simulator.simulate``) on one
  JSON configuration, validated by the simulator's own schema,
  ``SimulationConfig.from_json`` (keys :data:`verify.simulator.simulate.JSON_KEYS`, plus an
  optional ``force``);
* :func:`lstsq_task`: a seeded random least-squares problem, a small deterministic workload for
  trying an executor or a cluster.

:func:`check_simulate_configs` validates a whole list of simulator configurations, cost
estimate included, before a sweep starts, so that a bad or oversized configuration is refused
in one line before anything is computed or cached. :func:`simulator_axes` is the grid of the
``sweep`` command's simulator options, with their defaults.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = ["SIMULATOR_DEFAULTS", "TASKS", "check_simulate_configs", "lstsq_task",
           "simulate_task", "simulator_axes"]

#: Defaults of the ``sweep`` command's simulator grid (a missing axis takes one value).
SIMULATOR_DEFAULTS: dict[str, Any] = {"b": 2.0, "a": None, "P": 256, "ridge": 0.0,
                                      "noise": 0.0, "S": 512, "D": [16, 32, 64, 128],
                                      "student": "projection", "seeds": 4}


def lstsq_task(config: dict[str, Any]) -> dict[str, Any]:
    """Solve a seeded random least-squares problem (a small, deterministic workload).

    Config: ``n`` samples, ``m`` features (``n >= m``), ``noise`` (label noise standard
    deviation, default 0.1) and ``seed``. Draws ``X ~ N(0, 1)^{n x m}``, ``w ~ N(0, I/m)``,
    ``y = X w + noise * eps`` from the one stream ``default_rng(seed)`` and returns the
    least-squares coefficients, their squared error ``|w_hat - w|^2`` and the mean squared
    training residual.
    """
    import numpy as np

    from asymptotics._lib.budget import check_memory
    from asymptotics._lib.validation import check_int, check_real

    n = check_int("n", config.get("n"), minimum=1)
    m = check_int("m", config.get("m"), minimum=1)
    if n < m:
        raise ValueError(f"`n` must be >= `m` for an overdetermined problem; got n={n}, m={m}")
    check_memory("n", n, 8.0 * 3 * n * m, hint="lower `n` or `m`")  # X, its copy, the QR
    noise = check_real("noise", config.get("noise", 0.1), ge=0.0)
    rng = np.random.default_rng(check_int("seed", config.get("seed"), minimum=0))
    x = rng.standard_normal((n, m))
    w = rng.standard_normal(m) / np.sqrt(m)
    y = x @ w + noise * rng.standard_normal(n)
    w_hat = np.linalg.lstsq(x, y, rcond=None)[0]
    return {"coef": w_hat, "coef_error": float(np.sum((w_hat - w) ** 2)),
            "train_mse": float(np.mean((x @ w_hat - y) ** 2))}


def _simulation(config: Mapping[str, Any]):
    """``(SimulationConfig, force)`` of one JSON configuration (the one schema)."""
    from verify.simulator.simulate import SimulationConfig

    if not isinstance(config, Mapping):
        raise TypeError(f"`config` must be a mapping; got {type(config).__name__}")
    force = config.get("force", False)
    if not isinstance(force, bool):
        raise TypeError(f"`force` must be true or false; got {force!r}")
    return SimulationConfig.from_json({k: v for k, v in config.items() if k != "force"}), force


def simulate_task(config: dict[str, Any]) -> dict[str, Any]:
    """Run the simulator (``verify.simulator.simulate.run_simulation``) on one configuration.

    Config: the keys of ``SimulationConfig.from_json`` (:data:`verify.simulator.simulate.JSON_KEYS`:
    ``b``, ``S``, ``a`` (None/absent: Bahri's isotropic teacher), ``D``, ``P`` (None: the
    kernel limit), ``student``, ``ridge``, ``noise``, ``seeds``, ``seed``, ``chunk_size``,
    ``p_route``) and optionally ``force: true`` to go past the cost bounds (the ``sweep``
    command adds it, with ``--force``, only to configurations over a bound). The
    configuration's ``seed`` is the simulator's root seed: its seed ``k`` draws from
    ``SeedSequence(seed).spawn(seeds)[k]`` (docs/sweeps.md (SW.3)). Returns the fields of
    the result as plain data (arrays stay arrays; ``config`` as its ``to_dict()``).
    """
    from verify.simulator.simulate import run_simulation

    simulation, force = _simulation(config)
    result = run_simulation(simulation, force=force)
    return {f.name: _plain(getattr(result, f.name)) for f in dataclasses.fields(result)}


def _plain(value: Any) -> Any:
    """``value`` if the cache codec stores it exactly, else its JSON form (``to_jsonable``)."""
    from asymptotics._lib.codec import encode_result
    from asymptotics._lib.serialize import to_jsonable

    try:
        encode_result(value)
    except TypeError:
        return to_jsonable(value)
    return value


#: The tasks the ``sweep`` command knows by name.
TASKS: dict[str, Callable[[dict[str, Any]], Any]] = {"lstsq": lstsq_task,
                                                     "simulate": simulate_task}


def simulator_axes(**given: Any) -> dict[str, list[Any]]:
    """The simulator grid of the ``sweep`` command: ``b``, ``a``, ``P``, ``ridge`` and
    ``noise`` are axes (lists), ``S``, ``D`` (one list per configuration), ``student`` and
    ``seeds`` fixed; a value not given (None) takes :data:`SIMULATOR_DEFAULTS`."""
    axes: dict[str, list[Any]] = {}
    for key, default in SIMULATOR_DEFAULTS.items():
        value = given.get(key)
        if key in ("b", "a", "P", "ridge", "noise"):
            axes[key] = list(value) if value else [default]
        else:
            axes[key] = [default if value is None else value]
    return axes


def check_simulate_configs(configs: Sequence[Mapping[str, Any]], *, force: bool = False
                           ) -> list[dict[str, Any]]:
    """Validate every simulator configuration, cost estimate included, before a sweep starts.

    Returns copies; with ``force`` the configurations over a cost bound get ``force: true``
    (and only those, so a configuration within the bounds keeps its cache key). Raises a
    ``ValueError``/``TypeError`` naming the configuration's position and the parameter.
    """
    from asymptotics._lib.budget import BudgetExceeded

    out = []
    for i, config in enumerate(configs):
        try:
            simulation, forced = _simulation(config)
            try:
                simulation.check_budget(force=forced)
            except BudgetExceeded:
                if not force:
                    raise
                config = {**config, "force": True}
        except (ValueError, TypeError) as exc:
            kind = TypeError if isinstance(exc, TypeError) else ValueError
            raise kind(f"configuration {i}: {exc}") from None
        out.append(dict(config))
    return out
