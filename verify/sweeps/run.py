"""Run many configurations through any executor, cached so an interrupted sweep resumes.

A *sweep* is a list of JSON configurations and a *task*, a picklable top-level callable
``task(config) -> result``. :func:`run_sweep` sends the configurations not yet in the
cache to any :class:`concurrent.futures.Executor` — in-process (:class:`SerialExecutor`,
the default), a :class:`~concurrent.futures.ProcessPoolExecutor` on one machine, or a Dask
cluster through ``distributed.Client.get_executor()`` — and writes each result to the
cache (``verify.sweeps.cache``) the moment it arrives, in the driver process. There is no
scheduler here: the executor is the scheduler.

Determinism (docs/sweeps.md, "Determinism"): a result depends only on its configuration,
so the numbers are the same whatever the executor, the number of workers, the chunk size or
the order of the list. Randomness enters through a ``seed`` field that each configuration
carries, derived by :func:`assign_seeds` from a root seed and the configuration's own
content (SW.2), never from its position. Every result, fresh or cached, passes through the
same exact JSON codec, so a resumed sweep returns objects equal, bit for bit and type for
type, to an uninterrupted one.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import itertools
import queue
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from asymptotics import __version__
from asymptotics._lib.validation import check_int
from verify.sweeps.cache import (
    SweepCache,
    canonical_config,
    canonical_json,
    config_key,
    decode_result,
    encode_result,
)

__all__ = [
    "SerialExecutor",
    "SweepError",
    "SweepProgress",
    "SweepRun",
    "assign_seeds",
    "derive_seed",
    "grid",
    "run_sweep",
    "task_name",
]


# ---------------------------------------------------------------- executors and results
class SerialExecutor(cf.Executor):
    """An executor that runs each call at ``submit`` time in the calling thread.

    The default of :func:`run_sweep`: no processes, no threads, tracebacks as usual.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._shutdown = False

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future:
        with self._lock:
            if self._shutdown:
                raise RuntimeError("cannot schedule new futures after shutdown")
        future: cf.Future = cf.Future()
        future.set_running_or_notify_cancel()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # stored on the future, as a pool would
            if not isinstance(exc, Exception):
                raise
            future.set_exception(exc)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._shutdown = True


@dataclass(frozen=True)
class SweepProgress:
    """What :func:`run_sweep` tells its ``progress`` callback after each configuration.

    Attributes
    ----------
    index : int
        Position of the configuration in the list given (the first one if it is repeated).
    config : dict
        The canonical configuration.
    result : Any
        Its decoded result.
    cached : bool
        True if it was read from the cache, False if it was computed now.
    done, total : int
        Distinct configurations finished so far, and in all.
    """

    index: int
    config: Any
    result: Any
    cached: bool
    done: int
    total: int


@dataclass(frozen=True)
class SweepRun:
    """The results of a sweep, in the order of the configurations given.

    Attributes
    ----------
    results : tuple
        ``results[i]`` is the task's result for ``configs[i]``, as decoded by the cache codec.
    configs : tuple
        The canonical configurations (plain JSON data).
    keys : tuple of str
        Their cache keys, docs/sweeps.md (SW.1).
    n_cached, n_computed : int
        Distinct configurations read from the cache and computed by this call
        (``n_cached + n_computed`` = number of distinct configurations).
    cache_dir : str or None
        The cache directory, or None for an uncached sweep.
    task : str
        The task's ``module:qualname``.
    version : str
        The toolkit version in the keys.
    """

    results: tuple[Any, ...]
    configs: tuple[Any, ...]
    keys: tuple[str, ...]
    n_cached: int
    n_computed: int
    cache_dir: str | None
    task: str
    version: str

    def to_dict(self) -> dict[str, Any]:
        return {"task": self.task, "version": self.version, "cache_dir": self.cache_dir,
                "n_cached": self.n_cached, "n_computed": self.n_computed,
                "items": [{"key": k, "config": c, "result": encode_result(r)}
                          for k, c, r in zip(self.keys, self.configs, self.results, strict=True)]}


class SweepError(RuntimeError):
    """A task raised; completed results were cached and are carried here.

    Attributes
    ----------
    index : int
        Position of the configuration whose task failed.
    config : dict
        That configuration.
    partial : dict[int, Any]
        Results finished before the sweep stopped, by position (all cached on disk).
    """

    def __init__(self, index: int, config: Any, partial: dict[int, Any]) -> None:
        super().__init__(f"task failed for configuration {index}: {canonical_json(config)}")
        self.index, self.config, self.partial = index, config, partial


