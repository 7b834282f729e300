"""Run scenarios of the suite with checkpoints, so an interrupted report loses nothing.

Each finished :class:`~verify.scenarios.base.ScenarioOutcome` is handed, as exact JSON data
(:meth:`~verify.scenarios.base.ScenarioOutcome.to_data`), to the
:class:`~verify.output.report.CheckpointStore` the caller passes in, under a key made of the
scenario's name, the suite, ``quick``, the seed, the BLAS thread count and the toolkit
version (:func:`checkpoint_id`); the store adds a content digest. A rerun with the same
settings reads it back instead of running again. The runner itself writes no file. A
checkpoint that cannot be used (damaged, edited, foreign, of another version, holding
another scenario, or not a valid outcome) is reported in one line naming the file and
recomputed; loading one never runs code.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from asymptotics import __version__
from verify.output.report import CheckpointError, CheckpointStore
from verify.scenarios.base import Scenario, ScenarioOutcome

__all__ = ["SuiteRun", "checkpoint_id", "checkpoint_key", "run_suite", "select"]


@dataclass(frozen=True)
class SuiteRun:
    """Outcomes in suite order, the failures (scenario name -> error line) and cache use."""

    outcomes: tuple[ScenarioOutcome, ...]
    errors: dict[str, str]
    n_cached: int


def select(suite: dict[str, Scenario], names: Sequence[str]) -> list[Scenario]:
    """The scenarios named (all when ``names`` is empty); unknown names are a ValueError."""
    if not names:
        return list(suite.values())
    unknown = [n for n in names if n not in suite]
    if unknown:
        raise ValueError(f"`scenario` must be one of {list(suite)}; got {unknown}")
    return [suite[n] for n in dict.fromkeys(names)]


def checkpoint_id(name: str, quick: bool, seed: int, threads: int = 1,
                  suite: str = "default") -> dict[str, Any]:
    """The key a checkpoint is stored under and must match to be read back: the scenario,
    the suite, ``--quick``, the seed, the BLAS thread count (1 and 2 threads change up to a
    quarter of the numbers in the last digits) and the toolkit version."""
    return {"scenario": name, "suite": str(suite), "quick": bool(quick), "seed": int(seed),
            "blas_threads": int(threads), "toolkit": __version__}


def checkpoint_key(name: str, quick: bool, seed: int, threads: int = 1,
                   suite: str = "default") -> str:
    """The file stem of a checkpoint (a hash of :func:`checkpoint_id`'s fields)."""
    text = json.dumps(checkpoint_id(name, quick, seed, threads, suite), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _warn(line: str) -> None:
    print(line, file=sys.stderr)


def _load(store: CheckpointStore, scenario: Scenario, ident: dict[str, Any],
          warn: Callable[[str], None]) -> ScenarioOutcome | None:
    stem, key = checkpoint_key(**_args(ident)), ident
    try:
        data = store.read(stem, key)
        if data is None:
            return None
        outcome = ScenarioOutcome.from_data(data)
        if outcome.name != scenario.name:
            raise ValueError(f"holds scenario {outcome.name!r}, not {scenario.name!r}")
        if outcome.config.get("seed") != ident["seed"]:
            raise ValueError(f"holds a run of seed {outcome.config.get('seed')!r:.20}, not "
                             f"{ident['seed']}")
        return outcome
    except CheckpointError as exc:
        warn(f"verify: checkpoint {exc.path} not used: {exc.reason}; recomputing")
    except (ValueError, TypeError) as exc:
        warn(f"verify: checkpoint {store.path(stem)} not used: not a valid outcome "
             f"({exc})"[:300] + "; recomputing")
    return None


def _args(ident: dict[str, Any]) -> dict[str, Any]:
    return {"name": ident["scenario"], "quick": ident["quick"], "seed": ident["seed"],
            "threads": ident["blas_threads"], "suite": ident["suite"]}


def run_suite(scenarios: Sequence[Scenario], *, quick: bool, seed: int,
              store: CheckpointStore | None = None,
              on_done: Callable[..., None] | None = None,
              warn: Callable[[str], None] | None = None,
              threads: int = 1, suite: str = "default",
              on_start: Callable[[str], None] | None = None) -> SuiteRun:
    """Run ``scenarios`` in order; a scenario that raises is reported, not fatal.

    ``store`` keeps the checkpoints (none without it), keyed by :func:`checkpoint_id` with
    ``threads`` and ``suite``; ``warn`` receives the one-line report of each checkpoint that
    could not be used (default: printed on stderr). ``on_start(name)`` is called before each
    scenario, ``on_done(name, seconds, verdict)`` after it (``verdict`` is the verdict's label,
    ``"failed"`` for a scenario that raised, ``"checkpoint"`` appended when read back); a
    callable taking only the name is accepted too.
    """
    warn = _warn if warn is None else warn
    done = _adapt(on_done)
    outcomes, errors, cached = [], {}, 0
    for scenario in scenarios:
        ident = checkpoint_id(scenario.name, quick, seed, threads, suite)
        if on_start:
            on_start(scenario.name)
        started = time.perf_counter()
        outcome = None if store is None else _load(store, scenario, ident, warn)
        if outcome is not None:
            cached += 1
            done(scenario.name, time.perf_counter() - started,
                 f"{outcome.verdict.label} (checkpoint)")
            outcomes.append(outcome)
            continue
        try:
            outcome = scenario.run(quick, seed)
        except (ArithmeticError, ValueError, TypeError, RuntimeError, ImportError,
                MemoryError, np.linalg.LinAlgError) as exc:
            errors[scenario.name] = f"{type(exc).__name__}: {exc}"
            done(scenario.name, time.perf_counter() - started, "failed")
            continue
        if store is not None:
            store.write(checkpoint_key(**_args(ident)), ident, outcome.to_data())
        outcomes.append(outcome)
        done(scenario.name, time.perf_counter() - started, outcome.verdict.label)
    return SuiteRun(tuple(outcomes), errors, cached)


def _adapt(on_done: Callable[..., None] | None) -> Callable[[str, float, str], None]:
    """``on_done`` as a three-argument callable (older callers pass ``f(name)``)."""
    if on_done is None:
        return lambda name, seconds, verdict: None
    import inspect

    try:
        n = len(inspect.signature(on_done).parameters)
    except (TypeError, ValueError):
        n = 3
    if n == 1:
        return lambda name, seconds, verdict: on_done(name)
    return on_done
