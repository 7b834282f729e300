"""User text never executes: payloads on every library function that takes a string and on every
string option of `python -m asymptotics exponents` (issue 11, "sympify/parse_expr of user text
only with a whitelist")."""

from __future__ import annotations

import subprocess
import sys

import pytest
import sympy as sp

from asymptotics._lib.validation import check_expression
from asymptotics.symbols import f, y


def _payloads(marker):
    return [f"__import__('os').system('touch {marker}')",
            "().__class__.__bases__[0].__subclasses__()",
            "lambda: 0", "exec('1')", f"eval(\"open('{marker}', 'w')\")",
            "f.__class__", "__builtins__", "(f - y).__class__.__mro__",
            "[c for c in ().__class__.__base__.__subclasses__()]", "f; import os",
            "getattr(f, '__class__')", "Symbol('x')", "sympify('1')", "S('1')"]


def _library_calls():
    from asymptotics.derivation import Derivation
    from asymptotics.kernel_spectra import kernel_decay, smoothness_bound
    from asymptotics.resolution import (
        interpolant_order,
        loss_order,
        nn_distance_law,
        resolution_exponent,
    )
    from asymptotics.tails import hurwitz_tail, tail_law
    from asymptotics.variance import loss_expression, variance_limited

    return {
        "loss_expression": loss_expression,
        "variance_limited": variance_limited,
        "variance_limited(axis)": lambda p: variance_limited("squared", p),
        "loss_order": loss_order,
        "resolution_exponent(loss)": lambda p: resolution_exponent(2, p),
        "resolution_exponent(model)": lambda p: resolution_exponent(2, "squared", p),
        "resolution_exponent(d)": lambda p: resolution_exponent(p),
        "interpolant_order": interpolant_order,
        "nn_distance_law(k)": lambda p: nn_distance_law(2, p),
        "kernel_decay(kernel)": lambda p: kernel_decay(p, 2),
        "kernel_decay(nu)": lambda p: kernel_decay("matern", 2, nu=p),
        "kernel_decay(degree)": lambda p: kernel_decay("arccos", 2, degree=p),
        "smoothness_bound": lambda p: smoothness_bound(p, 2),
        "tail_law": tail_law,
        "hurwitz_tail": hurwitz_tail,
        "Derivation(exponent)": lambda p: Derivation("alpha_D", p, None, "spectrum", (), "x"),
        "Derivation(prefactor)": lambda p: Derivation("alpha_D", 1, p, "spectrum", (), "x"),
        "Derivation(steps)": lambda p: Derivation("alpha_D", 1, None, "spectrum", (), "x",
                                                  (("step", p),)),
        "check_expression": lambda p: check_expression("expr", p, {"f": f, "y": y}),
    }


@pytest.mark.parametrize("call", sorted(_library_calls()))
def test_library_functions_refuse_payloads_without_running_them(call, tmp_path):
    marker = tmp_path / "pwned_x"
    fn = _library_calls()[call]
    for payload in _payloads(marker):
        with pytest.raises((ValueError, TypeError)) as info:
            fn(payload)
        assert "\n" not in str(info.value)
        assert not marker.exists(), (call, payload)


OPTIONS = ["--loss", "--model", "--kernel", "--d", "--nu", "--degree", "--a", "--b", "--alpha-K"]


@pytest.mark.parametrize("option", OPTIONS)
def test_every_string_option_of_exponents_refuses_payloads(option, tmp_path):
    marker = tmp_path / "pwned_x"
    base = {"--nu": ["--kernel", "matern", "--d", "2"],
            "--degree": ["--kernel", "arccos", "--d", "2"], "--a": ["--b", "2"],
            "--kernel": ["--d", "2"]}.get(option, [])
    for payload in _payloads(marker)[:6]:
        proc = subprocess.run([sys.executable, "-m", "asymptotics", "exponents", *base, option,
                               payload], capture_output=True, text=True, timeout=20)
        assert proc.returncode == 2, (option, payload, proc.stderr)
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert "Traceback" not in proc.stderr
        assert not marker.exists(), (option, payload)


def test_whitelisted_expressions_parse_exactly():
    names = {"f": f, "y": y}
    assert check_expression("e", "(f - y)**4", names) == (f - y) ** 4
    assert check_expression("e", "abs(f - y)^3", names) == sp.Abs(f - y) ** 3
    assert check_expression("e", "0.5*(f-y)**2", names) == (f - y) ** 2 / 2  # exact rational
    assert check_expression("e", "sqrt(1 + (f - y)**2) - 1", names) == \
        sp.sqrt(1 + (f - y) ** 2) - 1
    for bad, why in (("x", "name 'x'"), ("f**f", "exponent"), ("(2**64)**64", "towers"),
                     ("1e400", "not finite"), ("1j", "real number"), ("f if y else 1", "IfExp"),
                     ("Max(f, key=1)", "positional"), ("f" + "+f" * 200, "characters")):
        with pytest.raises(ValueError, match=why):
            check_expression("e", bad, names)
    with pytest.raises(TypeError, match="`e` must be a string"):
        check_expression("e", 3, names)


def test_a_loss_expression_derives_like_the_sympy_expression():
    """The text route and the sympy-object route give the same exponents (c = n_L m)."""
    from asymptotics.resolution import resolution_exponent
    from asymptotics.variance import variance_limited

    text = resolution_exponent(3, "abs(f - y)**3", "piecewise_linear")
    obj = resolution_exponent(3, sp.Abs(f - y) ** 3, "piecewise_linear")
    assert text.exponent == obj.exponent == sp.Integer(2)  # n_L = 3, m = 2: c/d = 6/3
    assert variance_limited("(f - y)**4").exponent == variance_limited("quartic").exponent == 1