# ---------------------------------------------------------------- configurations and seeds
def grid(**axes: Iterable[Any]) -> list[dict[str, Any]]:
    """The cartesian product of ``axes`` as a list of configurations.

    The last axis varies fastest: ``grid(b=[1.5, 2], D=[16, 32])`` gives
    ``[{b: 1.5, D: 16}, {b: 1.5, D: 32}, {b: 2, D: 16}, {b: 2, D: 32}]``. A value that must
    stay a list inside one configuration (e.g. the ``D`` list of the simulator) is given
    as a one-element axis: ``D=[[16, 32, 64]]``.

    Examples
    --------
    >>> grid(b=[1.5, 2.0], D=[[16, 32]], P=[64, 128])  # doctest: +NORMALIZE_WHITESPACE
    [{'b': 1.5, 'D': [16, 32], 'P': 64}, {'b': 1.5, 'D': [16, 32], 'P': 128},
     {'b': 2.0, 'D': [16, 32], 'P': 64}, {'b': 2.0, 'D': [16, 32], 'P': 128}]
    """
    names, values = list(axes), []
    for name in names:
        vals = axes[name]
        if isinstance(vals, str | bytes | Mapping) or not isinstance(vals, Iterable):
            raise TypeError(f"`{name}` must be an iterable of values (an axis of the grid); "
                            f"got {type(vals).__name__}")
        vals = list(vals)
        if not vals:
            raise ValueError(f"`{name}` must contain at least one value; got an empty axis")
        values.append(vals)
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*values)]


def derive_seed(config: Mapping[str, Any], root_seed: int, *, field: str = "seed") -> int:
    """The seed of ``config``: a function of ``root_seed`` and the content of ``config``.

    .. math::

        s(c) = \\mathrm{SeedSequence}(r,\\ \\mathrm{spawn\\_key}=h_{1..4}(c))
               .\\mathrm{generate\\_state}(2, \\mathrm{uint32})

    with :math:`h_{1..4}` the first four 32-bit words of the SHA-256 of the canonical JSON
    of ``config`` without ``field`` (docs/sweeps.md (SW.2)); the two words are joined into
    one integer below :math:`2^{63}`. Not the list position: reordering, chunking or
    distributing a sweep cannot change a seed.
    """
    root_seed = check_int("root_seed", root_seed, minimum=0)
    body = {k: v for k, v in canonical_config(config).items() if k != field}
    digest = hashlib.sha256(canonical_json(body).encode("ascii")).digest()
    spawn_key = tuple(int.from_bytes(digest[4 * i: 4 * i + 4], "little") for i in range(4))
    words = np.random.SeedSequence(root_seed, spawn_key=spawn_key).generate_state(
        2, np.uint32)  # docs/sweeps.md (SW.2)
    return (int(words[0]) | (int(words[1]) << 32)) & (2**63 - 1)


def assign_seeds(configs: Iterable[Mapping[str, Any]], root_seed: int, *,
                 field: str = "seed") -> list[dict[str, Any]]:
    """Copies of ``configs`` with ``field`` set to :func:`derive_seed` (SW.2).

    A configuration that already has ``field`` is an error: its seed is already fixed.
    """
    out = []
    for i, config in enumerate(configs):
        config = canonical_config(config, f"configs[{i}]")
        if not isinstance(config, dict):
            raise TypeError(f"`configs[{i}]` must be a mapping; got {type(config).__name__}")
        if field in config:
            raise ValueError(f"`configs[{i}]` already has a {field!r} field; got "
                             f"{config[field]!r}")
        out.append({**config, field: derive_seed(config, root_seed, field=field)})
    return out


def task_name(task: object) -> str:
    """``module:qualname`` of a top-level function or class (what the cache key records)."""
    if not callable(task):
        raise TypeError(f"`task` must be callable; got {type(task).__name__}")
    module = getattr(task, "__module__", None)
    qualname = getattr(task, "__qualname__", None)
    if not module or not qualname or "<" in qualname or module == "__main__":
        raise TypeError("`task` must be a top-level function of an importable module (picklable,"
                        f" and named stably in the cache key); got {task!r}")
    return f"{module}:{qualname}"


# ---------------------------------------------------------------- running
def _run_chunk(task: Callable[[Any], Any], configs: list[Any]) -> list[Any]:
    """Worker side: run ``task`` on each configuration and encode each result."""
    return [encode_result(task(config)) for config in configs]


def _run_sweep_iv(task, configs, executor, cache_dir, progress, chunksize):
    name = task_name(task)
    if isinstance(configs, str | bytes | Mapping) or not isinstance(configs, Iterable):
        raise TypeError(f"`configs` must be a sequence of mappings; got {type(configs).__name__}")
    configs = [canonical_config(c, f"configs[{i}]") for i, c in enumerate(configs)]
    for i, c in enumerate(configs):
        if not isinstance(c, dict):
            raise TypeError(f"`configs[{i}]` must be a mapping; got {type(c).__name__}")
    if executor is not None and not isinstance(executor, cf.Executor):
        raise TypeError("`executor` must be a concurrent.futures.Executor or None; got "
                        f"{type(executor).__name__}")
    if progress is not None and not callable(progress):
        raise TypeError(f"`progress` must be callable or None; got {type(progress).__name__}")
    chunksize = check_int("chunksize", chunksize, minimum=1)
    cache = (cache_dir if cache_dir is None or isinstance(cache_dir, SweepCache)
             else SweepCache(cache_dir))
    return name, configs, cache, chunksize


