"""The dual route: a projection student's ``P > D`` points of a ``P`` sweep, in one pass.

The route ``p_route="dual"`` of ``simulate_sweep``. For a projection student with ``P > D``
(ridgeless min-norm, or ridge) the exact average docs/simulator.md (SIM.5) is evaluated in
the ``D x D`` dual instead of the ``P x P`` primal (docs/simulator.md §4b). In whitened
teacher coordinates the student-visible training inputs of grid point ``P`` are
``Xt_P = N_P Q_P^T`` (``D x S``) and the student design is ``Z_P = N_P R_P / sqrt(P)``; with ``Y = R^T N^T`` (``P_max x D``, rows ``y_k``) and the rows
``v_k`` of ``V = G Lambda^{1/2}``:

.. math::

    K_P = Z_P Z_P^T = Y_P^T Y_P / P,\\qquad
    L_P = \\frac1P \\sum_{k\\le P} v_k^T y_k,\\qquad
    Xt_P^T = \\sum_{k\\le P} q_k n_k^T,

all three cumulative over ``k`` (docs/simulator.md (SIM.12)). With
``H_P = L_P (K_P + \\delta I)^{-1}`` (``S x D``: the learned map from training labels to the
whitened teacher weights), ``D_p = diag(p)``:

.. math::

    \\mathrm{bias} = \\mathrm{Tr}\\,\\Phi_P - 2\\,\\mathrm{Tr}[H_P Xt_P D_p]
        + \\mathrm{Tr}[H_P^T H_P\\, Xt_P D_p Xt_P^T],\\qquad
    \\mathrm{noise\\ factor} = \\lVert H_P \\rVert_F^2

(docs/simulator.md (SIM.13)). ``K_P`` enters through an updated QR factor ``R_Y`` of
``Y_P`` (rows appended per grid segment, never the normal equations) and the SVD of the
``D x D`` matrix ``R_Y / sqrt(P)``, whose singular values are those of ``Z_P``. Cost per seed:
``2 S P_max D`` for the two running sums, ``P_max^2 D`` for ``Y``, and ``4 S D^2 + O(D^3)``
per grid point; nothing of size ``P x P`` per point.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from asymptotics._lib.validation import check_real, check_sorted_int_grid

__all__ = ["dual_is_cheaper", "dual_p_sweep"]


def dual_is_cheaper(d: int, p: int, s: int) -> bool:
    """Whether grid point ``P > D`` costs fewer flops by the dual than by the primal route.

    Flop models per seed and point (leading terms; each was checked against timings with one
    BLAS thread, see docs/simulator.md §7): dual ``6 S D^2 + 30 D^3`` (three ``S x D`` products
    and a ``D x D`` SVD; the running sums are shared by the sweep); primal (SIM.10)
    ``2 P^2 S + 4 P^3 + 4 D P^2 + 8 P D^2 + 22 D^3`` (``Phi_P``, the triangular solves for
    ``Sigma_theta``, the SVD of ``Z`` and its rotations). The dual wins unless
    ``D < P < ~1.3 D``; the primal cost grows with ``P``, so the dual points form a suffix.
    """
    if p <= d:
        return False
    dual = 6.0 * s * d * d + 30.0 * d**3
    primal = 2.0 * p * p * s + 4.0 * p**3 + 4.0 * d * p * p + 8.0 * p * d * d + 22.0 * d**3
    return dual < primal


def _check_shapes(v: np.ndarray, qt: np.ndarray, r: np.ndarray, n: np.ndarray,
                  powers: np.ndarray, phi_diag: np.ndarray, p_max: int) -> None:
    c, _, pn = n.shape
    s = powers.shape[0]
    want = {"v": (v, (c, pn, s)), "qt": (qt, (c, pn, s)), "r": (r, (c, pn, pn)),
            "phi_diag": (phi_diag, (c, pn))}
    for name, (arr, shape) in want.items():
        if arr.shape != shape:
            raise ValueError(f"`{name}` must have shape {shape} (seeds, P_max, ...) matching "
                             f"`n` {n.shape} and `powers` {powers.shape}; got {arr.shape}")
    if p_max > pn:
        raise ValueError(f"`p_grid` must not exceed the drawn P_max = {pn}; got {p_max}")


def dual_p_sweep(v: np.ndarray, qt: np.ndarray, r: np.ndarray, n: np.ndarray,
                        powers: np.ndarray, phi_diag: np.ndarray, p_grid: Sequence[int],
                        ridge: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(bias, noise_factor, cond)`` of every ``P`` in ``p_grid`` (all ``> D``) in one pass.

    Parameters
    ----------
    v : ``(c, P_max, S)``, ``V = G Lambda^{1/2}`` (rows: the projected teacher features).
    qt : ``(c, P_max, S)``, ``Q^T`` of the QR ``V^T = Q R`` docs/simulator.md (SIM.3).
    r : ``(c, P_max, P_max)``, the unscaled triangular factor ``R``.
    n : ``(c, D, P_max)``, the whitened training design ``N``.
    powers : ``(S,)`` target powers ``p_i``.
    phi_diag : ``(c, P_max)``, ``Phi_kk``; ``Tr Phi_P`` is the sum of the first ``P``.
    p_grid : strictly increasing feature counts, each ``> D``.
    ridge : ``delta >= 0`` (the ridge of ``(K_P + delta I)^{-1}``; 0 is min-norm).

    Returns
    -------
    bias, noise_factor, cond : each ``(c, len(p_grid))``, with the loss
        ``rho^2 + bias + (rho^2 + sigma^2) noise_factor`` docs/simulator.md (SIM.5) and
        ``cond = sqrt((s_max^2 + delta) / (s_min^2 + delta))`` over the singular values of
        ``Z_P``.

    Notes
    -----
    The equations are docs/simulator.md (SIM.12)-(SIM.13); each seed is computed on its own,
    so the numbers do not depend on how seeds are batched.
    """
    grid = check_sorted_int_grid("p_grid", p_grid, minimum=1)
    ridge = check_real("ridge", ridge, ge=0.0)
    _check_shapes(v, qt, r, n, powers, phi_diag, grid[-1])
    c, d, _ = n.shape
    if grid[0] <= d:
        raise ValueError(f"`p_grid` must hold only P > D = {d} (the dual route); got {grid[0]}")
    out = np.empty((3, c, len(grid)))
    for k in range(c):
        out[:, k, :] = _one_seed(v[k], qt[k], r[k], n[k], powers, phi_diag[k], grid, ridge)
    return out[0], out[1], out[2]


