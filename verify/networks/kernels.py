"""Infinite-width NNGP and NTK kernels of fully connected networks (docs/real_networks.md §1).

A fully connected network with ``depth`` hidden layers of width ``n`` in the standard NTK
parametrization (the one of the paper's Fig. 2 networks),

.. math::

    h^{1} = \\tfrac{\\sigma_w}{\\sqrt{d_0}} W^{1} x + \\sigma_b b^{1},\\qquad
    h^{l+1} = \\tfrac{\\sigma_w}{\\sqrt{n}} W^{l+1} \\phi(h^{l}) + \\sigma_b b^{l+1},

with all weights and biases standard normal, has as ``n -> oo`` the NNGP kernel
``K = K^{depth+1}`` and the NTK ``Theta = Theta^{depth+1}`` of the recursion
docs/real_networks.md (RN.1)-(RN.3). The Gaussian expectations have closed forms: the
arc-cosine kernels of degree 1 and 0 for ReLU (Cho & Saul 2009) and the arcsine kernel
for erf (Rasmussen & Williams 2006, §4.2.3), docs/real_networks.md (RN.4), (RN.5).

:func:`network_kernels` takes inputs as rows (``X`` of shape ``(N, d0)``) and returns a
frozen :class:`NetworkKernels` with both Gram matrices.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from asymptotics._lib.budget import check_memory
from asymptotics._lib.validation import check_choice, check_int, check_real

__all__ = ["ACTIVATIONS", "NetworkKernels", "erf_expectations", "network_kernels",
           "relu_expectations"]

#: The activations with closed-form Gaussian expectations.
ACTIVATIONS = ("relu", "erf")


@dataclass(frozen=True)
class NetworkKernels:
    """Infinite-width kernels of a fully connected network on two sets of inputs.

    Attributes
    ----------
    nngp : numpy.ndarray
        ``K(x_i, y_j)``, shape ``(N, M)``: the output's covariance over random
        initializations, docs/real_networks.md (RN.1).
    ntk : numpy.ndarray
        ``Theta(x_i, y_j)``, shape ``(N, M)``, docs/real_networks.md (RN.3).
    depth, activation, weight_variance, bias_variance
        The network they belong to.
    """

    nngp: np.ndarray
    ntk: np.ndarray
    depth: int
    activation: str
    weight_variance: float
    bias_variance: float


def _as_rows(name: str, value: object, d0: int | None = None) -> np.ndarray:
    arr = np.asarray(value)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.floating)
                                   or np.issubdtype(arr.dtype, np.integer)):
        raise TypeError(f"`{name}` must be a real numeric array; got dtype {arr.dtype}")
    arr = arr.astype(float)
    if arr.ndim != 2 or arr.shape[0] < 1 or arr.shape[1] < 1:
        raise ValueError(f"`{name}` must be a 2-d array of inputs as rows (N >= 1, d >= 1); "
                         f"got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"`{name}` must be finite; got {np.sum(~np.isfinite(arr))} "
                         "non-finite entries")
    if d0 is not None and arr.shape[1] != d0:
        raise ValueError(f"`{name}` must have the same number of columns as `X` ({d0}); "
                         f"got shape {arr.shape}")
    return arr


def relu_expectations(k11: np.ndarray, k22: np.ndarray, k12: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray]:
    """``E[relu(u) relu(v)]`` and ``E[step(u) step(v)]`` for centred Gaussian ``(u, v)``.

    Arc-cosine kernels of degree 1 and 0 (Cho & Saul 2009), docs/real_networks.md (RN.4);
    ``k11``, ``k22`` the variances, ``k12`` the covariance (broadcast together).
    """
    shape = np.broadcast(k11, k22, k12).shape
    norm = np.broadcast_to(np.sqrt(k11 * k22), shape)
    rho = np.divide(k12, norm, out=np.zeros(shape), where=norm > 0)
    np.clip(rho, -1.0, 1.0, out=rho)
    # in place, four n x n arrays in all (an n = 5000 Gram matrix is 200 MB each):
    # pi - theta, sin(theta) = sqrt(1 - rho^2) for theta = arccos(rho) in [0, pi]
    angle = np.arccos(rho, out=np.empty(shape))
    np.subtract(np.pi, angle, out=angle)                    # pi - theta
    value = np.multiply(rho, rho, out=np.empty(shape))
    np.subtract(1.0, value, out=value)
    np.maximum(value, 0.0, out=value)
    np.sqrt(value, out=value)                               # sin(theta)
    np.multiply(rho, angle, out=rho)                        # (pi - theta) cos(theta)
    value += rho
    value *= norm
    value *= 1.0 / (2 * np.pi)                              # (RN.4)
    angle *= 1.0 / (2 * np.pi)                              # (RN.4): the derivative kernel
    return value, angle


def erf_expectations(k11: np.ndarray, k22: np.ndarray, k12: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray]:
    """``E[erf(u) erf(v)]`` and ``E[erf'(u) erf'(v)]`` for centred Gaussian ``(u, v)``.

    The arcsine kernel (Rasmussen & Williams 2006, §4.2.3) and its derivative kernel, docs/real_networks.md
    (RN.5).
    """
    a, b = 1 + 2 * k11, 1 + 2 * k22
    value = 2 / np.pi * np.arcsin(np.clip(2 * k12 / np.sqrt(a * b), -1.0, 1.0))  # (RN.5)
    deriv = 4 / np.pi / np.sqrt(a * b - 4 * k12**2)  # (RN.5)
    return value, deriv


_EXPECTATIONS = {"relu": relu_expectations, "erf": erf_expectations}


def _diagonal_expectations(activation: str, kd: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The expectations at ``u = v`` (``theta = 0`` exactly): ``arccos`` of a correlation
    one ulp below 1 is ``~1.5e-8``, which would put a ``1e-9`` error on the diagonal."""
    if activation == "relu":
        return kd / 2, np.full_like(kd, 0.5)  # (RN.4) at theta = 0
    return erf_expectations(kd, kd, kd)