def run_sweep(task: Callable[[Any], Any], configs: Sequence[Mapping[str, Any]], *,
              executor: cf.Executor | None = None,
              cache_dir: str | Path | SweepCache | None = None,
              progress: Callable[[SweepProgress], object] | None = None,
              chunksize: int = 1, max_pending: int | None = None) -> SweepRun:
    """Run ``task`` on every configuration, reusing and filling the cache.

    Parameters
    ----------
    task : callable
        A picklable top-level callable ``task(config) -> result``; the result must be
        encodable by :func:`verify.sweeps.cache.encode_result`.
    configs : sequence of mapping
        JSON configurations; repeated ones are computed once.
    executor : concurrent.futures.Executor, optional
        Where tasks run (default: :class:`SerialExecutor`). The caller owns it and shuts it
        down.
    cache_dir : path or SweepCache, optional
        Cache directory, or the :class:`~verify.sweeps.cache.SweepCache` that owns it
        (default: no cache). A configuration whose key (SW.1) is there is
        not recomputed; each new result is written atomically as soon as it arrives.
    progress : callable, optional
        Called in the driver with a :class:`SweepProgress` per distinct configuration, cached
        ones first, then in order of completion.
    chunksize : int
        Configurations per submitted job (amortizes per-job overhead for tiny tasks).
    max_pending : int, optional
        Most jobs submitted and not yet collected (default: all at once; 1 for the serial
        executor, so each result is stored before the next starts). Bounds the work lost
        to a kill and the memory of a huge sweep.

    Returns
    -------
    SweepRun

    Raises
    ------
    SweepError
        If a task raises (chained to the task's exception); everything finished before is
        cached and in ``SweepError.partial``. Jobs not yet started are cancelled.
    """
    name, configs, cache, chunksize = _run_sweep_iv(task, configs, executor, cache_dir,
                                                    progress, chunksize)
    if max_pending is not None:
        max_pending = check_int("max_pending", max_pending, minimum=1)
    version = __version__
    keys = [config_key(c, name, version) for c in configs]
    first: dict[str, int] = {}
    for i, k in enumerate(keys):
        first.setdefault(k, i)
    encoded: dict[str, Any] = {}
    done = 0

    def finish(key: str, enc: Any, cached: bool) -> None:
        nonlocal done
        encoded[key] = enc
        done += 1
        if progress is not None:
            i = first[key]
            progress(SweepProgress(i, configs[i], decode_result(enc), cached, done, len(first)))

    todo = []
    for key in first:
        entry = cache.load(key) if cache is not None else None
        if entry is None:
            todo.append(key)
        else:
            finish(key, encode_result(entry.result), True)
    n_cached = done
    executor = executor or SerialExecutor()
    if max_pending is None and isinstance(executor, SerialExecutor):
        max_pending = 1  # run, store, report one chunk at a time: a kill loses one chunk
    _compute(task, name, version, configs, first, todo, executor, cache, chunksize, finish,
             encoded, max_pending)
    results = tuple(decode_result(encoded[k]) for k in keys)
    return SweepRun(results, tuple(configs), tuple(keys), n_cached, len(todo),
                    None if cache is None else str(cache.directory), name, version)


def _compute(task, name, version, configs, first, todo, executor, cache, chunksize, finish,
             encoded, max_pending) -> None:
    """Submit chunks (at most ``max_pending`` in flight), store and report each as it lands.

    Finished futures are handed over through a queue by ``add_done_callback``, so collecting
    a sweep of n jobs costs O(n), whatever the executor.
    """
    chunks = iter([todo[j: j + chunksize] for j in range(0, len(todo), chunksize)])
    landed: queue.SimpleQueue[cf.Future] = queue.SimpleQueue()
    pending: dict[cf.Future, list[str]] = {}
    failure: tuple[int, BaseException] | None = None
    try:
        while True:
            while failure is None and (max_pending is None or len(pending) < max_pending):
                chunk = next(chunks, None)
                if chunk is None:
                    break
                fut = executor.submit(_run_chunk, task, [configs[first[k]] for k in chunk])
                pending[fut] = chunk
                fut.add_done_callback(landed.put)
            if not pending:
                break
            fut = landed.get()
            chunk = pending.pop(fut)
            if fut.cancelled():
                continue
            exc = fut.exception()
            if exc is not None:
                if failure is None:
                    failure = (first[chunk[0]], exc)
                    for other in pending:
                        other.cancel()
                continue
            for key, enc in zip(chunk, fut.result(), strict=True):
                if cache is not None:
                    cache.store(key, name, version, configs[first[key]], enc)
                finish(key, enc, False)
    except BaseException:
        for fut in pending:
            fut.cancel()
        raise
    if failure is not None:
        index, exc = failure
        partial = {first[k]: decode_result(v) for k, v in encoded.items()}
        raise SweepError(index, configs[index], partial) from exc
