"""Gaussian design with a given spectrum: the teacher/student random-feature model.

The model (Bahri et al. 2021, Eq. 4; docs/simulator.md §1):

* teacher features ``F(x) = Lambda^{1/2} g(x)`` with ``g ~ N(0, I_S)``, so their population
  covariance is ``Lambda = diag(lambda_1..lambda_S)`` (``asymptotics.model`` spectrum);
* teacher ``y(x) = omega . F(x) + eps`` with ``omega ~ N(0, Sigma_omega)``,
  ``Sigma_omega = diag(p_i / lambda_i)`` (target power ``p_i = E[omega_i^2] lambda_i``,
  ``asymptotics.model.Target``) and label noise ``eps ~ N(0, noise)``;
* student features ``z(x) = W F(x)`` with ``W = [I_P 0]`` (``"top"``: the top-``P``
  eigenfeatures) or ``W = P^{-1/2} G``, ``G`` iid ``N(0, 1)`` of shape ``P x S``
  (``"projection"``: Bahri's random features).

What is drawn (docs/simulator.md §2, Eq. docs/simulator.md (SIM.3)). In whitened teacher coordinates the student
sees ``z = V g`` with ``V = W Lambda^{1/2}``. One QR factorization ``V^T = Q R`` (``Q`` of
shape ``S x P``, ``R`` upper triangular, unscaled: the ``P^{-1/2}`` enters per grid point)
splits ``g`` into the student-visible coordinates ``Q^T g`` and the invisible rest. The
training inputs enter the student's fit only through ``N = G_x Q`` (``D x P``, iid
``N(0, 1)`` because ``Q`` has orthonormal columns), with ``Z = N R``; the invisible part of the
training inputs acts on the labels as independent Gaussian noise whose variance, averaged over
the teacher, is ``rho^2(P) = sum_i p_i (1 - (Q Q^T)_ii)`` docs/simulator.md (SIM.4). So each seed draws only
the projection ``G`` and ``N``; everything else is averaged exactly. Because ``R`` is upper
triangular and ``N``'s columns are iid, the first ``P`` columns of ``N`` and the leading
``P x P`` block of ``R`` are the draw for the first ``P`` features: the sweep over ``P``
nests. The first ``D`` rows of ``N`` are the first ``D`` training points: the sweep over
``D`` nests.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.linalg as sla

from asymptotics._lib.validation import check_choice, check_int
from asymptotics.model import ArraySpectrum, PowerLawSpectrum, Target

__all__ = ["STUDENTS", "DesignDraw", "GaussianDesign", "check_model", "draw_designs",
           "make_design", "residual_power", "seed_streams"]

STUDENTS = ("projection", "top")


@dataclass(frozen=True)
class GaussianDesign:
    """A validated teacher/student model: spectrum, target powers and student kind.

    The model of docs/simulator.md (SIM.1): ``F = Lambda^{1/2} g``, ``y = omega . F + eps``,
    ``z = W F``, loss ``E_g[(theta . z - omega . F)^2]``.

    Attributes
    ----------
    spectrum, target : the ``asymptotics.model`` specification it was built from.
    student : ``"projection"`` or ``"top"`` (the kernel limit ``P = S`` is ``"top"``).
    lam : ``lambda_i``, shape ``(S,)``.
    powers : ``p_i = E[omega_i^2] lambda_i``, shape ``(S,)``.
    isotropic_weights : the scalar ``c`` when ``Sigma_omega = c I`` exactly (Bahri's teacher),
        else ``None``; it unlocks the cheaper trace ``Tr[Lambda (I - Pi)] c`` docs/simulator.md (SIM.8).
    """

    spectrum: PowerLawSpectrum | ArraySpectrum
    target: Target
    student: str
    lam: np.ndarray = field(repr=False, compare=False)
    powers: np.ndarray = field(repr=False, compare=False)
    isotropic_weights: float | None = None

    @property
    def size(self) -> int:
        """The number ``S`` of teacher features."""
        return int(self.lam.size)

    def residual_top(self, p: int) -> float:
        """``rho^2(P) = sum_{i > P} p_i`` for the top-``P`` student docs/simulator.md (SIM.4), summed from the tail."""
        return float(self.powers[p:][::-1].sum()) if p < self.size else 0.0


def check_model(spectrum: object, target: object) -> int:
    """Check the types and finiteness of the model without tabulating it; returns ``S``.

    Cheap whatever ``S`` (nothing of size ``S`` is allocated), so a cost estimate can run
    before :func:`make_design` tabulates ``lambda_i`` and ``p_i``.
    """
    if not isinstance(spectrum, PowerLawSpectrum | ArraySpectrum):
        raise TypeError("`spectrum` must be an asymptotics.model.PowerLawSpectrum or "
                        f"ArraySpectrum; got {type(spectrum).__name__}")
    if not isinstance(target, Target):
        raise TypeError(f"`target` must be an asymptotics.model.Target; got {type(target).__name__}")
    if not spectrum.is_finite:
        raise ValueError("`spectrum` must be finite (give `size=S`) for the Gaussian-design "
                         "simulator; got size=None")
    size = int(spectrum.size)
    if isinstance(spectrum, PowerLawSpectrum):
        smallest = spectrum.scale * np.float64(min(size, 2**53)) ** (-spectrum.b)
        if not smallest > 0:
            raise ValueError(f"`b` = {spectrum.b!r} is too large for S = {size}: the spectrum's "
                             "eigenvalues must be positive, but lambda_S = scale * S**(-b) "
                             "underflows to 0")
    return size


def make_design(spectrum: PowerLawSpectrum | ArraySpectrum, target: Target,
                student: str = "projection") -> GaussianDesign:
    """Validate the model specification and tabulate ``lambda_i`` and ``p_i``.

    Raises
    ------
    TypeError
        If ``spectrum`` or ``target`` is not an ``asymptotics.model`` object.
    ValueError
        If the spectrum is infinite (the simulator needs a finite ``S``) or ``student`` is
        not one of :data:`STUDENTS`.
    """
    check_model(spectrum, target)
    check_choice("student", student, STUDENTS)
    lam = spectrum.eigenvalues()
    powers = target.powers(spectrum)
    if not (np.isfinite(lam).all() and np.isfinite(powers).all()):
        raise ValueError("`spectrum` and `target` must give finite eigenvalues and powers; "
                         "got a non-finite value (overflow or underflow of i**(-b))")
    if (lam <= 0).any():
        raise ValueError("`spectrum` eigenvalues must be positive; got "
                         f"{float(lam.min())!r} (underflow of i**(-b) at this size?)")
    iso = target.resolved_weight_variance(spectrum) if target.kind == "isotropic" else None
    return GaussianDesign(spectrum, target, student, lam, powers, iso)


@dataclass(frozen=True)
class DesignDraw:
    """The random part of a chunk of seeds, in whitened student coordinates docs/simulator.md (SIM.3).

    Attributes
    ----------
    n : ``(c, d_max, p_max)`` iid ``N(0, 1)``: the whitened training design, ``Z = N R``.
    r : upper-triangular factor ``(c, p_max, p_max)`` of ``V^T = Q R`` (projection, unscaled:
        multiply by ``P^{-1/2}`` for ``P`` features), or ``(p_max,)`` = ``sqrt(lambda_1..P)``
        for the top-``P`` student (``Z = N * r``).
    qt : ``(c, p_max, S)`` = ``Q^T`` (projection only), else ``None``.
    phi_diag : ``(c, p_max)``, ``Phi_kk = sum_i p_i Q_ik^2``: target power captured by the
        k-th student direction; ``rho^2(P) = sum_i p_i - sum_{k <= P} Phi_kk`` docs/simulator.md (SIM.4).
    v : ``(c, p_max, S)`` = ``V = G Lambda^{1/2}`` (projection only, else ``None``): the rows
        the dual route of the ``P`` sweep accumulates docs/simulator.md (SIM.12).
    """

    n: np.ndarray
    r: np.ndarray
    qt: np.ndarray | None
    phi_diag: np.ndarray
    v: np.ndarray | None = None

    @property
    def diagonal(self) -> bool:
        """True for the top-``P`` student (diagonal ``R``)."""
        return self.r.ndim == 1


def seed_streams(seed: int, n_seeds: int) -> list[np.random.SeedSequence]:
    """Per-seed streams ``SeedSequence(seed).spawn(n_seeds)``: seed ``k`` always gets stream ``k``.

    The one way the simulator derives randomness, docs/sweeps.md (SW.3): stream ``k`` is
    ``SeedSequence(seed, spawn_key=(k,))``, whatever the chunking; a sweep's configuration
    supplies ``seed`` itself by docs/sweeps.md (SW.2).
    """
    return np.random.SeedSequence(seed).spawn(n_seeds)  # docs/sweeps.md (SW.3)


def draw_designs(design: GaussianDesign, streams: list[np.random.SeedSequence], *,
                 d_max: int, p_max: int) -> DesignDraw:
    """Draw the projection (if any) and the whitened training design for each stream.

    Each stream draws, in this order, the projection ``G`` (``p_max x S``; projection student
    only) and then ``N`` (``d_max x p_max``), so a seed's numbers never depend on which other
    seeds share its chunk.
    """
    d_max = check_int("d_max", d_max, minimum=1)
    p_max = check_int("p_max", p_max, minimum=1, maximum=design.size)
    gens = [np.random.default_rng(s) for s in streams]
    if design.student == "top":
        n = _normals(gens, d_max, p_max)
        phi = np.broadcast_to(design.powers[:p_max], (len(gens), p_max)).copy()
        return DesignDraw(n, np.sqrt(design.lam[:p_max]), None, phi)
    sqrt_lam = np.sqrt(design.lam)
    c = len(gens)
    v = np.empty((c, p_max, design.size))
    qt = np.empty((c, p_max, design.size))
    r = np.empty((c, p_max, p_max))
    for k, g in enumerate(gens):
        g.standard_normal(out=v[k])                                          # G (P_max x S)
        v[k] *= sqrt_lam                                                     # V = G Lambda^1/2
        # Householder V^T = Q R with Q formed from the reflectors (orthonormal to rounding
        # whatever cond(V); Q^T = R^-T V would lose orthogonality as cond(R) * eps and costs
        # the same)                                                          docs/simulator.md (SIM.3)
        q, r[k] = sla.qr(v[k].T, mode="economic", check_finite=False)
        qt[k] = q.T
    n = _normals(gens, d_max, p_max)
    phi = np.stack([np.square(q) @ design.powers for q in qt])              # docs/simulator.md (SIM.4)
    return DesignDraw(n, r, qt, phi, v)


def _normals(gens: list[np.random.Generator], d_max: int, p_max: int) -> np.ndarray:
    """``N`` for each generator, drawn in place into one ``(c, d_max, p_max)`` array."""
    n = np.empty((len(gens), d_max, p_max))
    for k, g in enumerate(gens):
        g.standard_normal(out=n[k])
    return n


def residual_power(design: GaussianDesign, draw: DesignDraw, p: int) -> np.ndarray:
    """``rho^2(P)`` per seed, shape ``(c,)`` docs/simulator.md (SIM.4): target power the first ``P`` features miss."""
    if draw.diagonal:
        return np.full(draw.n.shape[0], design.residual_top(p))
    total = float(design.powers.sum())
    rho2 = total - draw.phi_diag[:, :p].sum(axis=1)
    tol = 64 * np.finfo(float).eps * total * max(p, 1)
    if (rho2 < -tol).any():
        raise FloatingPointError(f"residual power rho^2({p}) = {rho2.min()!r} < 0 beyond rounding")
    return np.maximum(rho2, 0.0)