def _one_seed(v: np.ndarray, qt: np.ndarray, r: np.ndarray, n: np.ndarray, powers: np.ndarray,
              phi_diag: np.ndarray, grid: tuple[int, ...], ridge: float) -> np.ndarray:
    """``(3, len(grid))``: bias, noise factor and condition estimate of one seed."""
    d = n.shape[0]
    s = powers.shape[0]
    p_hi = grid[-1]
    y = r[:p_hi, :p_hi].T @ n[:, :p_hi].T            # Y = R^T N^T; Y_P = sqrt(P) Z_P^T   (SIM.12)
    r_y = np.zeros((d, d))
    l_sum = np.zeros((s, d))                          # sum_k v_k^T y_k = P L_P
    x_sum = np.zeros((s, d))                          # sum_k q_k n_k^T = Xt_P^T
    tr_phi = np.cumsum(phi_diag[:p_hi])
    sqrt_p = np.sqrt(powers)
    res = np.empty((3, len(grid)))
    start = 0
    for j, p in enumerate(grid):
        seg = slice(start, p)
        r_y = np.linalg.qr(np.concatenate([r_y, y[seg]]), mode="r")   # R_Y^T R_Y = Y_P^T Y_P
        l_sum += v[seg].T @ y[seg]                                    # docs/simulator.md (SIM.12)
        x_sum += qt[seg].T @ n[:, seg].T
        start = p
        _, sv, wt = np.linalg.svd(r_y / np.sqrt(p))                   # K_P = W diag(s^2) W^T
        s2 = np.square(sv)
        with np.errstate(divide="ignore"):
            inv = 1.0 / (s2 + ridge)
            cond = np.sqrt((s2[0] + ridge) / (s2[-1] + ridge))
        hw = ((l_sum / p) @ wt.T) * inv                              # H_P W
        with np.errstate(invalid="ignore", over="ignore"):
            cross = np.einsum("ed,ed->", hw.T @ (powers[:, None] * x_sum), wt)  # Tr[H Xt D_p]
            sx = sqrt_p[:, None] * x_sum
            g_xx = wt @ (sx.T @ sx) @ wt.T                            # W^T Xt D_p Xt^T W
            quad = np.einsum("ef,ef->", hw.T @ hw, g_xx)              # Tr[H^T H Xt D_p Xt^T]
            res[0, j] = tr_phi[p - 1] - 2.0 * cross + quad            # docs/simulator.md (SIM.13)
            res[1, j] = np.einsum("se,se->", hw, hw)                  # ||H_P||_F^2
        res[2, j] = cond
    return res
