"""Label targets: regrouping, their power in the eigenbasis, and kernel interpolation
against the infinite-width kernel computed directly."""

from __future__ import annotations

import numpy as np
import pytest

from asymptotics.model import ArraySpectrum, Target
from asymptotics.rf.learning_curves import learning_curve_float
from verify.datasets import load_dataset
from verify.networks import network_kernels
from verify.networks.experiment import feature_population
from verify.networks.labels import kernel_label_losses, regroup, target_powers


@pytest.fixture(scope="module")
def digits():
    data = load_dataset("digits", n=500, seed=2)
    return data, feature_population(data, depth=2)


def test_regroup_is_centred_one_hot_of_label_mod_k():
    y = regroup(np.array([0, 1, 2, 3, 4, 5]), 2)
    np.testing.assert_allclose(y, np.eye(2)[[0, 1, 0, 1, 0, 1]] - 0.5)
    with pytest.raises(ValueError, match="`groups`"):
        regroup(np.array([0, 1]), 1)


def test_target_powers_sum_to_the_mean_square(digits):
    data, pop = digits
    y = regroup(data.labels, 5)
    p, rest = target_powers(pop, y)
    # Parseval in the (complete) eigenbasis: sum_i p_i = |y|^2 / N, nothing unlearnable
    assert p.sum() + rest == pytest.approx(np.sum(y**2) / pop.n, rel=1e-12)
    assert rest < 1e-10 and pop.size == 500


def test_regrouping_changes_the_target_power_as_the_labels_predict(digits):
    # Regrouping is a linear map of the 10-class code: Y5 = Y10 R with R the 10 x 5 merge
    # matrix (centring commutes with it), so the per-mode powers obey p5_i = |u_i^T Y10 R|^2/N
    # exactly: an independent route through the 10-class coefficients.
    data, pop = digits
    y10, y5 = regroup(data.labels, 10), regroup(data.labels, 5)
    merge = np.eye(5)[np.arange(10) % 5]
    coef10 = pop.kernel_rows.T @ y10
    expected = np.sum((coef10 @ merge) ** 2, axis=1) / pop.n
    np.testing.assert_allclose(target_powers(pop, y5)[0], expected, rtol=1e-10, atol=1e-16)
    # fewer classes carry less total power (per image: 1/2 for 2 classes, 9/10 for 10)
    assert target_powers(pop, regroup(data.labels, 2))[0].sum() < \
        target_powers(pop, y10)[0].sum()


def test_kernel_label_losses_against_the_kernel_directly(digits):
    # Independent route: the infinite-width NNGP Gram matrix from network_kernels (not from
    # the eigenfeatures), interpolation by numpy.linalg.solve on the training block.
    data, pop = digits
    y = regroup(data.labels, 2)
    losses = kernel_label_losses(pop, y, np.array([20, 40]), (3,))
    gram = network_kernels(data.x, depth=2).nngp
    rows = np.random.default_rng(np.random.SeedSequence(3)).permutation(500)[:40]
    for j, d in enumerate((20, 40)):
        tr = rows[:d]
        f = gram[:, tr] @ np.linalg.solve(gram[np.ix_(tr, tr)], y[tr])
        assert losses[0, j] == pytest.approx(np.sum((f - y) ** 2) / 500, rel=1e-7)


def test_deterministic_equivalent_with_label_powers_matches_the_measurement(digits):
    # docs/verification.md (VR.5): within max(3 %, 1/min D) = 1/16 of the seed mean, or
    # 4 standard errors.
    data, pop = digits
    y = regroup(data.labels, 10)
    p, rest = target_powers(pop, y)
    D = np.array([16, 32, 64])
    sim = kernel_label_losses(pop, y, D, tuple(range(6)))
    theory = learning_curve_float(D, np.inf, ArraySpectrum(pop.eigenvalues),
                                  Target.array(p)) + rest
    mean, se = sim.mean(axis=0), sim.std(axis=0, ddof=1) / np.sqrt(6)
    dev = np.abs(mean / theory - 1)
    assert np.all((dev <= 1 / 16) | (np.abs(mean - theory) <= 4 * se)), dev
