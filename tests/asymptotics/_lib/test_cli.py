"""The shared command-line framework: usage errors are one line and exit status 2."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from asymptotics._lib import validation as v
from asymptotics._lib.serialize import dumps


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("package", ["asymptotics", "verify"])
def test_unknown_command_is_one_line_exit_2(package):
    proc = _run("-m", package, "no-such-command")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("package", ["asymptotics", "verify"])
def test_help_exits_0(package):
    proc = _run("-m", package, "--help")
    assert proc.returncode == 0, proc.stderr
    assert "usage" in proc.stdout


class TestValidation:
    def test_int(self):
        assert v.check_int("d", 3, minimum=1) == 3
        assert v.check_int("d", 4.0) == 4
        with pytest.raises(ValueError, match=r"`d` must be a positive integer; got 0 \(int\)"):
            v.check_int("d", 0, minimum=1)
        with pytest.raises(TypeError, match=r"`d` must be an integer; got 2.5 \(float\)"):
            v.check_int("d", 2.5)
        with pytest.raises(TypeError, match="`d` must be an integer; got True"):
            v.check_int("d", True)

    def test_real(self):
        assert v.check_real("b", 2, gt=1) == 2.0
        with pytest.raises(ValueError, match=r"`b` must be > 1; got 1.0"):
            v.check_real("b", 1.0, gt=1)
        with pytest.raises(ValueError, match="not NaN"):
            v.check_real("b", float("nan"))
        with pytest.raises(ValueError, match="must be finite"):
            v.check_real("b", float("inf"))
        assert v.check_real("P", float("inf"), allow_inf=True) == float("inf")
        with pytest.raises(TypeError, match="`b` must be a real number; got 'x'"):
            v.check_real("b", "x")

    def test_array_and_grid(self):
        with pytest.raises(ValueError, match=r"`lam` must contain only finite numbers; entry \(1,\)"):
            v.check_real_array("lam", [1.0, float("nan")])
        with pytest.raises(ValueError, match="must be positive"):
            v.check_real_array("lam", [1.0, 0.0], positive=True)
        with pytest.raises(ValueError, match="strictly increasing"):
            v.check_sorted_int_grid("D", [4, 2])
        with pytest.raises(ValueError, match="at least one value"):
            v.check_sorted_int_grid("D", [])
        assert v.check_sorted_int_grid("D", [1, 2, 8]) == (1, 2, 8)

    def test_choice(self):
        with pytest.raises(ValueError, match=r"`loss` must be one of \['mse'\]; got 'l3'"):
            v.check_choice("loss", "l3", ["mse"])


def test_json_is_strict():
    assert dumps({"x": float("inf")}, indent=None) == '{"x": "inf"}'
    with pytest.raises(ValueError, match="NaN"):
        dumps({"x": float("nan")})


def test_json_keeps_every_mpmath_digit():
    import mpmath
    with mpmath.workdps(40):
        third = mpmath.mpf(1) / 3
    text = dumps({"x": third}, indent=None)
    # 40 decimal digits requested -> the mantissa carries >= 40 correct digits of 1/3
    assert text.startswith('{"x": "0.' + "3" * 39)


@pytest.mark.parametrize("package", ["asymptotics", "verify"])
def test_version(package, capsys):
    import importlib

    from asymptotics import __version__
    main = importlib.import_module(f"{package}.__main__").main
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and capsys.readouterr().out.strip() == f"{package} {__version__}"


class TestRanges:
    def test_log_range_both_ends_exact_and_evenly_spaced_in_log(self):
        import numpy as np

        from asymptotics._lib.cli import parse_float_list
        values = parse_float_list("10:1e6:25log")
        assert len(values) == 25 and values[0] == 10.0 and values[-1] == 1e6
        # an independent route: numpy's geomspace
        np.testing.assert_allclose(values, np.geomspace(10, 1e6, 25), rtol=1e-13)

    def test_linear_range_and_mixtures(self):
        from asymptotics._lib.cli import parse_float_list, parse_int_list
        assert parse_int_list("10:100:10") == list(range(10, 101, 10))
        assert parse_float_list("0.1:0.5:0.1") == pytest.approx([0.1, 0.2, 0.3, 0.4, 0.5])
        assert parse_float_list("1,10:30:10,inf") == [1.0, 10.0, 20.0, 30.0, float("inf")]
        assert parse_int_list("10:25:10") == [10, 20]                # stop not reached
        assert parse_int_list("1:10:20log") == list(range(1, 11))    # rounded, repeats dropped
        assert parse_int_list("16,32") == [16, 32]

    @pytest.mark.parametrize(("text", "message"), [
        ("10:1:5log", "START < STOP"), ("0:10:5log", "START > 0"),
        ("1:10:1log", "integer >= 2"), ("1:10:xlog", "integer >= 2"),
        ("1:10:0", "positive number"), ("1:10:-1", "positive number"),
        ("1:inf:5log", "finite"), ("1:10", "START:STOP:STEP or START:STOP:Nlog"),
        ("1:x:2", "'x' is not a number in the range '1:x:2'"),
        ("1:1e9:1", "at most 100000 points"), ("1:10:1000000log", "at most 100000 points"),
    ])
    def test_clear_errors(self, text, message):
        import argparse

        from asymptotics._lib.cli import parse_float_list
        with pytest.raises(argparse.ArgumentTypeError, match=re.escape(message)):
            parse_float_list(text)

    def test_integer_ranges_need_integer_steps(self):
        import argparse

        from asymptotics._lib.cli import parse_int_list
        with pytest.raises(argparse.ArgumentTypeError, match="integer START and STEP"):
            parse_int_list("1:2:0.5")

    def test_on_the_command_line(self, capsys):
        from asymptotics.__main__ import main
        assert main(["curve", "--D", "10:1:3log"]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert err == ["asymptotics curve: argument --D: a range needs START < STOP; got "
                       "'10:1:3log'"]


def test_write_failures_exit_3(monkeypatch, capsys):
    """ENOSPC, EROFS, EFBIG are not usage errors: exit EXIT_IO with one line; a missing
    input file stays a usage error (2)."""
    import errno
    import types

    from asymptotics._lib import cli

    def command(exc):
        def add_arguments(parser):
            return None

        def run(args):
            raise exc
        return types.SimpleNamespace(NAME="x", HELP="x", add_arguments=add_arguments, run=run)

    monkeypatch.setattr(cli.importlib, "import_module", lambda name: command(current))
    for current, status in [(OSError(errno.ENOSPC, "No space left on device", "/o/t.tex"), 3),
                            (OSError(errno.EROFS, "Read-only file system", "/o"), 3),
                            (OSError(errno.EFBIG, "File too large", "/o/r.json"), 3),
                            (FileNotFoundError(errno.ENOENT, "No such file", "in.csv"), 2)]:
        assert cli.main("prog", "d", ["m"], ["x"]) == status
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("prog: error: ")
        if status == 3:
            assert f"cannot write {current.filename}" in err[0]
    assert cli.EXIT_IO == 3
