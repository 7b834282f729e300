"""``python -m verify sweep``: run a cached, resumable sweep on any executor (docs/sweeps.md).

Configurations come from a JSON file (``--configs``) or a grid (``--b 1.5,2 --P 64,128``
for the simulator; ``--axis KEY=V1,V2`` and ``--set KEY=VALUE`` for any task). Each one
gets a seed derived from ``--seed`` and its content (docs/sweeps.md (SW.2)). One line is
printed per configuration as it finishes; with ``--json`` the whole run is printed as JSON
at the end instead. Ctrl-C (or a kill) loses nothing already printed: rerun the same
command and it resumes from the cache.

The built-in tasks are defined here, at top level so that every executor can pickle them:

* ``simulate``: the Gaussian-design least-squares simulator (``verify.simulator.simulate``);
* ``lstsq``: a seeded random least-squares problem, a small deterministic workload for
  trying an executor or a cluster.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import os
import shutil
import sys
from typing import Any

from asymptotics._lib.cli import UsageError, parse_float_list, parse_int_list

__all__ = ["HELP", "NAME", "add_arguments", "lstsq_task", "run", "simulate_task"]

NAME = "sweep"
HELP = "run a grid of configurations on any executor, cached on disk and resumable"

_SIM_AXES = ("b", "a", "P", "ridge", "noise")
_SIM_FIXED = ("S", "D", "student", "seeds")


# ---------------------------------------------------------------- built-in tasks
def lstsq_task(config: dict[str, Any]) -> dict[str, Any]:
    """Solve a seeded random least-squares problem (a small, deterministic workload).

    Config: ``n`` samples, ``m`` features (``n >= m``), ``noise`` (label noise standard
    deviation, default 0.1) and ``seed``. Draws ``X ~ N(0, 1)^{n x m}``, ``w ~ N(0, I/m)``,
    ``y = X w + noise * eps`` and returns the least-squares coefficients, their squared
    error ``|w_hat - w|^2`` and the mean squared training residual.
    """
    import numpy as np

    from asymptotics._lib.validation import check_int, check_real

    n = check_int("n", config.get("n"), minimum=1)
    m = check_int("m", config.get("m"), minimum=1)
    if n < m:
        raise ValueError(f"`n` must be >= `m` for an overdetermined problem; got n={n}, m={m}")
    noise = check_real("noise", config.get("noise", 0.1), ge=0.0)
    rng = np.random.default_rng(check_int("seed", config.get("seed"), minimum=0))
    x = rng.standard_normal((n, m))
    w = rng.standard_normal(m) / np.sqrt(m)
    y = x @ w + noise * rng.standard_normal(n)
    w_hat = np.linalg.lstsq(x, y, rcond=None)[0]
    return {"coef": w_hat, "coef_error": float(np.sum((w_hat - w) ** 2)),
            "train_mse": float(np.mean((x @ w_hat - y) ** 2))}


def simulate_task(config: dict[str, Any]) -> dict[str, Any]:
    """Run ``verify.simulator.simulate.simulate_sweep`` for one JSON configuration.

    Config: ``b`` (spectrum ``lambda_i = i**(-b)``), ``S`` (its size), ``a`` (power-law
    target ``p_i = i**(-a)``) or ``a = None``/absent (Bahri's isotropic teacher), ``D`` (list
    of training-set sizes), ``P`` (student features; None: all ``S``, the kernel limit),
    ``student`` (``"projection"`` or ``"top"``), ``ridge``, ``noise``, ``seeds`` (independent
    draws) and ``seed``. Returns the fields of the simulator's result as plain data (arrays
    stay arrays).
    """
    from asymptotics.model import PowerLawSpectrum, Target
    from verify.simulator.simulate import simulate_sweep

    spectrum = PowerLawSpectrum(config["b"], size=config["S"])
    a = config.get("a")
    target = Target.isotropic() if a is None else Target.power_law(a)
    result = simulate_sweep(spectrum, target, D=config["D"], P=config["P"],
                            student=config["student"], ridge=config["ridge"],
                            noise=config["noise"], seeds=config["seeds"], seed=config["seed"])
    return {f.name: _plain(getattr(result, f.name)) for f in dataclasses.fields(result)}


def _plain(value: Any) -> Any:
    """``value`` if the cache codec stores it exactly, else its JSON form (``to_jsonable``)."""
    from asymptotics._lib.serialize import to_jsonable
    from verify.sweeps.cache import encode_result

    try:
        encode_result(value)
    except TypeError:
        return to_jsonable(value)
    return value


_TASKS = {"lstsq": lstsq_task, "simulate": simulate_task}


# ---------------------------------------------------------------- arguments
def add_arguments(parser: argparse.ArgumentParser) -> None:
    src = parser.add_argument_group("configurations")
    src.add_argument("--task", default="simulate",
                     help="'simulate' (default), 'lstsq', or MODULE:FUNCTION of any top-level "
                          "task(config) -> result")
    src.add_argument("--configs", metavar="FILE",
                     help="JSON file holding a list of configurations (instead of a grid)")
    src.add_argument("--axis", action="append", default=[], metavar="KEY=V1,V2",
                     help="a grid axis; values are JSON (numbers, strings, lists); repeatable")
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
    run_.add_argument("--json", action="store_true", help="print the whole run as JSON")


def _resolve_task(spec: str):
    if spec in _TASKS:
        return _TASKS[spec]
    module, sep, attr = spec.partition(":")
    if not sep or not module or not attr:
        raise UsageError(f"`--task` must be one of {sorted(_TASKS)} or MODULE:FUNCTION; "
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


def _key_values(option: str, items: list[str]) -> list[tuple[str, str]]:
    out = []
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"`{option}` must look like KEY=VALUE; got {item!r}")
        out.append((key, value))
    return out


def _simulator_axes(args: argparse.Namespace) -> dict[str, list[Any]]:
    axes: dict[str, list[Any]] = {
        "b": args.b or [2.0], "a": args.a or [None], "P": args.P or [256],
        "ridge": args.ridge or [0.0], "noise": args.noise or [0.0],
        "S": [512 if args.S is None else args.S], "D": [args.D or [16, 32, 64, 128]],
        "student": [args.student or "projection"], "seeds": [4 if args.seeds is None else args.seeds],
    }
    return axes


def _build_configs(args: argparse.Namespace) -> list[dict[str, Any]]:
    from verify.sweeps.run import assign_seeds, derive_seed, grid

    sim_given = [k for k in (*_SIM_AXES, *_SIM_FIXED) if getattr(args, k) is not None]
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
    axes = _simulator_axes(args) if args.task == "simulate" else {}
    for key, value in _key_values("--axis", args.axis):
        axes[key] = [_json_value("--axis", v) for v in value.split(",")]
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
    workers = args.workers
    if workers < 1:
        raise UsageError(f"`--workers` must be a positive integer; got {workers}")
    if workers == 1:
        return None, None
    from concurrent.futures import ProcessPoolExecutor
    return ProcessPoolExecutor(max_workers=workers), None


def _line(p) -> str:
    from verify.sweeps.cache import canonical_json

    state = "cached  " if p.cached else "computed"
    width = len(str(p.total))
    return f"[{p.done:>{width}}/{p.total}] {state} {canonical_json(p.config)}"


def run(args: argparse.Namespace) -> int:
    from asymptotics._lib.serialize import dumps
    from verify.sweeps.run import SweepError, run_sweep

    task = _resolve_task(args.task)
    configs = _build_configs(args)
    if args.chunksize < 1:
        raise UsageError(f"`--chunksize` must be a positive integer; got {args.chunksize}")
    progress = None if args.json else (lambda p: print(_line(p), flush=True))
    executor, client = _executor(args)
    fresh_cache = not os.path.exists(args.cache)
    try:
        sweep = run_sweep(task, configs, executor=executor, cache_dir=args.cache,
                          progress=progress, chunksize=args.chunksize)
    except SweepError as exc:  # finished configurations are cached; say why in one line
        cause = exc.__cause__
        line = f"{exc}; {type(cause).__name__}: {cause}".replace("\n", " ")
        if isinstance(cause, ValueError | TypeError):
            if fresh_cache and not any(files for _, _, files in os.walk(args.cache)):
                shutil.rmtree(args.cache, ignore_errors=True)  # a usage error leaves no file
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
