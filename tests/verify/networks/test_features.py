"""Finite-width features: the Jacobian against finite differences, the two NTK Gram
routes against each other, chunking, and the memory refusal."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from asymptotics._lib.budget import BudgetExceeded
from verify.networks import nngp_features, ntk_features, ntk_gram, random_network
from verify.networks.features import _forward


def _output(net, x):
    # The scalar output f = A^L W^{L+1 T} + sigma_b b^{L+1} (docs/real_networks.md (RN.6)).
    a = _forward(net, x)[0][-1]
    return a @ net.weights[-1].T[:, 0] + np.sqrt(net.bias_variance) * net.biases[-1][0]


@pytest.mark.parametrize("activation", ["relu", "erf"])
def test_ntk_features_are_the_jacobian_by_central_differences(activation):
    net = random_network(4, depth=2, width=5, activation=activation, bias_variance=0.2,
                         seed=11)
    x = np.random.default_rng(2).standard_normal((3, 4))
    jac = ntk_features(net, x)
    fd, h = [], 1e-6
    for layer in range(net.depth + 1):
        for kind in ("weights", "biases"):
            arrays = getattr(net, kind)
            for idx in np.ndindex(arrays[layer].shape):
                cols = []
                for sign in (1, -1):
                    changed = [a.copy() for a in arrays]
                    changed[layer][idx] += sign * h
                    cols.append(_output(dataclasses.replace(net, **{kind: tuple(changed)}), x))
                fd.append((cols[0] - cols[1]) / (2 * h))
    np.testing.assert_allclose(jac, np.array(fd).T, rtol=1e-5, atol=1e-7)
    assert jac.shape == (3, net.n_parameters)


@pytest.mark.parametrize("activation", ["relu", "erf"])
def test_ntk_gram_by_the_layer_sum_equals_the_jacobian_gram(activation):
    net = random_network(6, depth=3, width=20, activation=activation, bias_variance=0.5,
                         seed=1)
    rng = np.random.default_rng(8)
    x, y = rng.standard_normal((7, 6)), rng.standard_normal((4, 6))
    jx, jy = ntk_features(net, x), ntk_features(net, y)
    np.testing.assert_allclose(ntk_gram(net, x), jx @ jx.T, rtol=1e-10)
    np.testing.assert_allclose(ntk_gram(net, x, y), jx @ jy.T, rtol=1e-10)


def test_chunked_features_equal_the_unchunked_rows():
    # 1100 rows cross the 512-row chunks twice; each row's features do not depend on
    # which chunk it is in.
    net = random_network(3, depth=2, width=8, bias_variance=0.1, seed=0)
    x = np.random.default_rng(0).standard_normal((1100, 3))
    f = nngp_features(net, x)
    np.testing.assert_allclose(f[600:603], nngp_features(net, x[600:603]), rtol=1e-13)
    assert f.shape == (1100, 9) and np.all(f[:, -1] == np.sqrt(0.1))


def test_seed_reproduces_and_memory_is_refused_up_front():
    a, b = random_network(3, depth=1, width=4, seed=5), random_network(3, depth=1, width=4,
                                                                        seed=5)
    assert all(np.array_equal(u, v) for u, v in zip(a.weights, b.weights, strict=True))
    with pytest.raises(BudgetExceeded, match="`width`"):
        random_network(10, depth=3, width=10**6)
    net = random_network(784, depth=1, width=2000)
    with pytest.raises(BudgetExceeded, match="`X`"):
        ntk_features(net, np.zeros((5000, 784)))
    with pytest.raises(ValueError, match="`X` must have the same number of columns"):
        nngp_features(net, np.zeros((2, 3)))
