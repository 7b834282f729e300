"""Tests for verify.manifolds.interpolation: periodic interpolation and its resolution exponents."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from verify.manifolds.interpolation import (
    expected_exponent,
    interpolate_torus,
    interpolation_sweep,
    loglog_slope,
    torus_target,
)

# Exponent band (stated before measuring, not tuned): 3 standard errors of the mean
# per-seed slope, plus a finite-size allowance of 10% of c/d. The allowance covers the
# pre-asymptotic corrections: the Gamma-ratio moments behind every loss here differ from
# their power law by a relative O(1/D) (e.g. d=1 linear: D Gamma(D)/Gamma(D+5) =
# D^-4 (1 - 10/D + ...), a slope shift of ~0.1 at D=100), and higher Taylor orders of the
# target add relative O(D^(-1/d)).
FINITE_SIZE = 0.10


def _check_exponent(res):
    # the measurement (interpolation_sweep) against the prediction (expected_exponent,
    # which delegates to asymptotics.resolution)
    c = res.config
    expected = expected_exponent(c["method"], c["loss"], c["target"], c["d"])[0]
    band = 3 * res.exponent_stderr + FINITE_SIZE * expected
    assert abs(res.exponent - expected) <= band, (res.exponent, res.exponent_stderr, expected)


class TestInterpolate:
    def test_kdtree_matches_brute_force(self):
        rng = np.random.default_rng(2024)
        train, test = rng.random((50, 2)), rng.random((40, 2))
        diff = (test[:, None, :] - train[None, :, :] + 0.5) % 1.0 - 0.5
        dist = np.sqrt((diff ** 2).sum(axis=2))
        values = rng.standard_normal(50)
        pred = interpolate_torus(train, values, test, "nearest")
        np.testing.assert_array_equal(pred, values[dist.argmin(axis=1)])

    @pytest.mark.parametrize("method", ["nearest", "linear", "local_linear"])
    @pytest.mark.parametrize("d", [1, 2])
    def test_reproduces_training_values(self, method, d):
        rng = np.random.default_rng(7)
        train = rng.random((60, d))
        y = torus_target(train, "smooth")
        if method == "local_linear":  # least squares, not an interpolant: exact on constants
            np.testing.assert_allclose(interpolate_torus(train, np.full(60, 2.5), train[:10],
                                                         method), 2.5, rtol=1e-12)
        else:
            np.testing.assert_allclose(interpolate_torus(train, y, train, method), y,
                                       rtol=1e-10, atol=1e-12)

    def test_linear_periodic_across_the_seam(self):
        # a test point just across the boundary sees the images of the points near 0
        train = np.array([[0.1], [0.5], [0.9]])
        y = np.array([1.0, 0.0, 3.0])
        # between 0.9 and 1.1 (image of 0.1): linear from 3 to 1
        got = interpolate_torus(train, y, np.array([[0.95], [0.05]]), "linear")
        np.testing.assert_allclose(got, [2.5, 1.5])

    def test_targets_periodic(self):
        rng = np.random.default_rng(3)
        th = rng.random((20, 3))
        for t in ("smooth", "kink"):
            np.testing.assert_allclose(torus_target(th, t), torus_target(th + 1.0, t),
                                       atol=1e-12)


class TestExponents:
    @pytest.mark.parametrize("method,loss", [("nearest", "squared"), ("nearest", "absolute"),
                                             ("linear", "squared"), ("linear", "absolute")])
    def test_d1(self, method, loss):
        res = interpolation_sweep(1, [100, 200, 400, 800, 1600], method=method, loss=loss,
                                  n_test=1000, seeds=16, seed=1)
        _check_exponent(res)

    @pytest.mark.parametrize("method,loss", [("nearest", "squared"), ("nearest", "absolute"),
                                             ("linear", "squared")])
    def test_d2(self, method, loss):
        res = interpolation_sweep(2, [50, 100, 200, 400, 800], method=method, loss=loss,
                                  n_test=1000, seeds=8, seed=2)
        _check_exponent(res)

    @pytest.mark.slow
    @pytest.mark.parametrize("method,loss,target,d", [
        ("linear", "absolute", "smooth", 2), ("local_linear", "squared", "smooth", 2),
        ("linear", "squared", "kink", 2), ("linear", "absolute", "kink", 2),
        ("nearest", "squared", "smooth", 3), ("nearest", "squared", "kink", 2)])
    def test_slow(self, method, loss, target, d):
        res = interpolation_sweep(d, [200, 400, 800, 1600, 3200], method=method, loss=loss,
                                  target=target, n_test=2000, seeds=8, seed=5)
        _check_exponent(res)

    def test_expected_table(self):
        # c = (loss order) x (interpolant order), docs/theory/regimes.md (RG.7); kink rows (LM.9)
        assert expected_exponent("nearest", "absolute", "smooth", 2)[0] == 0.5
        assert expected_exponent("nearest", "squared", "kink", 3)[0] == pytest.approx(2 / 3)
        assert expected_exponent("linear", "squared", "smooth", 4)[0] == 1.0
        assert expected_exponent("linear", "absolute", "smooth", 2)[0] == 1.0
        assert expected_exponent("linear", "squared", "kink", 3)[0] == 1.0
        assert expected_exponent("linear", "absolute", "kink", 1)[0] == 2.0

    def test_expected_matches_asymptotics(self):
        from asymptotics.resolution import resolution_exponent

        for method, model in [("nearest", "piecewise_constant"), ("linear", "piecewise_linear")]:
            for loss in ("squared", "absolute"):
                sym = resolution_exponent(3, loss=loss, model=model).exponent
                assert float(sym) == pytest.approx(expected_exponent(method, loss, "smooth", 3)[0])

    def test_deterministic_and_seeded(self):
        kw = dict(method="nearest", n_test=50, seeds=3)
        a = interpolation_sweep(2, [10, 20], seed=4, **kw)
        b = interpolation_sweep(2, [10, 20], seed=4, **kw)
        c = interpolation_sweep(2, [10, 20], seed=5, **kw)
        np.testing.assert_array_equal(a.losses, b.losses)
        assert not np.array_equal(a.losses, c.losses)
        assert a.seed == 4 and "sampled" in a.note

    def test_seeds_are_independent_streams(self):
        # seed s of a 3-seed sweep equals the loop over SeedSequence children by hand
        res = interpolation_sweep(1, [10, 30], method="linear", n_test=40, seeds=3, seed=9)
        for s, child in enumerate(np.random.SeedSequence(9).spawn(3)):
            rng = np.random.default_rng(child)
            train, test = rng.random((30, 1)), rng.random((40, 1))
            for j, n in enumerate([10, 30]):
                f = interpolate_torus(train[:n], torus_target(train[:n], "smooth"), test,
                                      "linear")
                loss = np.mean((f - torus_target(test, "smooth")) ** 2)
                assert res.losses[s, j] == pytest.approx(loss, rel=1e-12)

    def test_validation(self):
        with pytest.raises(ValueError, match="`method` must be one of"):
            interpolation_sweep(2, [10, 20], method="cubic")
        with pytest.raises(ValueError, match="`loss` must be one of"):
            interpolation_sweep(2, [10, 20], loss="huber")
        with pytest.raises(ValueError, match="needs d <= 4"):
            interpolation_sweep(5, [10, 20], method="linear")
        with pytest.raises(ValueError, match="`d` must be a positive integer"):
            interpolation_sweep(0, [10, 20])
        with pytest.raises(TypeError, match="`seeds` must be an integer"):
            interpolation_sweep(1, [10, 20], seeds=2.5)
        with pytest.raises(ValueError, match="`seeds` must be an integer >= 2"):
            interpolation_sweep(1, [10, 20], seeds=1)


class TestSlope:
    @given(b=st.floats(0.1, 3.0), c=st.floats(1e-3, 1e3))
    def test_recovers_exact_power_law(self, b, c):
        grid = np.array([10, 20, 40, 80])
        losses = np.vstack([c * grid ** (-b), 2 * c * grid ** (-b)])
        slope, se = loglog_slope(grid, losses)
        assert slope == pytest.approx(b, abs=1e-9)
        assert se == pytest.approx(0.0, abs=1e-9)

    def test_refuses_zero_loss(self):
        with pytest.raises(ValueError, match="must be positive"):
            loglog_slope([1, 2], np.array([[1.0, 0.0], [1.0, 0.5]]))


class TestCommand:
    def test_json_and_text(self, capsys):
        import json

        from verify.__main__ import main

        assert main(["interpolate", "--d", "1", "--D", "20,40,80", "--seeds", "3",
                     "--n-test", "50", "--json"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert out["result"]["grid"] == [20, 40, 80] and "sampled" in out["result"]["note"]
        assert len(out["result"]["stderr"]) == 3 and "alpha" in out["power_law_fit"]
        assert main(["interpolate", "--d", "1", "--D", "20,40,80", "--seeds", "3",
                     "--n-test", "50", "--method", "linear"]) == 0
        assert "expected c/d = 4.0000" in capsys.readouterr().out
        assert main(["interpolate", "--d", "2", "--D", "20,40,80", "--seeds", "2", "--n-test", "20",
                     "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["expected"]["exponent"] == 1.0

    def test_bad_input_exits_2(self, capsys):
        from verify.__main__ import main

        assert main(["interpolate", "--D", "100,50"]) == 2
        err = capsys.readouterr().err
        assert "`D` must be strictly increasing" in err and "Traceback" not in err
