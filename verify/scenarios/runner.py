"""Run scenarios of the suite with checkpoints, so an interrupted report loses nothing.

Each finished :class:`~verify.scenarios.base.ScenarioOutcome` is pickled atomically into a
checkpoint directory under a key made of the scenario's name, ``quick``, the seed and the
toolkit version; a rerun with the same settings loads it instead of running again. The
checkpoint is an internal cache of this toolkit's own objects (never load one from an
untrusted source); the report's durable record is ``results.json``.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from asymptotics import __version__
from asymptotics._lib.files import atomic_write
from verify.scenarios.base import Scenario, ScenarioOutcome

__all__ = ["SuiteRun", "checkpoint_key", "run_suite", "select"]


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


def checkpoint_key(name: str, quick: bool, seed: int) -> str:
    text = f"{name}|quick={quick}|seed={seed}|version={__version__}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def run_suite(scenarios: Sequence[Scenario], *, quick: bool, seed: int,
              checkpoint_dir: str | Path | None = None,
              on_done: Callable[[str], None] | None = None) -> SuiteRun:
    """Run ``scenarios`` in order; a scenario that raises is reported, not fatal."""
    ckpt = None if checkpoint_dir is None else Path(checkpoint_dir)
    outcomes, errors, cached = [], {}, 0
    for scenario in scenarios:
        path = None if ckpt is None else ckpt / f"{checkpoint_key(scenario.name, quick, seed)}.pkl"
        outcome = None
        if path is not None and path.exists():
            try:
                outcome = pickle.loads(path.read_bytes())
                cached += 1
            except Exception:  # a damaged checkpoint is recomputed, never trusted
                outcome = None
        if outcome is None:
            try:
                outcome = scenario.run(quick, seed)
            except (ArithmeticError, ValueError, TypeError, RuntimeError, ImportError,
                    MemoryError, np.linalg.LinAlgError) as exc:
                errors[scenario.name] = f"{type(exc).__name__}: {exc}"
                if on_done:
                    on_done(scenario.name)
                continue
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(path, pickle.dumps(outcome))
        outcomes.append(outcome)
        if on_done:
            on_done(scenario.name)
    return SuiteRun(tuple(outcomes), errors, cached)

