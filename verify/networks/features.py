"""Finite-width random features of randomly initialized fully connected networks.

The network is the one of :mod:`verify.networks.kernels` (standard NTK parametrization,
docs/real_networks.md (RN.6)) with ``depth`` hidden layers of width ``width`` and a scalar
output, its weights and biases drawn once from a seed. Two feature maps come from it:

* NNGP features: the last hidden layer ``sigma_w phi(h^L) / sqrt(n)`` (with the constant
  ``sigma_b`` appended when ``sigma_b > 0``), whose Gram matrix is the output's kernel at
  this initialization and tends to the NNGP kernel (RN.1) as ``width -> oo``;
* NTK features: the Jacobian of the output with respect to every weight and bias,
  whose Gram matrix is the empirical NTK and tends to (RN.3). Its Gram matrix is also
  available without forming the Jacobian, by the layer sum (RN.7).

Inputs are processed in chunks of rows so that the hidden activations of only one chunk
are held at a time; the memory of the returned matrix (and of one chunk's work) is
estimated first and checked against :mod:`asymptotics._lib.budget`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import erf

from asymptotics._lib.budget import check_memory
from asymptotics._lib.validation import check_choice, check_int, check_real
from verify.networks.kernels import ACTIVATIONS, _as_rows

__all__ = ["RandomNetwork", "nngp_features", "ntk_features", "ntk_gram", "random_network"]

_CHUNK = 512


@dataclass(frozen=True)
class RandomNetwork:
    """One random initialization of a fully connected network.

    Attributes
    ----------
    weights : tuple of numpy.ndarray
        ``W^1 (n, d0), W^2 (n, n), ..., W^{L+1} (1, n)``, standard normal.
    biases : tuple of numpy.ndarray
        ``b^1, ..., b^{L+1}``, standard normal.
    depth, width, activation, weight_variance, bias_variance, seed
        The architecture and the seed the weights were drawn from.
    """

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    depth: int
    width: int
    activation: str
    weight_variance: float
    bias_variance: float
    seed: int

    @property
    def n_inputs(self) -> int:
        """Input dimension ``d0``."""
        return self.weights[0].shape[1]

    @property
    def n_parameters(self) -> int:
        """Number of weights and biases (the NTK feature count)."""
        return sum(w.size + b.size for w, b in zip(self.weights, self.biases, strict=True))


def random_network(d0: int, *, depth: int, width: int, activation: str = "relu",
                   weight_variance: float = 2.0, bias_variance: float = 0.0,
                   seed: int = 0) -> RandomNetwork:
    """Draw a network's weights and biases (standard normal) from ``seed``."""
    d0 = check_int("d0", d0, minimum=1)
    depth = check_int("depth", depth, minimum=1, maximum=1000)
    width = check_int("width", width, minimum=1)
    activation = check_choice("activation", activation, ACTIVATIONS)
    sw2 = check_real("weight_variance", weight_variance, gt=0.0)
    sb2 = check_real("bias_variance", bias_variance, ge=0.0)
    seed = check_int("seed", seed, minimum=0)
    n_params = width * d0 + (depth - 1) * width * width + width + depth * width + 1
    check_memory("width", width, 8.0 * n_params)
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    dims = [d0] + [width] * depth + [1]
    weights = tuple(rng.standard_normal((dims[i + 1], dims[i])) for i in range(depth + 1))
    biases = tuple(rng.standard_normal(dims[i + 1]) for i in range(depth + 1))
    return RandomNetwork(weights, biases, depth, width, activation, sw2, sb2, seed)


