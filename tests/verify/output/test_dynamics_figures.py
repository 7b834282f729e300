"""The (P, t) landscape figure (issue #14): drawn from the compute-optimal outcome's data.

Default run: the builder on a small analytic landscape ``L = 1/P + t^-1/2`` (its frontier
by a plain loop). Slow: the quick run of ``dynamics-compute-optimal-L``, written to and read
back from a checkpoint (the path a resumed report takes); the frontiers it carries are
checked against the same plain loop over the landscape it carries.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest

from verify.output.dynamics_figures import LANDSCAPE_SCENARIO, dynamics_figures
from verify.output.report import CheckpointStore
from verify.scenarios import dynamics
from verify.scenarios.base import ScenarioOutcome


def _analytic() -> dict:
    P = np.array([2.0, 4.0, 8.0, 16.0])
    C = np.array([64.0, 2048.0])
    t = np.unique(np.maximum(np.round(np.outer(1 / P, C)), 1).ravel())
    L = 1 / P[:, None] + t[None, :] ** -0.5
    front = _frontier_loop(L, P, t, C)
    return {"P": P.tolist(), "t": t.tolist(), "C": C.tolist(), "simulated": L.tolist(),
            "theory": (1.1 * L).tolist(), "frontier_simulated": {"P": front, "L": [0, 0]},
            "frontier_theory": {"P": front, "L": [0, 0]}, "x": 1 / 3, "y": 1 / 3,
            "seeds": 2}


def test_builder_draws_the_landscape_only_from_its_scenario():
    data = _analytic()
    # the grid point nearest the minimum P = (4C)^(1/3) of 1/P + sqrt(P/C): 6.3 and 20.2
    assert data["frontier_simulated"]["P"] == [8.0, 16.0]
    figs = dynamics_figures([SimpleNamespace(name=LANDSCAPE_SCENARIO,
                                             extra={"landscape": data})])
    assert list(figs) == ["dynamics-landscape"]
    axes = figs["dynamics-landscape"].axes
    assert len(axes) == 4  # theory, simulation, P*(C), and the colorbar
    assert axes[1].get_title().startswith("simulation")
    assert dynamics_figures([]) == {}
    assert dynamics_figures([SimpleNamespace(name="dynamics-time-limited",
                                             extra={"landscape": data})]) == {}
    bad = {**data, "theory": data["theory"][:2]}
    with pytest.raises(ValueError, match=r"`landscape.theory` must have shape \(4, "):
        dynamics_figures([SimpleNamespace(name=LANDSCAPE_SCENARIO, extra={"landscape": bad})])


@pytest.fixture(scope="module")
def outcome(tmp_path_factory):
    scenario = next(s for s in dynamics.SCENARIOS if s.name == LANDSCAPE_SCENARIO)
    fresh = scenario.run(True, 0)
    store = CheckpointStore(tmp_path_factory.mktemp("ck"))
    key = {"scenario": fresh.name}
    store.write("0" * 32, key, fresh.to_data())
    back = ScenarioOutcome.from_data(store.read("0" * 32, key))
    assert json.dumps(back.extra["landscape"], allow_nan=False)  # plain, strict JSON
    return fresh, back


def _frontier_loop(L: np.ndarray, P: np.ndarray, t: np.ndarray, C: np.ndarray) -> list:
    """For each C, the P of the grid minimizing L(P, round(C/P)) (t >= 1), one by one."""
    out = []
    for c in C:
        best, arg = np.inf, None
        for i, p in enumerate(P):
            step = max(round(c / p), 1)
            j = int(np.flatnonzero(t == step)[0])
            if L[i, j] < best:
                best, arg = L[i, j], p
        out.append(float(arg))
    return out


@pytest.mark.slow
def test_landscape_survives_the_checkpoint_and_its_frontiers_are_the_grid_minima(outcome):
    fresh, back = outcome
    a, b = fresh.extra["landscape"], back.extra["landscape"]
    assert a == b
    P, t, C = (np.asarray(b[k], float) for k in ("P", "t", "C"))
    for which in ("simulated", "theory"):
        L = np.asarray(b[which])
        assert L.shape == (P.size, t.size) and np.isfinite(L).all()
        assert b[f"frontier_{which}"]["P"] == _frontier_loop(L, P, t, C)
    assert b["x"] == pytest.approx(1 / 3)


@pytest.mark.slow
def test_figure_is_drawn_from_the_checkpointed_outcome(outcome):
    _, back = outcome
    figs = dynamics_figures([back])
    assert list(figs) == ["dynamics-landscape"]
