"""The real-data summary figures: which outcomes are points of Fig. 2b, and what is drawn."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from verify.output.real_figures import real_data_figures, scatter_points

pytest.importorskip("matplotlib")


def _outcome(name, axis="D", pool=4, depth=3, activation="relu", kernel="nngp", alpha_k=0.35,
             measured=0.45, agrees=True, **config):
    return SimpleNamespace(
        name=name, agrees=agrees,
        config={"axis": axis, "pool": pool, "depth": depth, "activation": activation,
                "kernel": kernel, "noise": 0.0, **config},
        extra={"alpha_K": alpha_k, "alpha_K_ci": [alpha_k - 0.01, alpha_k + 0.01],
               "de_slope": measured + 0.002, "eigenfunction_kurtosis": 3.4},
        fit=SimpleNamespace(alpha=measured, alpha_ci=(measured - 0.01, measured + 0.01)),
        values=SimpleNamespace(max_rel_dev=0.02))


def test_nothing_is_drawn_without_two_points():
    assert real_data_figures([]) == {}
    assert real_data_figures([_outcome("real-resolution-D")]) == {}
    other = SimpleNamespace(name="rf-resolution-D", extra={}, config={})
    assert real_data_figures([other, _outcome("real-resolution-D")]) == {}


def test_noise_and_rotated_outcomes_are_not_points_of_fig2b():
    rows = scatter_points([
        _outcome("real-resolution-D"), _outcome("real-resolution-P", axis="P"),
        _outcome("real-noise-1-D", noise=1.0),
        _outcome("real-resolution-D-pool7-depth1-rotated", eigenvectors="Haar-random"),
        SimpleNamespace(name="real-variance-D", extra={}, config={"axis": "D"})])
    assert [r["name"] for r in rows] == ["real-resolution-D", "real-resolution-P"]
    assert rows[1]["axis"] == "P" and rows[0]["measured_ci"] == (0.44, 0.46)


def test_scatter_draws_every_point_with_both_intervals_and_the_diagonal():
    outs = [_outcome(f"real-resolution-{a}-pool{k}", axis=a, pool=k, alpha_k=0.2 * k,
                     measured=0.1 + 0.15 * k, agrees=k != 7, activation=act)
            for k in (2, 4, 7) for a in ("D", "P") for act in ("relu", "erf")]
    figs = real_data_figures(outs)
    assert set(figs) == {"real-fig2b", "real-de-accuracy"}
    left, right = figs["real-fig2b"].axes
    # one errorbar container per outcome on each panel; x error bars (the alpha_K interval)
    # only on the left
    assert len(left.containers) == len(right.containers) == len(outs)
    assert left.containers[0].has_xerr and not right.containers[0].has_xerr
    ys = sorted(c.lines[0].get_ydata()[0] for c in left.containers)
    np.testing.assert_allclose(ys, sorted(r.fit.alpha for r in outs))
    # the dashed line alpha = alpha_K lies on the diagonal
    diag = [ln for ln in left.lines if ln.get_linestyle() == "--"]
    assert len(diag) == 1
    x, y = diag[0].get_data()
    np.testing.assert_allclose(x, y)
    labels = [t.get_text() for t in left.get_legend().get_texts()]
    assert "verdict: disagree" in labels and "erf NNGP" in labels
    acc = figs["real-de-accuracy"].axes[0]
    # one marker per D outcome, and a cross on each that disagrees
    marks = [ln.get_marker() for ln in acc.lines]
    assert marks.count("x") == 2 and len(marks) - marks.count("x") - 1 == 6