def _phi(net: RandomNetwork, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if net.activation == "relu":
        return np.maximum(h, 0.0), (h > 0).astype(float)
    return erf(h), 2 / np.sqrt(np.pi) * np.exp(-h * h)


def _forward(net: RandomNetwork, x: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Scaled layer inputs ``A^{l-1} = sigma_w x^{l-1} / sqrt(n_{l-1})`` and ``phi'(h^l)``."""
    sw, sb = np.sqrt(net.weight_variance), np.sqrt(net.bias_variance)
    a, inputs, derivs = x, [], []
    for w, b in zip(net.weights[:-1], net.biases[:-1], strict=True):
        a = sw * a / np.sqrt(a.shape[1])
        inputs.append(a)
        h = a @ w.T + sb * b  # (RN.6)
        a, d = _phi(net, h)
        derivs.append(d)
    inputs.append(sw * a / np.sqrt(a.shape[1]))
    return inputs, derivs


def _backward(net: RandomNetwork, inputs: list[np.ndarray], derivs: list[np.ndarray]
              ) -> list[np.ndarray]:
    """``delta^l = d f / d h^l`` for ``l = 1..L+1`` (chain rule through (RN.6))."""
    sw = np.sqrt(net.weight_variance)
    delta = np.ones((inputs[0].shape[0], 1))
    deltas = [delta]
    for layer in range(net.depth, 0, -1):
        w = net.weights[layer]
        delta = derivs[layer - 1] * (delta @ w) * sw / np.sqrt(w.shape[1])
        deltas.append(delta)
    return deltas[::-1]


def _check_x(net: RandomNetwork, X: object, name: str = "X") -> np.ndarray:
    if not isinstance(net, RandomNetwork):
        raise TypeError(f"`net` must be a RandomNetwork; got {type(net).__name__}")
    return _as_rows(name, X, net.n_inputs)


def nngp_features(net: RandomNetwork, X: object) -> np.ndarray:
    """Last-hidden-layer features, shape ``(N, width [+1])``: Gram -> NNGP kernel (RN.1)."""
    x = _check_x(net, X)
    extra = 1 if net.bias_variance > 0 else 0
    check_memory("X", x.shape, 8.0 * x.shape[0] * (net.width + extra)
                 + 8.0 * 3 * min(_CHUNK, x.shape[0]) * net.width)
    out = np.empty((x.shape[0], net.width + extra))
    for s in range(0, x.shape[0], _CHUNK):
        out[s:s + _CHUNK, :net.width] = _forward(net, x[s:s + _CHUNK])[0][-1]
    if extra:
        out[:, -1] = np.sqrt(net.bias_variance)
    return out


def ntk_features(net: RandomNetwork, X: object) -> np.ndarray:
    """The Jacobian ``d f / d theta``, shape ``(N, n_parameters)``: Gram -> NTK (RN.3).

    Columns are ordered layer by layer, the weights of ``W^l`` (row-major) and then
    ``b^l``: ``d f / d W^l_ij = delta^l_i A^{l-1}_j`` and ``d f / d b^l_i = sigma_b
    delta^l_i``.
    """
    x = _check_x(net, X)
    rows = min(_CHUNK, x.shape[0])
    check_memory("X", x.shape, 8.0 * (x.shape[0] + rows) * net.n_parameters)
    out = np.empty((x.shape[0], net.n_parameters))
    sb = np.sqrt(net.bias_variance)
    for s in range(0, x.shape[0], _CHUNK):
        inputs, derivs = _forward(net, x[s:s + _CHUNK])
        deltas = _backward(net, inputs, derivs)
        col = 0
        for a, delta in zip(inputs, deltas, strict=True):
            block = (delta[:, :, None] * a[:, None, :]).reshape(a.shape[0], -1)
            out[s:s + _CHUNK, col:col + block.shape[1]] = block
            col += block.shape[1]
            out[s:s + _CHUNK, col:col + delta.shape[1]] = sb * delta
            col += delta.shape[1]
    return out


def ntk_gram(net: RandomNetwork, X: object, Y: object = None) -> np.ndarray:
    """The empirical NTK ``J(X) J(Y)^T`` without forming the Jacobian, by the layer sum
    docs/real_networks.md (RN.7)."""
    x = _check_x(net, X)
    y = x if Y is None else _check_x(net, Y, "Y")
    check_memory("X", x.shape, 8.0 * (2 * x.shape[0] * y.shape[0]
                                      + (x.shape[0] + y.shape[0]) * net.width
                                      * (2 * net.depth + 2)))
    ix, dx = _forward(net, x)
    ex = _backward(net, ix, dx)
    if Y is None:
        iy, ey = ix, ex
    else:
        iy, dy = _forward(net, y)
        ey = _backward(net, iy, dy)
    gram = np.zeros((x.shape[0], y.shape[0]))
    for a, da, b, db in zip(ix, ex, iy, ey, strict=True):
        gram += (da @ db.T) * (a @ b.T + net.bias_variance)  # (RN.7)
    return gram
