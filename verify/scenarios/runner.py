"""Run scenarios of the suite with checkpoints, so an interrupted report loses nothing.

Each finished :class:`~verify.scenarios.base.ScenarioOutcome` is handed, as exact JSON data
(:meth:`~verify.scenarios.base.ScenarioOutcome.to_data`), to the
:class:`~verify.output.report.CheckpointStore` the caller passes in, under a key made of the
scenario's name, ``quick``, the seed and the toolkit version; a rerun with the same settings
reads it back instead of running again. The runner itself writes no file. A checkpoint that
cannot be used (damaged, foreign, of an older format, or not a valid outcome) is reported
in one line naming the file and recomputed; loading one never runs code.
"""

from __future__ import annotations

import hashlib
import sys
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


def checkpoint_id(name: str, quick: bool, seed: int) -> dict[str, Any]:
    """The key a checkpoint is stored under and must match to be read back."""
    return {"scenario": name, "quick": bool(quick), "seed": int(seed), "toolkit": __version__}


def checkpoint_key(name: str, quick: bool, seed: int) -> str:
    """The file stem of a checkpoint (a hash of :func:`checkpoint_id`'s fields)."""
    text = f"{name}|quick={quick}|seed={seed}|version={__version__}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _warn(line: str) -> None:
    print(line, file=sys.stderr)


def _load(store: CheckpointStore, scenario: Scenario, quick: bool, seed: int,
          warn: Callable[[str], None]) -> ScenarioOutcome | None:
    stem, key = checkpoint_key(scenario.name, quick, seed), checkpoint_id(scenario.name, quick,
                                                                          seed)
    try:
        data = store.read(stem, key)
        if data is None:
            return None
        outcome = ScenarioOutcome.from_data(data)
        if outcome.name != scenario.name:
            raise ValueError(f"holds scenario {outcome.name!r}, not {scenario.name!r}")
        return outcome
    except CheckpointError as exc:
        warn(f"verify: checkpoint {exc.path} not used: {exc.reason}; recomputing")
    except (ValueError, TypeError) as exc:
        warn(f"verify: checkpoint {store.path(stem)} not used: not a valid outcome "
             f"({exc})"[:300] + "; recomputing")
    return None


def run_suite(scenarios: Sequence[Scenario], *, quick: bool, seed: int,
              store: CheckpointStore | None = None,
              on_done: Callable[[str], None] | None = None,
              warn: Callable[[str], None] | None = None) -> SuiteRun:
    """Run ``scenarios`` in order; a scenario that raises is reported, not fatal.

    ``store`` keeps the checkpoints (none without it); ``warn`` receives the one-line
    report of each checkpoint that could not be used (default: printed on stderr).
    """
    warn = _warn if warn is None else warn
    outcomes, errors, cached = [], {}, 0
    for scenario in scenarios:
        outcome = None if store is None else _load(store, scenario, quick, seed, warn)
        if outcome is not None:
            cached += 1
        else:
            try:
                outcome = scenario.run(quick, seed)
            except (ArithmeticError, ValueError, TypeError, RuntimeError, ImportError,
                    MemoryError, np.linalg.LinAlgError) as exc:
                errors[scenario.name] = f"{type(exc).__name__}: {exc}"
                if on_done:
                    on_done(scenario.name)
                continue
            if store is not None:
                store.write(checkpoint_key(scenario.name, quick, seed),
                            checkpoint_id(scenario.name, quick, seed), outcome.to_data())
        outcomes.append(outcome)
        if on_done:
            on_done(scenario.name)
    return SuiteRun(tuple(outcomes), errors, cached)
