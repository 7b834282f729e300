"""The shared command-line framework: usage errors are one line and exit status 2."""

from __future__ import annotations

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
