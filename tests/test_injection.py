"""No text given on a command line is ever run as code (issue 11: no eval/exec of user text).

The options are discovered from the argparse parsers themselves (the framework's
``build_parser`` over every command module of both command lines), so a new option is
covered the day it is added. Every option that takes text, and every positional, receives
payloads that would run code if anything ``eval``\\ ed, ``exec``\\ ed, ``sympify``\\ ed
without a whitelist, or unpickled it: creating a marker file through ``os.system``,
walking ``object.__subclasses__()``. The command must then exit 0 (the text was taken as
plain data) or 2 (refused as a usage error), within 20 s, with no traceback, and the
marker file must not exist. The other arguments of each command are small valid values,
so an accepted payload still finishes in a moment. Cases run in-process through
``__main__.main(argv)`` (fast) inside a fresh working directory.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from asymptotics._lib.cli import build_parser, discover_commands

LIMIT_S = 20
REPO = Path(__file__).resolve().parents[1]
# Run as a real process: a refused Dask address leaves a half-built distributed.Client
# whose finalizer blocks for up to 60 s when garbage-collected, which in-process would
# stall (and warn inside) whichever later test triggers the collection.
IN_A_PROCESS = {("verify", "sweep", "--scheduler")}
PAYLOADS = (
    "__import__('os').system('touch {marker}')",
    "().__class__.__bases__[0].__subclasses__()",
    "x=__import__('os').system('touch {marker}')",   # for KEY=VALUE options
)

# Small valid values for each command's other arguments ("" marks a flag); the option
# under test replaces its own entry. "FILE" stands for the command's positional.
BASE: dict[tuple[str, str], dict[str, str]] = {
    ("asymptotics", "exponents"): {"--d": "2"},
    ("asymptotics", "curve"): {"--D": "100", "--dps": "15"},
    ("verify", "dimension"): {"FILE": "points.npy", "--bootstrap": "10"},
    ("verify", "fit"): {"FILE": "curve.csv", "--resamples": "10"},
    ("verify", "interpolate"): {"--d": "1", "--D": "8,16", "--seeds": "1", "--n-test": "16"},
    ("verify", "report"): {"--list": ""},
    ("verify", "simulate"): {"--S": "16", "--D": "4,8", "--P": "4", "--seeds": "2"},
    ("verify", "spectrum"): {"--n": "64"},
    ("verify", "sweep"): {"--S": "16", "--D": "4,8", "--P": "4", "--seeds": "1", "--b": "2",
                          "--cache": "cache"},
}


def text_options() -> list[tuple[str, str, str]]:
    """``(program, command, option)`` for each option or positional that takes text.

    Options typed ``int`` or ``float`` are left out (argparse converts them before any
    command code sees them); flags take no value. A positional is named ``"FILE"``.
    """
    out = []
    for prog in ("asymptotics", "verify"):
        modules = [importlib.import_module(m) for m in discover_commands(f"{prog}.commands")]
        parser = build_parser(prog, "", modules)
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        for command, subparser in sorted(sub.choices.items()):
            for action in subparser._actions:
                if action.nargs == 0 or action.type in (int, float):
                    continue
                option = action.option_strings[0] if action.option_strings else "FILE"
                out.append((prog, command, option))
    return out


CASES = [(prog, command, option, payload) for prog, command, option in text_options()
         for payload in PAYLOADS]


def argv_for(prog: str, command: str, option: str, payload: str) -> list[str]:
    """The command line: the base values, with ``option`` given ``payload`` instead."""
    base = dict(BASE.get((prog, command), {}))
    base.pop(option, None)
    argv = [command]
    for key, value in base.items():
        if key == "FILE":
            argv.append(value)
        else:
            argv += [key] if value == "" else [key, value]
    argv += [payload] if option == "FILE" else [option, payload]
    return argv


def test_every_command_has_text_options_found():
    found = {(p, c) for p, c, _ in text_options()}
    assert {("asymptotics", "exponents"), ("verify", "sweep"), ("verify", "fit")} <= found
    assert ("verify", "fit", "FILE") in set(text_options())
    assert all(o != "--seed" for _, _, o in text_options())   # int-typed: left out


def test_argv_for_replaces_the_option_under_test():
    assert argv_for("verify", "fit", "FILE", "X") == ["fit", "--resamples", "10", "X"]
    assert argv_for("verify", "report", "--out", "X") == ["report", "--list", "--out", "X"]


class _TooSlow(BaseException):
    """Raised by the alarm; a BaseException, so the framework's handlers do not catch it."""


def _alarm(signum, frame):
    raise _TooSlow


def _inputs(where: Path) -> None:
    rng = np.random.default_rng(0)
    np.save(where / "points.npy", rng.random((60, 2)))
    (where / "curve.csv").write_text(
        "size,loss\n" + "".join(f"{n},{n ** -0.5!r}\n" for n in (10, 20, 40, 80, 160)),
        encoding="utf-8")


@pytest.mark.parametrize(("prog", "command", "option", "payload"), CASES,
                         ids=[f"{p}-{c}-{o}-{i % len(PAYLOADS)}"
                              for i, (p, c, o, _) in enumerate(CASES)])
def test_text_option_never_runs_as_code(prog, command, option, payload, tmp_path,
                                        monkeypatch, capsys):
    _inputs(tmp_path)
    marker = tmp_path / "MARKER"
    argv = argv_for(prog, command, option, payload.format(marker=marker))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SCALING_TOOLKIT_DEBUG", raising=False)
    if (prog, command, option) in IN_A_PROCESS:
        env = {k: v for k, v in os.environ.items() if k != "SCALING_TOOLKIT_DEBUG"}
        env["PYTHONPATH"] = str(REPO)
        try:
            proc = subprocess.run([sys.executable, "-m", prog, *argv], cwd=tmp_path, env=env,
                                  capture_output=True, text=True, timeout=LIMIT_S, check=False)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{prog} {argv}: still running after {LIMIT_S} s")
        assert not marker.exists(), f"{prog} {argv} ran the payload: {marker} was created"
        assert proc.returncode in (0, 2), (proc.returncode, proc.stderr[-1000:])
        assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
        return
    main = importlib.import_module(f"{prog}.__main__").main
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, LIMIT_S)
    try:
        status = main(argv)
    except _TooSlow:
        pytest.fail(f"{prog} {argv}: still running after {LIMIT_S} s")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    out, err = capsys.readouterr()
    assert not marker.exists(), f"{prog} {argv} ran the payload: {marker} was created"
    assert status in (0, 2), (status, err[-1000:])
    assert "Traceback" not in err and "Traceback" not in out, err[-2000:]
    if status == 2:
        assert len(err.strip().splitlines()) == 1, err[-2000:]
