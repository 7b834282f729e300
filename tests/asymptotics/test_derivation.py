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
    assert len(REGIMES) == 9   # 6 of the paper's regimes, 3 of training time and compute
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


def _library_derivations():
    """Every Derivation the top-level theory modules build (one per distinct source)."""
    from asymptotics.kernel_spectra import kernel_decay, smoothness_bound
    from asymptotics.resolution import nn_distance_law, resolution_exponent
    from asymptotics.tails import tail_law
    from asymptotics.variance import variance_limited

    yield variance_limited("squared", "data")
    yield variance_limited("absolute", "width")
    yield nn_distance_law(2, 1)
    yield resolution_exponent(3, "squared", "piecewise_linear", "data")
    yield resolution_exponent(3, "absolute", "lipschitz", "parameters")
    yield kernel_decay("matern", 2, nu=1.5)
    yield kernel_decay("arccos", 2, degree=0)
    yield smoothness_bound(2, 3)
    yield tail_law(2)


def test_every_source_cites_inside_the_project():
    """A source names a docs equation label that exists, or a paper listed in docs/references.md;
    never the team's notes outside the repository ("THEORY §")."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    refs = (root / "docs" / "references.md").read_text(encoding="utf-8")
    for der in _library_derivations():
        src = der.source
        assert "THEORY" not in src and "§" not in src, src
        pages = re.findall(r"(docs/[\w./-]+\.md)((?:\s*[-–,]?\s*\([A-Z]+\.\d+[a-z]?\))+)", src)
        assert pages, f"{der.quantity}: no docs equation cited in {src!r}"
        for page, run in pages:
            text = (root / page).read_text(encoding="utf-8")
            for label in re.findall(r"\(([A-Z]+\.\d+)[a-z]?\)", run):
                assert re.search(r"\$\$[ \t]*\(" + re.escape(label) + r"\)[ \t]*$", text, re.M), \
                    f"{page} has no equation ({label}), cited by {src!r}"
        for surname, year in re.findall(r"([A-Z][a-zü]+)(?: et al\.| & [A-Z][a-z]+)? (\d{4})",
                                        src):
            key = surname.lower().replace("ü", "u") + year
            assert f"[{key}]" in refs, f"docs/references.md lacks {key}, cited by {src!r}"
        if "Bahri et al." in src:
            assert "[bahri2021]" in refs


def _from_record(rec: dict) -> Derivation:
    fields = {f.name for f in dataclasses.fields(Derivation)}
    kw = {k: v for k, v in rec.items() if k in fields}
    kw["conditions"] = tuple(kw["conditions"])
    kw["steps"] = tuple(tuple(s) for s in kw["steps"])
    return Derivation(**kw)


def test_rebuilt_from_the_commands_json_and_payloads_do_not_run(tmp_path, capsys):
    """Issue #18: a Derivation rebuilt from its own ``exponents --json`` output parses every
    string with the restricted parser: the round trip is exact, and a payload placed in any
    expression field raises a one-line ValueError without running (the sentinel file the
    payload would create stays absent)."""
    from asymptotics.__main__ import main

    assert main(["exponents", "--b", "2.5", "--a", "3", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)["derivations"]
    assert records
    for rec in records:
        # the exponent and prefactor round-trip exactly; the steps' text may hold powers
        # such as 2**(1/4) that the validator's whitelist refuses (a refusal, never a run)
        again = _from_record({**rec, "steps": []})
        got = again.to_dict()
        for key in ("exponent", "prefactor", "value", "quantity", "regime", "conditions"):
            assert got[key] == rec[key], key
    sentinel = tmp_path / "ran"
    payloads = [f"__import__('os').system('touch {sentinel}') + 1",
                "().__class__.__base__.__subclasses__()",
                "(lambda: 1)()", "b.__class__"]
    rec = records[0]
    for payload in payloads:
        for field in ("exponent", "prefactor", "steps"):
            bad = dict(rec)
            if field == "steps":
                bad["steps"] = [["law", payload]]
            else:
                bad[field] = payload
            with pytest.raises(ValueError) as info:
                _from_record(bad)
            assert "\n" not in str(info.value)
    assert not sentinel.exists()