def network_kernels(X: object, Y: object = None, *, depth: int, activation: str = "relu",
                    weight_variance: float = 2.0, bias_variance: float = 0.0
                    ) -> NetworkKernels:
    """Infinite-width NNGP and NTK Gram matrices of a fully connected network.

    Parameters
    ----------
    X : array_like, shape (N, d0)
        Inputs as rows.
    Y : array_like, shape (M, d0), optional
        Second set of inputs (default ``X``).
    depth : int
        Number of hidden layers (``depth = 1``: a two-layer network).
    activation : {"relu", "erf"}
    weight_variance, bias_variance : float
        ``sigma_w^2 > 0`` and ``sigma_b^2 >= 0`` of the standard NTK parametrization.

    Returns
    -------
    NetworkKernels
        ``nngp`` and ``ntk`` of shape ``(N, M)`` by docs/real_networks.md (RN.1)-(RN.3).
    """
    depth = check_int("depth", depth, minimum=1, maximum=1000)
    activation = check_choice("activation", activation, ACTIVATIONS)
    sw2 = check_real("weight_variance", weight_variance, gt=0.0)
    sb2 = check_real("bias_variance", bias_variance, ge=0.0)
    x = _as_rows("X", X)
    y = x if Y is None else _as_rows("Y", Y, x.shape[1])
    check_memory("X", x.shape, 8.0 * 6 * x.shape[0] * y.shape[0])
    expect = _EXPECTATIONS[activation]
    d0 = x.shape[1]
    k = sw2 * (x @ y.T) / d0 + sb2  # (RN.1), first layer
    kx = sw2 * np.einsum("ij,ij->i", x, x) / d0 + sb2
    ky = kx if Y is None else sw2 * np.einsum("ij,ij->i", y, y) / d0 + sb2
    theta = k.copy()  # (RN.3): Theta^1 = K^1
    for _ in range(depth):
        value, deriv = expect(kx[:, None], ky[None, :], k)
        if Y is None:
            dv, dd = _diagonal_expectations(activation, kx)
            np.fill_diagonal(value, dv)
            np.fill_diagonal(deriv, dd)
        k = value
        k *= sw2
        k += sb2  # (RN.1)
        theta *= deriv
        theta *= sw2
        theta += k  # (RN.3)
        kx = sw2 * _diagonal_expectations(activation, kx)[0] + sb2  # (RN.2)
        ky = kx if Y is None else sw2 * _diagonal_expectations(activation, ky)[0] + sb2
    return NetworkKernels(nngp=k, ntk=theta, depth=depth, activation=activation,
                          weight_variance=sw2, bias_variance=sb2)
