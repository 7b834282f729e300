"""``python -m verify sweep``: run a cached, resumable sweep on any executor (docs/sweeps.md).

Configurations come from a JSON file (``--configs``) or a grid (``--b 1.5,2 --P 64,128``
for the simulator; ``--axis KEY=V1,V2`` and ``--set KEY=VALUE`` for any task). Each one
gets a seed derived from ``--seed`` and its content (docs/sweeps.md (SW.2)). One line is
printed per configuration as it finishes; with ``--json`` the whole run is printed as JSON
at the end instead. Ctrl-C (or a kill) loses nothing already printed: rerun the same
command and it resumes from the cache.

The command only parses, calls and prints: the tasks, the simulator grid and the up-front
check of simulator configurations live in :mod:`verify.sweeps.tasks`, the cache directory is
owned by :class:`verify.sweeps.cache.SweepCache`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from typing import Any

from asymptotics._lib.cli import UsageError, parse_float_list, parse_int_list

__all__ = ["HELP", "NAME", "add_arguments", "run"]

NAME = "sweep"
HELP = "run a grid of configurations on any executor, cached on disk and resumable"

_SIM_OPTIONS = ("b", "a", "P", "ridge", "noise", "S", "D", "student", "seeds")

#: Memory one worker process is planned at (a Python interpreter with numpy and scipy).
_WORKER_BYTES = 128 * 2**20


# ---------------------------------------------------------------- arguments
def add_arguments(parser: argparse.ArgumentParser) -> None:
    src = parser.add_argument_group("configurations")
    src.add_argument("--task", default="simulate",
                     help="'simulate' (default), 'lstsq', or MODULE:FUNCTION of any top-level "
                          "task(config) -> result")
    src.add_argument("--configs", metavar="FILE",
                     help="JSON file holding a list of configurations (instead of a grid)")
    src.add_argument("--axis", action="append", default=[], metavar="KEY=V1,V2",
                     help="a grid axis; values are JSON (numbers, strings) or ranges "
                          "START:STOP:N / START:STOP:Nlog; repeatable")
    src.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                     help="a fixed JSON value in every configuration; repeatable")
    src.add_argument("--seed", type=int, default=0,
                     help="root seed; each configuration's seed is derived from it and the "
                          "configuration's content (default 0)")
    sim = parser.add_argument_group("simulator grid (task 'simulate')")
    sim.add_argument("--b", type=parse_float_list, help="spectrum exponents, e.g. 1.5,2,3")
    sim.add_argument("--a", type=parse_float_list,
                     help="target exponents (default: Bahri's isotropic teacher)")
    sim.add_argument("--S", type=int, help="spectrum size (default 512)")
    sim.add_argument("--D", type=parse_int_list,
                     help="training-set sizes, one list per configuration (default 16,32,64,128)")
    sim.add_argument("--P", type=parse_int_list,
                     help="student feature counts (default 256; --set P=null: the kernel limit)")
    sim.add_argument("--student", choices=("projection", "top"),
                     help="random-projection or top-P student (default 'projection')")
    sim.add_argument("--ridge", type=parse_float_list, help="ridge values (default 0)")
    sim.add_argument("--noise", type=parse_float_list, help="label-noise variances (default 0)")
    sim.add_argument("--seeds", type=int, help="independent draws per configuration (default 4)")
    run_ = parser.add_argument_group("execution")
    where = run_.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, default=1,
                       help="processes on this machine (default 1: in-process)")
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="Dask scheduler address (tcp://host:8786), or 'local' for a local "
                            "Dask cluster")
    run_.add_argument("--chunksize", type=int, default=1, help="configurations per job")
    run_.add_argument("--cache", default=".sweep-cache", metavar="DIR",
                      help="cache directory (default .sweep-cache/)")
    run_.add_argument("--force", action="store_true",
                      help="run simulator configurations whose estimated memory or time "
                           "exceeds the bounds (by default refused before the sweep starts)")
    run_.add_argument("--json", action="store_true", help="print the whole run as JSON")


def _resolve_task(spec: str):
    from verify.sweeps.tasks import TASKS

    if spec in TASKS:
        return TASKS[spec]
    module, sep, attr = spec.partition(":")
    if not sep or not module or not attr:
        raise UsageError(f"`--task` must be one of {sorted(TASKS)} or MODULE:FUNCTION; "
                         f"got {spec!r}")
    try:
        obj = importlib.import_module(module)
        for part in attr.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as exc:
        raise UsageError(f"`--task` {spec!r} cannot be imported: {exc}") from None
    return obj


def _json_value(option: str, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text  # a bare word is a string: --set student=projection


def _axis_values(key: str, text: str) -> list[Any]:
    """One item of ``--axis KEY=...``: a JSON value, a bare word, or a range ``START:STOP:N``
    / ``START:STOP:Nlog`` (``asymptotics._lib.cli.parse_range``), integers when START and
    STOP (and a linear STEP) are integers, as sizes are."""
    parts = text.split(":")
    if len(parts) != 3 or any(c in text for c in "\"[]{}"):
        return [_json_value("--axis", text)]
    from asymptotics._lib.cli import parse_float_list, parse_int_list

    def integral(word: str) -> bool:
        try:
            return float(word) == int(float(word))
        except (ValueError, OverflowError):
            return False

    step = parts[2][:-3] if parts[2].endswith("log") else parts[2]
    as_int = integral(parts[0]) and integral(parts[1]) and (parts[2].endswith("log")
                                                             or integral(step))
    try:
        return list(parse_int_list(text) if as_int else parse_float_list(text))
    except (ValueError, argparse.ArgumentTypeError) as exc:
        raise UsageError(f"`--axis {key}`: {exc}") from None


def _key_values(option: str, items: list[str]) -> list[tuple[str, str]]:
    out = []
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"`{option}` must look like KEY=VALUE; got {item!r}")
        out.append((key, value))
    return out


def _build_configs(args: argparse.Namespace) -> list[dict[str, Any]]:
    from verify.sweeps.run import assign_seeds, derive_seed, grid
    from verify.sweeps.tasks import simulator_axes

    sim_given = [k for k in _SIM_OPTIONS if getattr(args, k) is not None]
    if args.task != "simulate" and sim_given:
        raise UsageError(f"`--{sim_given[0]}` is a simulator option; with `--task {args.task}` "
                         "use --axis/--set")
    if args.configs is not None:
        if sim_given or args.axis or args.set:
            raise UsageError("`--configs` cannot be combined with grid options")
        with open(args.configs, encoding="utf-8") as fh:
            try:
                configs = json.load(fh)
            except json.JSONDecodeError as exc:
                raise UsageError(f"`--configs` {args.configs!r} is not valid JSON: {exc}") from None
        if not isinstance(configs, list) or not all(isinstance(c, dict) for c in configs):
            raise UsageError(f"`--configs` must hold a JSON list of objects; got "
                             f"{type(configs).__name__}")
        return [c if "seed" in c else {**c, "seed": derive_seed(c, args.seed)} for c in configs]
    axes = (simulator_axes(**{k: getattr(args, k) for k in _SIM_OPTIONS})
            if args.task == "simulate" else {})
    for key, value in _key_values("--axis", args.axis):
        axes[key] = [x for v in value.split(",") for x in _axis_values(key, v)]
    for key, value in _key_values("--set", args.set):
        axes[key] = [_json_value("--set", value)]
    if not axes:
        raise UsageError("no configurations: give `--configs FILE` or grid options "
                         "(--axis KEY=V1,V2, --set KEY=VALUE)")
    return assign_seeds(grid(**axes), args.seed)


# ---------------------------------------------------------------- running
def _executor(args: argparse.Namespace):
    """The executor and its owner objects to close (a Dask client)."""
    if args.scheduler is not None:
        try:
            from distributed import Client
        except ImportError:
            raise UsageError("`--scheduler` needs the 'distributed' package "
                             "(pip install 'scaling-law-toolkit[distributed]')") from None
        if args.scheduler == "local":
            client = Client(processes=False, threads_per_worker=1, dashboard_address=None)
        else:
            client = Client(args.scheduler)
        return client.get_executor(), client
    if args.workers == 1:
        return None, None
    from concurrent.futures import ProcessPoolExecutor
    return ProcessPoolExecutor(max_workers=args.workers), None


def _line(p) -> str:
    from verify.sweeps.cache import canonical_json

    state = "cached  " if p.cached else "computed"
    width = len(str(p.total))
    return f"[{p.done:>{width}}/{p.total}] {state} {canonical_json(p.config)}"


def _check_options(args: argparse.Namespace) -> None:
    from asymptotics._lib.budget import check_memory

    for option, value in (("--chunksize", args.chunksize), ("--workers", args.workers)):
        if value < 1:
            raise UsageError(f"`{option}` must be a positive integer; got {value}")
    if args.seed < 0:
        raise UsageError(f"`--seed` must be an integer >= 0; got {args.seed}")
    check_memory("--workers", args.workers, args.workers * _WORKER_BYTES,
                 hint="use fewer worker processes (each is planned at 128 MiB), or --scheduler")


def run(args: argparse.Namespace) -> int:
    from asymptotics._lib.serialize import dumps
    from verify.sweeps.cache import SweepCache
    from verify.sweeps.run import SweepError, run_sweep
    from verify.sweeps.tasks import check_simulate_configs, simulate_task

    _check_options(args)
    task = _resolve_task(args.task)
    configs = _build_configs(args)
    if task is simulate_task:  # refuse a bad or oversized configuration before any work
        configs = check_simulate_configs(configs, force=args.force)
    progress = None if args.json else (lambda p: print(_line(p), flush=True))
    executor, client = _executor(args)
    cache = SweepCache(args.cache)
    try:
        sweep = run_sweep(task, configs, executor=executor, cache_dir=cache,
                          progress=progress, chunksize=args.chunksize)
    except SweepError as exc:  # finished configurations are cached; say why in one line
        cause = exc.__cause__
        line = f"{exc}; {type(cause).__name__}: {cause}".replace("\n", " ")
        if isinstance(cause, ValueError | TypeError):
            cache.discard_if_unused()  # a usage error leaves no directory behind
            raise UsageError(line) from None  # a bad configuration: exit 2
        print(f"verify sweep: error: {line}", file=sys.stderr)
        return 1
    finally:
        if client is not None:  # Dask's executor cancels what is left on wait=False
            executor.shutdown(wait=False)
            client.close()
        elif executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
    if args.json:
        print(dumps(sweep))
    else:
        print(f"{len(sweep.results)} configurations: {sweep.n_computed} computed, "
              f"{sweep.n_cached} from the cache {sweep.cache_dir}")
    return 0
