"""The shared Derivation result object: validation, rendering, JSON."""

from __future__ import annotations

import dataclasses
import json
import math

import pytest
import sympy as sp

from asymptotics._lib.serialize import dumps
from asymptotics.derivation import REGIMES, Derivation
from asymptotics.symbols import D, exact


def _example(**kw):
    base = dict(quantity="alpha_D", exponent=sp.Rational(4, 3), prefactor=sp.pi**2 / 4,
                regime="resolution-limited (data)", conditions=("smooth_target & 50% {x}",),
                source="Bahri et al. Theorem 2", steps=(("law", D ** sp.Rational(-4, 3)),))
    base.update(kw)
    return Derivation(**base)


def test_fields_and_value():
    der = _example()
    assert der.value == pytest.approx(4 / 3)
    assert der.holds
    assert _example(exponent=sp.oo, regime="spectrum").value == math.inf
    with pytest.raises(TypeError, match="symbolic"):
        _ = _example(exponent=sp.Symbol("b") - 1).value
    with pytest.raises(dataclasses.FrozenInstanceError):
        der.exponent = 1


def test_regime_is_validated():
    assert len(REGIMES) == 6
    with pytest.raises(ValueError, match=r"`regime` must be one of .*got 'weird'"):
        _example(regime="weird")


def test_latex_text_and_jupyter():
    der = _example()
    tex = der.latex()
    assert tex.startswith("\\begin{aligned}") and tex.endswith("\\end{aligned}")
    assert r"\alpha_{D} &= \frac{4}{3}" in tex
    assert r"smooth\_target \& 50\% \{x\}" in tex  # LaTeX specials escaped once
    assert der._repr_latex_() == f"$${tex}$$"
    text = der.text()
    assert text.splitlines()[0] == "alpha_D = 4/3  (resolution-limited (data))"
    assert "source: Bahri et al. Theorem 2" in text
    assert "[conditions FAIL]" in _example(holds=False).text()


def test_to_dict_is_json():
    data = json.loads(dumps(_example(exponent=sp.oo, regime="spectrum", prefactor=None)))
    assert data["value"] == "inf" and data["exponent"] == "oo" and data["prefactor"] is None
    assert data["steps"] == [["law", "D**(-4/3)"]]
    assert json.loads(dumps(_example()))["value"] == pytest.approx(4 / 3)


def test_exact_numbers():
    assert exact(1.5) == sp.Rational(3, 2)
    assert exact(0.1) == sp.Rational(1, 10)
    assert exact(3) == 3 and exact(sp.pi) == sp.pi
    with pytest.raises(TypeError, match="bool"):
        exact(True)
