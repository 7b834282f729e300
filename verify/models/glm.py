"""Generalized linear models fitted exactly: softmax (logistic) regression and M-estimators.

Newton's method (iteratively reweighted least squares) with step halving, batched over
independent problems of the same shape ``(S, D, p)``. The fitted parameter is the exact
minimizer of the empirical loss to ``tol`` in the Newton decrement, not a few gradient
steps, so the variance-limited checks of docs/beyond_squared.md measure the estimator of
docs/theory/regimes.md (RG.13)-(RG.14) and not an optimizer's residual.

* :func:`fit_softmax`: multinomial logistic regression, ``K`` classes, class 0 the
  reference (its logit is 0), parameters ``(p, K - 1)``; ``K = 2`` is binary logistic
  regression. The maximum-likelihood estimate does not exist when the classes are
  (quasi-)separable: the fitter refuses such data with the linear program of
  :func:`separation_direction`.
* :func:`fit_m_estimator`: linear regression minimizing the mean Huber or squared loss of
  :data:`asymptotics.variance.LOSSES` (residual ``e = x . theta - y``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize

from asymptotics._lib.budget import check_memory
from asymptotics._lib.validation import check_choice, check_int, check_real

__all__ = ["GLMFit", "fit_m_estimator", "fit_softmax", "separation_direction"]

_MAX_HALVINGS = 40
#: a fitted logit this large (probability 1 - 1e-13) sends the problem to the LP check
_SATURATED_LOGIT = 30.0
#: Newton decrement below which the full step is taken without a line search
_FULL_STEP = 1e-10


@dataclass(frozen=True)
class GLMFit:
    """The result of :func:`fit_softmax` or :func:`fit_m_estimator`.

    Attributes
    ----------
    theta : numpy.ndarray
        Fitted parameters, shape ``(S, p, K - 1)`` (softmax) or ``(S, p)`` (regression);
        ``S`` is absent when one problem was given.
    loss : numpy.ndarray
        The mean training loss at ``theta``, shape ``(S,)`` (or a 0-d array).
    decrement : numpy.ndarray
        The final Newton decrement ``g^T H^-1 g`` of each problem (``< tol`` on success).
    n_iter : int
        Newton iterations taken (the slowest problem's).
    """

    theta: np.ndarray
    loss: np.ndarray
    decrement: np.ndarray
    n_iter: int


def _design_iv(X: object, name: str = "X") -> tuple[np.ndarray, bool]:
    arr = np.asarray(X, dtype=float)
    single = arr.ndim == 2
    if arr.ndim not in (2, 3):
        raise ValueError(f"`{name}` must have shape (D, p) or (S, D, p); got shape {arr.shape}")
    arr = arr[None] if single else arr
    if not np.isfinite(arr).all():
        raise ValueError(f"`{name}` must contain only finite numbers")
    _, D, p = arr.shape
    if p < 1 or D < 1:
        raise ValueError(f"`{name}` must have at least one sample and one feature; got shape "
                         f"{arr.shape}")
    return arr, single


def _newton(theta, objective, *, tol, max_iter, what):
    """Batched damped Newton: ``objective(theta) -> (loss, grad, hess)`` with theta (S, n)."""
    loss, grad, hess = objective(theta, True)
    for it in range(1, max_iter + 1):
        step = np.linalg.solve(hess, grad[..., None])[..., 0]
        decrement = np.einsum("si,si->s", grad, step)
        if (decrement < tol).all():
            return theta, loss, decrement, it - 1
        t = np.ones(len(theta))
        for _ in range(_MAX_HALVINGS):
            trial = theta - t[:, None] * step
            trial_loss = objective(trial, False)[0]
            # Armijo: accept a decrease of at least a quarter of the predicted one; below
            # _FULL_STEP the decrease is at the loss's rounding level (Newton's quadratic
            # regime: the full step is taken)
            ok = (trial_loss <= loss - 0.25 * t * decrement) | (decrement < _FULL_STEP)
            if ok.all():
                break
            t = np.where(ok, t, t / 2)
        theta = np.where((decrement < tol)[:, None], theta, trial)
        loss, grad, hess = objective(theta, True)
    step = np.linalg.solve(hess, grad[..., None])[..., 0]
    decrement = np.einsum("si,si->s", grad, step)
    if (decrement < tol).all():
        return theta, loss, decrement, max_iter
    raise RuntimeError(f"{what}: Newton's method did not converge in {max_iter} iterations "
                       f"(largest decrement {decrement.max():.3g} > tol {tol:g})")


def _logsumexp(z: np.ndarray) -> np.ndarray:
    # column by column: numpy's reductions over a short last axis are slow
    top = z[..., 0]
    for k in range(1, z.shape[-1]):
        top = np.maximum(top, z[..., k])
    total = np.exp(z[..., 0] - top)
    for k in range(1, z.shape[-1]):
        total += np.exp(z[..., k] - top)
    return top + np.log(total)


def _softmax_objective(X, onehot):
    S, D, p = X.shape
    K = onehot.shape[-1]

    def objective(flat, second):
        theta = flat.reshape(S, p, K - 1)
        logits = np.concatenate([np.zeros((S, D, 1)), X @ theta], axis=-1)
        lse = _logsumexp(logits)
        loss = (lse - (onehot * logits).sum(axis=-1)).mean(axis=1)
        if not second:
            return loss, None, None
        prob = np.exp(logits - lse[..., None])[..., 1:]
        resid = prob - onehot[..., 1:]                          # d loss / d logits
        grad = (np.swapaxes(X, 1, 2) @ resid).reshape(S, -1) / D
        hess = np.empty((S, p, K - 1, p, K - 1))
        for a in range(K - 1):
            for b in range(K - 1):
                w = prob[..., a] * ((a == b) - prob[..., b])     # diag(pi) - pi pi^T
                hess[:, :, a, :, b] = np.swapaxes(X, 1, 2) @ (w[..., None] * X) / D
        return loss, grad, hess.reshape(S, p * (K - 1), p * (K - 1))

    return objective


def fit_softmax(X: object, labels: object, n_classes: int | None = None, *,
                tol: float = 1e-20, max_iter: int = 100) -> GLMFit:
    """Maximum-likelihood multinomial logistic regression by Newton's method.

    Parameters
    ----------
    X : array_like, shape (D, p) or (S, D, p)
        Features of ``S`` independent problems.
    labels : array_like of int, shape (D,) or (S, D)
        Classes ``0 .. K-1``.
    n_classes : int, optional
        ``K`` (default: the largest label + 1); at least 2.
    tol : float
        Convergence threshold on the Newton decrement ``g^T H^-1 g`` of the mean log-loss.
    max_iter : int
        Newton iterations at most (a ``RuntimeError`` past it).

    Returns
    -------
    GLMFit
        ``theta`` of shape ``(S, p, K - 1)``: the logits are ``(0, x . theta)``.

    Raises
    ------
    ValueError
        ``p (K - 1) >= D`` (more free parameters than samples), a class with no sample, or
        (quasi-)separable data, where the maximum-likelihood estimate does not exist
        (:func:`separation_direction` finds the direction along which the likelihood
        keeps increasing).
    """
    X, single = _design_iv(X)
    S, D, p = X.shape
    lab = np.asarray(labels)
    lab = lab[None] if single else lab
    if lab.shape != (S, D) or not np.issubdtype(lab.dtype, np.integer):
        raise ValueError(f"`labels` must be integers of shape {(S, D)[1 - single:] if single else (S, D)}; "
                         f"got dtype {lab.dtype} and shape {np.shape(labels)}")
    K = int(lab.max()) + 1 if n_classes is None else check_int("n_classes", n_classes, minimum=2)
    K = max(K, 2)
    if lab.min() < 0 or lab.max() >= K:
        raise ValueError(f"`labels` must lie in 0..{K - 1}; got values in [{lab.min()}, "
                         f"{lab.max()}]")
    n_free = p * (K - 1)
    if n_free >= D:
        raise ValueError(f"`X` must have more samples than free parameters for the MLE to be "
                         f"unique: p (K - 1) = {n_free} >= D = {D}")
    check_memory("X", f"shape {X.shape}", 8.0 * S * D * (K + 2 * p) + 8.0 * S * n_free**2)
    tol = check_real("tol", tol, gt=0)
    max_iter = check_int("max_iter", max_iter, minimum=1)
    onehot = np.eye(K)[lab]
    for s in range(S):
        missing = np.flatnonzero(onehot[s].sum(axis=0) == 0)
        if missing.size:
            raise ValueError(f"`labels` of problem {s} has no sample of class {int(missing[0])}: "
                             "the maximum-likelihood estimate does not exist (its logit runs "
                             "to -inf)")
    try:
        theta, loss, dec, it = _newton(np.zeros((S, n_free)), _softmax_objective(X, onehot),
                                       tol=tol, max_iter=max_iter, what="fit_softmax")
    except (RuntimeError, np.linalg.LinAlgError):
        theta = None
    # separable data drive the logits to infinity (Newton's "convergence" there is the
    # likelihood's flat approach to 1): the linear program decides, for those problems only
    suspects = range(S) if theta is None else np.flatnonzero(
        np.abs(X @ theta.reshape(S, p, K - 1)).max(axis=(1, 2)) > _SATURATED_LOGIT)
    for s in suspects:
        if separation_direction(X[s], lab[s], K) is not None:
            raise ValueError(f"`labels` of problem {s} are (quasi-)separable by a linear "
                             "function of `X`: the maximum-likelihood estimate does not exist "
                             "(the log-likelihood increases without bound along the "
                             "separating direction); use more samples or a ridge")
    if theta is None:
        raise RuntimeError(f"fit_softmax: Newton's method did not converge in {max_iter} "
                           "iterations on data that are not separable")
    theta = theta.reshape(S, p, K - 1)
    return GLMFit(theta[0] if single else theta, loss[0] if single else loss,
                  dec[0] if single else dec, it)


def separation_direction(X: object, labels: object, n_classes: int | None = None
                         ) -> np.ndarray | None:
    """A direction ``Theta`` (shape ``(p, K - 1)``) that (quasi-)separates the classes, or None.

    Solves the linear program ``max sum_i,k m_ik(Theta)`` subject to every margin
    ``m_ik = (theta_{y_i} - theta_k) . x_i >= 0`` (``theta_0 = 0``) and ``|Theta| <= 1``
    entrywise (``scipy.optimize.linprog``). A positive optimum means a direction along which
    no sample's likelihood decreases and some increase: the maximum-likelihood estimate
    does not exist (complete or quasi-complete separation). ``None``: the MLE exists
    (given ``X`` of full column rank).
    """
    X = np.asarray(X, dtype=float)
    lab = np.asarray(labels)
    if X.ndim != 2 or lab.shape != (X.shape[0],):
        raise ValueError(f"`X` must have shape (D, p) and `labels` shape (D,); got {X.shape} "
                         f"and {lab.shape}")
    p = X.shape[1]
    K = int(lab.max()) + 1 if n_classes is None else int(n_classes)
    K = max(K, 2)
    rows = []
    for k in range(K):
        # margin of class y_i over class k: x_i . (theta_{y_i} - theta_k), theta_0 = 0
        sel = lab != k
        A = np.zeros((int(sel.sum()), p, K))
        A[np.arange(A.shape[0]), :, lab[sel]] = X[sel]
        A[:, :, k] -= X[sel]
        rows.append(A[:, :, 1:].reshape(A.shape[0], -1))
    margins = np.concatenate(rows)
    res = optimize.linprog(-margins.sum(axis=0), A_ub=-margins, b_ub=np.zeros(len(margins)),
                           bounds=(-1, 1), method="highs")
    if res.status != 0:  # pragma: no cover - the LP is always feasible (0) and bounded
        raise RuntimeError(f"separation_direction: linprog failed: {res.message}")
    scale = np.abs(margins).sum()
    if -res.fun <= 1e-9 * scale:
        return None
    return res.x.reshape(p, K - 1)


def _huber_parts(e: np.ndarray, c: float):
    inside = np.abs(e) <= c
    rho = np.where(inside, e**2 / 2, c * (np.abs(e) - c / 2))   # asymptotics.variance.LOSSES
    psi = np.clip(e, -c, c)
    return rho, psi, inside.astype(float)


def fit_m_estimator(X: object, y: object, loss: str = "huber", *, threshold: float = 1.0,
                    tol: float = 1e-22, max_iter: int = 100) -> GLMFit:
    """Linear regression minimizing the mean loss of the residuals ``x . theta - y``.

    Parameters
    ----------
    X : array_like, shape (D, p) or (S, D, p)
    y : array_like, shape (D,) or (S, D)
    loss : {"huber", "squared"}
        Huber with threshold ``threshold`` (``e^2/2`` inside, ``c (|e| - c/2)`` outside), or
        ``e^2`` (:data:`asymptotics.variance.LOSSES`).
    threshold : float
        The Huber threshold ``c_H > 0``.
    tol, max_iter
        As in :func:`fit_softmax`.

    Returns
    -------
    GLMFit
        ``theta`` of shape ``(S, p)``.
    """
    X, single = _design_iv(X)
    S, D, p = X.shape
    yy = np.asarray(y, dtype=float)
    yy = yy[None] if single else yy
    if yy.shape != (S, D) or not np.isfinite(yy).all():
        raise ValueError(f"`y` must be finite with shape {(D,) if single else (S, D)}; got "
                         f"shape {np.shape(y)}")
    loss = check_choice("loss", loss, ("huber", "squared"))
    c = check_real("threshold", threshold, gt=0)
    if p >= D:
        raise ValueError(f"`X` must have more samples than features for a unique fit: "
                         f"p = {p} >= D = {D}")
    tol = check_real("tol", tol, gt=0)
    max_iter = check_int("max_iter", max_iter, minimum=1)
    Xt = np.swapaxes(X, 1, 2)

    def objective(theta, second):
        e = np.einsum("sdp,sp->sd", X, theta) - yy
        if loss == "squared":
            rho, psi, curv = e**2, 2 * e, np.full_like(e, 2.0)
        else:
            rho, psi, curv = _huber_parts(e, c)
        if not second:
            return rho.mean(axis=1), None, None
        grad = np.einsum("sdp,sd->sp", X, psi) / D
        # Huber: curvature 1 inside |e| <= c only; a floor keeps H invertible when few
        # residuals are inside (the step is then a gradient-like step, and halving applies)
        hess = Xt @ (curv[..., None] * X) / D + 1e-12 * np.eye(p)
        return rho.mean(axis=1), grad, hess

    theta0 = np.linalg.lstsq(X[0], yy[0], rcond=None)[0]
    theta0 = np.stack([np.linalg.lstsq(X[s], yy[s], rcond=None)[0] for s in range(S)]) \
        if S > 1 else theta0[None]
    theta, rho, dec, it = _newton(theta0, objective, tol=tol, max_iter=max_iter,
                                  what="fit_m_estimator")
    return GLMFit(theta[0] if single else theta, rho[0] if single else rho,
                  dec[0] if single else dec, it)
