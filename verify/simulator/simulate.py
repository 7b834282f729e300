"""The vectorized least-squares simulator of the Gaussian-design random-feature model.

``simulate_sweep`` returns, for a whole grid of training-set sizes ``D`` (or feature counts
``P``) and many seeds, the excess test loss ``E_x[(f - F)^2]`` (asymptotics/model.py
convention) of ridgeless (min-norm) or ridge least squares, averaged *exactly* over the
teacher weights, the label noise, the student-invisible part of the training inputs and the
test distribution (docs/simulator.md (SIM.5)). Only the projection and the student-visible
training design are drawn (verify.simulator.design). The sweep nests: the grid's points use
the first ``D`` rows / first ``P`` columns of the largest draw, and the ridgeless routes get
every point from one factorization per seed (verify.simulator.nested); a projection student's
``P > D`` points of a ``P`` sweep (ridge or not) come from one pass over the projection's rows
in the ``D x D`` dual (verify.simulator.dual, docs/simulator.md (SIM.13)).

Randomness: seed ``k`` of the sweep uses stream ``SeedSequence(seed).spawn(seeds)[k]``
(docs/sweeps.md (SW.3)), so the numbers are bitwise the same whatever ``chunk_size``.

The chain: :class:`SimulationConfig` (validated at the boundary, cost estimated before any
work) -> :func:`run_simulation` -> :class:`SimulationResult` (which records its config);
:func:`simulate_sweep` is that chain behind keyword arguments.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.linalg as sla

from asymptotics._lib.budget import (
    FLOP_RATE,
    MEMORY_BOUND,
    SECONDS_BOUND,
    check_memory,
    check_seconds,
)
from asymptotics._lib.validation import check_choice, check_int, check_real, check_sorted_int_grid
from asymptotics.model import ArraySpectrum, PowerLawSpectrum, Target
from verify.output.progress import tick
from verify.simulator.design import (
    STUDENTS,
    DesignDraw,
    GaussianDesign,
    check_model,
    draw_designs,
    make_design,
    residual_power,
    seed_streams,
)
from verify.simulator.dual import dual_is_cheaper, dual_p_sweep
from verify.simulator.nested import (
    dual_or_primal_point,
    overparam_d_sweep,
    underparam_d_points,
    underparam_p_sweep,
)

__all__ = ["CHUNK_BUDGET", "CI_LEVEL", "COND_LIMIT", "JSON_KEYS", "MAX_SCALE", "METHOD", "NORMAL_COST",
           "P_ROUTES",
           "SimulationConfig", "SimulationResult", "SweepResult", "run_simulation",
           "simulate_sweep", "student_metrics"]

#: Routes for a projection student's ``P > D`` points in a ``P`` sweep (``simulate_sweep``):
#: ``"dual"`` is the dual route (verify.simulator.dual, docs/simulator.md (SIM.13)).
P_ROUTES = ("auto", "dual", "per_point")

#: Level of :attr:`SimulationResult.ci`.
CI_LEVEL = 0.95

#: Points whose condition estimate exceeds this are flagged: the relative rounding error of a
#: QR/SVD based solve is about ``cond * 2.2e-16``, so beyond 1e8 fewer than ~8 digits survive.
COND_LIMIT = 1e8

METHOD = ("exact average over teacher and test distribution (Gaussian design: traces over the "
          "teacher-weight and population covariances; draws: projection and student-visible "
          "training design only)")

#: Largest ``ridge`` and ``noise`` accepted: beyond it ``(s^2 + ridge)^2`` and the squares of
#: the losses' standard error overflow (found at ridge 1e308, noise 1e308).
MAX_SCALE = 1e100

#: Working-memory budget for one chunk of seeds when ``chunk_size`` is None (bytes).
CHUNK_BUDGET = 1 << 30

#: Cost of drawing one standard normal, in floating-point operations of the time model
#: (measured on this project's machine, one core: 6e7 normals/s against 2e10 flop/s for a
#: Householder QR, a ratio of about 300).
NORMAL_COST = 300.0

#: The keys of a simulation configuration as JSON (``SimulationConfig.from_json``): the one
#: schema of the ``simulate`` command and the sweep task ``simulate``. Required: ``b``, ``S``,
#: ``D``, ``P``; the rest default as in :func:`simulate_sweep` (``a`` None: Bahri's teacher).
JSON_KEYS = ("b", "S", "a", "D", "P", "student", "ridge", "noise", "seeds", "seed",
             "chunk_size", "p_route")
_JSON_REQUIRED = ("b", "S", "D", "P")


def _is_list(value: object) -> bool:
    return isinstance(value, Sequence | np.ndarray) and not isinstance(value, str | bytes)


@dataclass(frozen=True)
class SimulationConfig:
    """A validated simulation: the model, the swept grid and the solver settings.

    Built at the boundary (:func:`simulate_sweep`, the ``simulate`` command, the sweep task
    through :meth:`from_json`); every internal step takes this object. Validation allocates
    nothing of size ``S``, so :meth:`check_budget` runs before any work.

    Parameters
    ----------
    spectrum, target, D, P, student, ridge, noise, seeds, seed, chunk_size, p_route
        As in :func:`simulate_sweep` (``D``/``P`` lists are stored as tuples).

    Attributes
    ----------
    axis : ``"D"`` or ``"P"``, the swept axis.
    grid : the swept values (strictly increasing).
    fixed : the other axis' value (``S`` for the kernel limit ``P=None``).
    size : ``S``, the number of teacher features.
    d_max, p_max : the largest ``D`` and ``P`` drawn.
    """

    spectrum: PowerLawSpectrum | ArraySpectrum
    target: Target
    D: int | tuple[int, ...]
    P: int | tuple[int, ...] | None
    student: str = "projection"
    ridge: float = 0.0
    noise: float = 0.0
    seeds: int = 8
    seed: int = 0
    chunk_size: int | None = None
    p_route: str = "auto"
    axis: str = field(init=False)
    grid: tuple[int, ...] = field(init=False)
    fixed: int = field(init=False)
    size: int = field(init=False)
    d_max: int = field(init=False, repr=False)
    p_max: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        put = object.__setattr__
        s = check_model(self.spectrum, self.target)
        check_choice("student", self.student, STUDENTS)
        d_list, p_list = _is_list(self.D), _is_list(self.P)
        if d_list == p_list:
            raise ValueError("exactly one of `D` and `P` must be a list (the swept axis); got "
                             f"D={self.D!r}, P={self.P!r}")
        if d_list:
            grid = check_sorted_int_grid("D", self.D, minimum=1)
            fixed = s if self.P is None else check_int("P", self.P, minimum=1)
            put(self, "D", grid)
            put(self, "P", None if self.P is None else fixed)
            p_max, d_max = fixed, grid[-1]
        else:
            grid = check_sorted_int_grid("P", self.P, minimum=1)
            fixed = check_int("D", self.D, minimum=1)
            put(self, "D", fixed)
            put(self, "P", grid)
            p_max, d_max = grid[-1], fixed
        if p_max > s:
            rule = ("the top-P student has only S features" if self.student == "top" else
                    "a projection student with P > S is not supported (use P=None for the "
                    "kernel limit)")
            raise ValueError(f"`P` must be <= S = {s} ({rule}); got {p_max}")
        # past MAX_SCALE the solves' squares (s^2 + ridge)^2 and the loss's std overflow
        put(self, "ridge", check_real("ridge", self.ridge, ge=0.0, le=MAX_SCALE))
        put(self, "noise", check_real("noise", self.noise, ge=0.0, le=MAX_SCALE))
        put(self, "seeds", check_int("seeds", self.seeds, minimum=1))
        put(self, "seed", check_int("seed", self.seed, minimum=0))
        if self.chunk_size is not None:
            put(self, "chunk_size", check_int("chunk_size", self.chunk_size, minimum=1))
        check_choice("p_route", self.p_route, P_ROUTES)
        for name, value in (("axis", "D" if d_list else "P"), ("grid", grid), ("fixed", fixed),
                            ("size", s), ("d_max", d_max), ("p_max", p_max)):
            put(self, name, value)

    # ------------------------------------------------------------ derived settings
    @property
    def kind(self) -> str:
        """``"kernel"`` for ``P=None`` (all ``S`` features), else the student."""
        return "kernel" if self.P is None else self.student

    @property
    def design_student(self) -> str:
        """The student the design draws: the kernel limit is the top student with ``P = S``."""
        return "top" if self.P is None else self.student

    @property
    def chunk(self) -> int:
        """Seeds per chunk: ``chunk_size``, or as many as fit in :data:`CHUNK_BUDGET`."""
        if self.chunk_size is not None:
            return self.chunk_size
        return max(1, min(self.seeds, CHUNK_BUDGET // _per_seed_bytes(
            self.design_student, self.size, self.d_max, self.p_max)))

    def make_design(self) -> GaussianDesign:
        """Tabulate the model (``lambda_i``, ``p_i``): the first allocation of size ``S``."""
        return make_design(self.spectrum, self.target, self.design_student)

    # ------------------------------------------------------------ cost and budget
    def cost(self) -> tuple[float, float]:
        """``(bytes, operations)``: the peak memory and the work the simulation plans.

        Leading terms, per seed: the draw (``D_max x P_max`` normals, plus ``P_max x S`` and a
        Householder QR of ``S x P_max`` with ``Q`` formed for a projection), then each route's
        factorizations (docs/simulator.md §8, "Cost model and refusals"). Memory: one chunk
        of seeds' working arrays, the tabulated model (four arrays of ``S``) and the results.
        """
        return _estimate(self.design_student, self.size, self.axis, self.grid, self.fixed,
                         self.ridge, self.p_route, self.seeds, self.chunk_size)

    def check_budget(self, *, force: bool = False) -> None:
        """Refuse (``asymptotics._lib.budget.BudgetExceeded``) a simulation whose
        estimated memory or time exceeds the bounds of ``asymptotics._lib.budget``.

        The message names the parameter whose halving shrinks the estimate most.
        """
        if force:
            return
        nbytes, ops = self.cost()
        hint = "lower it, or pass force=True (command line: --force)"
        if nbytes > MEMORY_BOUND:
            name, value = self._driver(0)
            check_memory(name, _show(value), nbytes, bound=MEMORY_BOUND, hint=hint)
        if ops > FLOP_RATE * SECONDS_BOUND:
            name, value = self._driver(1)
            check_seconds(name, _show(value), ops, rate=FLOP_RATE, bound=SECONDS_BOUND,
                          hint=hint)

    def _driver(self, which: int) -> tuple[str, object]:
        """The parameter (and its value) whose halving lowers estimate ``which`` the most."""
        base = (self.design_student, self.size, self.axis, self.grid, self.fixed, self.ridge,
                self.p_route, self.seeds, self.chunk_size)

        def half(v: int) -> int:
            return max(1, v // 2)

        d_is_grid = self.axis == "D"
        cands: list[tuple[str, object, tuple]] = [
            ("S", self.size, (base[0], half(self.size), *base[2:4],
                              half(self.fixed) if self.P is None else self.fixed, *base[5:])),
            ("seeds", self.seeds, (*base[:7], half(self.seeds), self.chunk_size)),
        ]
        if d_is_grid:
            cands.insert(0, ("D", self.grid[-1], (*base[:3], tuple(map(half, self.grid)),
                                                  *base[4:])))
            if self.P is not None:
                cands.insert(1, ("P", self.fixed, (*base[:4], half(self.fixed), *base[5:])))
        else:
            cands.insert(0, ("P", self.grid[-1], (*base[:3], tuple(map(half, self.grid)),
                                                  *base[4:])))
            cands.insert(1, ("D", self.fixed, (*base[:4], half(self.fixed), *base[5:])))
        if self.chunk_size is not None:
            cands.append(("chunk_size", self.chunk_size, (*base[:8], half(self.chunk_size))))
        huge = [c for c in cands if c[1] > _HUGE]  # clamped by the model: name it outright
        if huge:
            return huge[0][0], huge[0][1]
        full = _estimate(*base)[which]
        # ties (D and P enter a D x P array alike) go to the larger value
        name, value, _ = max(cands, key=lambda c: (round((full - _estimate(*c[2])[which])
                                                         / full, 2), c[1]))
        return name, value

    # ------------------------------------------------------------ the JSON schema
    @classmethod
    def from_json(cls, config: Mapping[str, Any]) -> SimulationConfig:
        """Build from JSON data with the keys :data:`JSON_KEYS` (unknown keys are refused).

        ``b`` and ``S`` give ``PowerLawSpectrum(b, size=S)``, ``a`` a power-law target
        ``p_i = i**(-a)`` (None or absent: Bahri's isotropic teacher), ``P`` None the kernel
        limit.
        """
        if not isinstance(config, Mapping):
            raise TypeError(f"`config` must be a mapping; got {type(config).__name__}")
        unknown = sorted(set(config) - set(JSON_KEYS))
        if unknown:
            raise ValueError(f"`config` has unknown key {unknown[0]!r}; the keys of a "
                             f"simulation are {list(JSON_KEYS)}")
        missing = [k for k in _JSON_REQUIRED if k not in config]
        if missing:
            raise ValueError(f"`config` must give {missing[0]!r} (required: "
                             f"{list(_JSON_REQUIRED)}); got keys {sorted(config)}")
        size = check_int("S", config["S"], minimum=1)
        b = check_real("b", config["b"], gt=1.0)
        a = config.get("a")
        target = (Target.isotropic() if a is None
                  else Target.power_law(check_real("a", a, gt=1.0)))
        kw = {k: config[k] for k in ("student", "ridge", "noise", "seeds", "seed",
                                     "chunk_size", "p_route") if k in config}
        return cls(PowerLawSpectrum(b, size=size), target, D=config["D"], P=config["P"], **kw)

    def to_dict(self) -> dict[str, Any]:
        """The configuration as plain data (what a result's JSON records)."""
        return {"spectrum": repr(self.spectrum), "target": repr(self.target), "S": self.size,
                "student": self.kind, "axis": self.axis, "D": _plain(self.D),
                "P": _plain(self.P), "ridge": self.ridge, "noise": self.noise,
                "seeds": self.seeds, "seed": self.seed, "chunk_size": self.chunk,
                "p_route": self.p_route}


def _show(value: object) -> object:
    """``value`` for a message; an integer too long to print in full as ``~10^N``."""
    if isinstance(value, int) and value.bit_length() > 64:
        return f"~10^{int(value.bit_length() * math.log10(2))}"
    return value


def _plain(v: int | tuple[int, ...] | None) -> int | list[int] | None:
    return list(v) if isinstance(v, tuple) else v


# ---------------------------------------------------------------- the cost model
def _per_seed_bytes(student: str, s: int, d_max: int, p_max: int) -> int:
    """Working bytes per seed: about six ``D_max x P_max`` arrays (draw, ``Z``, QR copy,
    ``Q^T`` and two products), three ``P_max x S`` ones for a projection and a few
    ``P_max x P_max``."""
    return 8 * (6 * d_max * p_max + 4 * p_max * p_max
                + (3 * p_max * s if student == "projection" else 0))


#: Sizes past which the cost model clamps (any such request is far over every bound).
_HUGE = 10**30


def _svd_point(d: float, p: float, full_sig: bool) -> float:
    """Flops of one per-point SVD route (docs/simulator.md (SIM.10)) for a ``D x P`` block."""
    k = min(d, p)
    return 4.0 * d * p * k + 22.0 * k * k * k + 6.0 * k * k * p + (2.0 * k * p * p if full_sig
                                                                       else 0.0)


def _estimate(student: str, s: int, axis: str, grid: tuple[int, ...], fixed: int, ridge: float,
              p_route: str, seeds: int, chunk_size: int | None) -> tuple[float, float]:
    """``(bytes, operations)`` of a simulation (leading terms; see ``SimulationConfig.cost``)."""
    # past _HUGE the estimate is of sizes clamped there: a lower bound, and far over any bound
    s, fixed, seeds = (min(v, _HUGE) for v in (s, fixed, seeds))
    grid = tuple(min(v, _HUGE) for v in grid)
    chunk_size = None if chunk_size is None else min(chunk_size, _HUGE)
    proj = student == "projection"
    s_, seeds_ = float(s), float(seeds)
    d_max, p_max = (float(grid[-1]), float(fixed)) if axis == "D" else (float(fixed),
                                                                        float(grid[-1]))
    per_seed = 8.0 * (6.0 * d_max * p_max + 4.0 * p_max * p_max
                      + (3.0 * p_max * s_ if proj else 0.0))
    chunk = float(chunk_size) if chunk_size else max(1.0, min(seeds_, CHUNK_BUDGET // per_seed))
    nbytes = min(chunk, seeds_) * per_seed + 32.0 * s_ + 32.0 * seeds_ * len(grid)
    ops = NORMAL_COST * (d_max * p_max + (p_max * s_ if proj else 0.0))   # the draw
    if proj:
        ops += 4.0 * s_ * p_max * p_max + 2.0 * s_ * p_max               # QR of V^T, Q, Phi

    def metrics(p: float) -> float:                                      # (SIM.4)
        return 2.0 * p * p * s_ + 4.0 * p * p * p if proj else 0.0

    if axis == "D":
        p = float(fixed)
        ops += metrics(p) + (2.0 * d_max * p * p if proj else d_max * p)   # Sigma_theta, Z = N R
        under = [float(d) for d in grid if d >= fixed] if ridge == 0 else []
        over = [float(d) for d in grid if not (ridge == 0 and d >= fixed)]
        ops += sum(2.0 * d * p * p + p * p * p for d in under)              # (SIM.6)
        if over and ridge == 0:   # QR of Z^T, Q^T, B; a triangular inverse per point (SIM.7)-(SIM.9)
            ops += 5.0 * p * over[-1] * over[-1] + sum(2.0 * d * d * d for d in over)
        else:
            ops += sum(_svd_point(d, p, proj) for d in over)                # (SIM.10)
    else:
        d = float(fixed)
        under = {p for p in grid if p <= fixed} if ridge == 0 else set()
        if under:
            u = float(max(under))
            ops += 2.0 * d * u * u + u * u * u                                # (SIM.6)
        dual = set() if (not proj or p_route == "per_point") else {
            p for p in grid if p > fixed and (p_route == "dual" or dual_is_cheaper(fixed, p, s))}
        if dual:                                                          # (SIM.12)-(SIM.13)
            top = float(max(dual))
            ops += 2.0 * s_ * top * d + top * top * d + len(dual) * (6.0 * s_ * d * d
                                                                     + 30.0 * d * d * d)
        for p in grid:
            if p not in under and p not in dual:                          # (SIM.10)
                pf = float(p)
                ops += metrics(pf) + (2.0 * d * pf * pf if proj else d * pf) + _svd_point(
                    d, pf, proj)
    return nbytes, ops * seeds_


# ---------------------------------------------------------------- the result
@dataclass(frozen=True)
class SimulationResult:
    """Losses of a sweep over ``D`` or ``P``, one row per seed.

    Attributes
    ----------
    axis : ``"D"`` or ``"P"``, the swept axis.
    grid : the swept values (strictly increasing).
    D, P : the fixed value of the other axis (``P = None``: kernel limit, all ``S`` features).
    losses : ``(n_seeds, n_points)`` exact teacher/test-averaged excess losses docs/simulator.md (SIM.5).
    mean : ``losses.mean(axis=0)``.
    stderr : ``losses.std(axis=0, ddof=1) / sqrt(n_seeds)`` (``inf`` for one seed: unknown).
    cond : ``(n_seeds, n_points)`` condition estimates of the solves.
    flags : ``(n_points,)`` True where a point is unreliable; ``flag_reasons`` says why.
    finite_moments : ``(n_points,)`` the largest integer ``k`` with a finite ``E[L^k]`` over
        draws: ``floor(|D - P| / 2)`` for a ridgeless point with a diverging variance term
        (inverse-Wishart moments, docs/simulator.md (SIM.14)), ``inf`` otherwise.
    heavy_tail : ``(n_points,)`` True where ``finite_moments < 4`` (the loss has no finite
        fourth moment, so the standard error's own error is unbounded) or where the
        skewness-corrected rate ``tail_rate`` exceeds twice Student's rate (the loss is so
        right-skewed that mean +- s.e. over-states its confidence at this number of seeds;
        measured in docs/simulator.md §5); ``tail_reasons`` says which.
    tail_rate : per point, the predicted ``P(|z| > 3)`` of the mean's ``t``-statistic over
        ``n_seeds`` seeds, from the Edgeworth expansion (docs/simulator.md (SIM.16)) with the
        skewness and kurtosis of one diagonal of the inverse Wishart (SIM.17); None where it
        does not apply (a ridge, fewer than 8 between ``D`` and ``P``, nothing random, one
        seed).
    median : ``(n_points,)`` the median loss over seeds.
    ci : ``(n_points, 2)`` the interval to quote at level :data:`CI_LEVEL`: mean +- Student's
        ``t`` times ``stderr`` where the fourth moment is finite; at ``heavy_tail`` points the
        distribution-free interval for the *median* by order statistics (SIM.15).
        ``ci_kind`` names which (``"mean"`` or ``"median"``).
    seed, n_seeds : the root seed and the number of per-seed streams spawned from it
        (stream ``k`` = ``SeedSequence(seed).spawn(n_seeds)[k]``, docs/sweeps.md (SW.3)).
    config : the :class:`SimulationConfig` that produced it (as JSON: its ``to_dict()``).
    method : how the average was taken.
    """

    axis: str
    grid: tuple[int, ...]
    D: int | None
    P: int | None
    losses: np.ndarray = field(repr=False)
    mean: np.ndarray
    stderr: np.ndarray
    cond: np.ndarray = field(repr=False)
    flags: np.ndarray
    flag_reasons: tuple[str, ...]
    seed: int
    n_seeds: int
    config: SimulationConfig
    method: str = METHOD
    finite_moments: np.ndarray | None = None
    heavy_tail: np.ndarray | None = None
    tail_rate: tuple[float | None, ...] = ()
    tail_reasons: tuple[str, ...] = ()
    median: np.ndarray | None = None
    ci: np.ndarray | None = None
    ci_kind: tuple[str, ...] = ()


#: The former name of :class:`SimulationResult`.
SweepResult = SimulationResult


def student_metrics(design: GaussianDesign, draw: DesignDraw, p: int
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | float]:
    """The scaled factor ``R_P``, ``Lambda_z`` and ``Sigma_theta`` of the first ``P`` features.

    Top-``P``: ``R_P = sqrt(lambda_1..P)`` (diagonal), ``Lambda_z = lambda_1..P``,
    ``Sigma_theta = p_i / lambda_i`` (the scalar ``c`` for Bahri's teacher). Projection:
    ``R_P = P^{-1/2} R[:P, :P]``, ``Lambda_z = R_P^T R_P`` and ``Sigma_theta = R_P^{-1} Phi_P
    R_P^{-T}`` with ``Phi_P = Q_P^T diag(p) Q_P`` docs/simulator.md (SIM.4).
    """
    if draw.diagonal:
        lam = design.lam[:p]
        sig = (design.isotropic_weights if design.isotropic_weights is not None
               else design.powers[:p] / lam)
        return draw.r[:p], lam, sig
    r = draw.r[:, :p, :p] / np.sqrt(p)
    qt = draw.qt[:, :p, :]
    phi = (qt * design.powers) @ np.swapaxes(qt, -1, -2)
    sig = []
    for rk, fk in zip(r, phi, strict=True):
        half = sla.solve_triangular(rk, fk, check_finite=False)
        sig.append(sla.solve_triangular(rk, half.T, check_finite=False))
    sig_arr = np.stack(sig)
    return r, np.swapaxes(r, -1, -2) @ r, 0.5 * (sig_arr + np.swapaxes(sig_arr, -1, -2))


def _student_design(n: np.ndarray, r: np.ndarray) -> np.ndarray:
    """``Z = N R`` for a diagonal (``(P,)``) or upper-triangular (``(c, P, P)``) factor."""
    return n * r if r.ndim == 1 else n @ r


def _chunk_losses(design: GaussianDesign, draw: DesignDraw, cfg: SimulationConfig
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Losses and condition estimates ``(c, n_points)`` for one chunk of seeds."""
    grid, fixed, ridge, noise = cfg.grid, cfg.fixed, cfg.ridge, cfg.noise
    c = draw.n.shape[0]
    bias = np.zeros((c, len(grid)))
    fac = np.zeros((c, len(grid)))
    cond = np.ones((c, len(grid)))
    rho2 = np.zeros((c, len(grid)))
    if cfg.axis == "D":
        p = fixed
        rho2[:] = residual_power(design, draw, p)[:, None]
        need_noise = bool((rho2 + noise > 0).any())
        r, lam_z, sig = student_metrics(design, draw, p)
        under = [j for j, d in enumerate(grid) if d >= p] if ridge == 0 else []
        over = [j for j in range(len(grid)) if j not in under]
        if under:
            fac[:, under], cond[:, under] = underparam_d_points(draw.n[:, :, :p],
                                                                [grid[j] for j in under])
        if over:
            d_over = [grid[j] for j in over]
            z = _student_design(draw.n[:, :d_over[-1], :p], r)
            if ridge == 0:
                b_, f_, c_ = overparam_d_sweep(z, lam_z, sig, d_over, need_noise)
                bias[:, over], fac[:, over], cond[:, over] = b_, f_, c_
            else:
                for j, d in zip(over, d_over, strict=True):
                    bias[:, j], fac[:, j], cond[:, j] = dual_or_primal_point(
                        z[:, :d, :], lam_z, sig, ridge)
    else:
        d = fixed
        under = [j for j, p in enumerate(grid) if p <= d] if ridge == 0 else []
        if under:
            p_under = [grid[j] for j in under]
            fac[:, under], cond[:, under] = underparam_p_sweep(draw.n[:, :, :p_under[-1]],
                                                               p_under)
        if draw.diagonal or cfg.p_route == "per_point":
            dual = []
        else:
            dual = [j for j, p in enumerate(grid) if p > d and (
                cfg.p_route == "dual" or dual_is_cheaper(d, p, design.size))]
        if dual:                                                   # docs/simulator.md (SIM.13)
            bias[:, dual], fac[:, dual], cond[:, dual] = dual_p_sweep(
                draw.v, draw.qt, draw.r, draw.n, design.powers, draw.phi_diag,
                [grid[j] for j in dual], ridge)
        for j, p in enumerate(grid):
            rho2[:, j] = residual_power(design, draw, p)
            if j in under or j in dual:
                continue
            r, lam_z, sig = student_metrics(design, draw, p)
            z = _student_design(draw.n[:, :, :p], r)
            bias[:, j], fac[:, j], cond[:, j] = dual_or_primal_point(z, lam_z, sig, ridge)
    losses = rho2 + bias + (rho2 + noise) * fac                                   # docs/simulator.md (SIM.5)
    return losses, cond


def _flags(cfg: SimulationConfig, losses: np.ndarray, cond: np.ndarray
           ) -> tuple[np.ndarray, tuple[str, ...]]:
    reasons = []
    for j, v in enumerate(cfg.grid):
        d, p = (v, cfg.fixed) if cfg.axis == "D" else (cfg.fixed, v)
        why = []
        if not np.isfinite(losses[:, j]).all():
            why.append("non-finite loss (singular solve)")
        if np.nanmax(cond[:, j]) > COND_LIMIT:
            why.append(f"ill-conditioned solve (condition estimate {np.nanmax(cond[:, j]):.2g} "
                       f"> {COND_LIMIT:.0e})")
        # E Tr[(N^T N)^{-1}] = P / (D - P - 1): docs/simulator.md (SIM.11) diverges at the peak
        if cfg.ridge == 0 and abs(d - p) <= 1 and (losses[:, j] > 0).any():
            why.append("ridgeless with |D - P| <= 1: the mean loss is infinite, the sample mean "
                       "does not converge")
        elif cfg.ridge == 0 and abs(d - p) <= 3 and (losses[:, j] > 0).any():
            why.append("ridgeless with |D - P| <= 3: the loss has infinite variance (inverse "
                       "Wishart), the standard error is unreliable")
        reasons.append("; ".join(why))
    return np.array([bool(w) for w in reasons]), tuple(reasons)


def _finite_moments(cfg: SimulationConfig, losses: np.ndarray) -> np.ndarray:
    """Largest finite moment order of the loss per point (docs/simulator.md (SIM.14)).

    Ridgeless, the variance term holds ``Tr[(N^T N)^{-1}]`` (``D > P``) or its ``D x D``
    counterpart (``D < P``) with ``N`` Gaussian, whose smallest eigenvalue has
    ``P(lambda_min < e) ~ e^((|D - P| + 1)/2)``, so ``E[L^k]`` is finite iff
    ``k < (|D - P| + 1)/2``, i.e. ``k <= floor(|D - P| / 2)``. A ridge bounds the inverse;
    an all-zero column (nothing to fit, no noise) has every moment.
    """
    out = np.full(len(cfg.grid), np.inf)
    if cfg.ridge != 0:
        return out
    for j, v in enumerate(cfg.grid):
        d, p = (v, cfg.fixed) if cfg.axis == "D" else (cfg.fixed, v)
        if (losses[:, j] > 0).any():
            out[j] = abs(d - p) // 2                                     # (SIM.14)
    return out


def _median_ci(losses: np.ndarray, level: float) -> np.ndarray:
    """Distribution-free interval for each column's median (docs/simulator.md (SIM.15)).

    ``[L_(l), L_(n+1-l)]`` (order statistics, 1-based) with the largest ``l`` such that
    ``2 P(Bin(n, 1/2) <= l - 1) <= 1 - level``: it holds the median with probability at
    least ``level`` whatever the distribution. ``(0, inf)`` when ``n`` is too small.
    """
    from scipy import stats

    n = losses.shape[0]
    srt = np.sort(losses, axis=0)
    ls = np.arange(1, n // 2 + 1)
    ok = ls[2.0 * stats.binom.cdf(ls - 1, n, 0.5) <= 1.0 - level]
    if ok.size == 0:
        return np.column_stack([np.zeros(losses.shape[1]), np.full(losses.shape[1], np.inf)])
    lo = int(ok[-1])
    return np.column_stack([srt[lo - 1], srt[n - lo]])


#: A point whose predicted ``P(|z| > 3)`` (SIM.16) exceeds this multiple of Student's
#: ``t_{n-1}`` rate is treated as heavy-tailed: quoting mean +- 3 s.e. there means about
#: 2.7 s.e. of Student's law or less.
_TAIL_FACTOR = 2.0


def _inverse_chi2_shape(nu: float) -> tuple[float, float]:
    """Skewness and excess kurtosis of ``1/Y``, ``Y ~ chi^2_nu`` (``nu > 8``), docs/simulator.md
    (SIM.17), from ``E[Y^-k] = 1/(2^k (nu/2 - 1) ... (nu/2 - k))``."""
    return (4.0 * math.sqrt(2.0 * (nu - 4.0)) / (nu - 6.0),
            12.0 * (5.0 * nu - 22.0) / ((nu - 6.0) * (nu - 8.0)))


def _edgeworth_tail(skew: float, kurt: float, n: int, x: float = 3.0) -> float:
    """``P(|T| > x)`` for the mean's ``t``-statistic over ``n`` draws to order ``1/n``
    (docs/simulator.md (SIM.16)): the ``n^{-1/2}`` skewness term is even in ``x`` and
    cancels from the two-sided rate; the ``1/n`` term keeps ``skew^2`` and ``kurt``."""
    phi = math.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)
    q2 = x * (kurt / 12.0 * (x * x - 3.0) - skew * skew / 18.0 * (x ** 4 + 2.0 * x * x - 3.0)
              - (x * x + 3.0) / 4.0)                                           # (SIM.16)
    return math.erfc(x / math.sqrt(2.0)) - 2.0 * q2 * phi / n


def _tail_rates(cfg: SimulationConfig, losses: np.ndarray) -> np.ndarray:
    """Predicted ``P(|z| > 3)`` per point (NaN where it does not apply), docs/simulator.md
    (SIM.16)-(SIM.17): ridgeless, ``|D - P| >= 8`` (a finite fourth moment), ``n >= 2``."""
    n = losses.shape[0]
    out = np.full(len(cfg.grid), np.nan)
    if cfg.ridge != 0 or n < 2:
        return out
    for j, v in enumerate(cfg.grid):
        d, p = (v, cfg.fixed) if cfg.axis == "D" else (cfg.fixed, v)
        if abs(d - p) >= 8 and (losses[:, j] > 0).any():
            # the tail of the variance term is that of one diagonal of the inverse
            # Wishart, 1/chi^2 with |D - P| + 1 degrees of freedom (SIM.17)
            out[j] = _edgeworth_tail(*_inverse_chi2_shape(abs(d - p) + 1.0), n)
    return out


def _tails(cfg: SimulationConfig, losses: np.ndarray, mean: np.ndarray, stderr: np.ndarray):
    """``finite_moments``, ``heavy_tail``, ``tail_rate``, the reasons, the median and ``ci``."""
    from scipy import stats

    moments = _finite_moments(cfg, losses)
    n = losses.shape[0]
    student = float(2.0 * stats.t.sf(3.0, n - 1)) if n > 1 else np.nan
    rates = _tail_rates(cfg, losses)
    skewed = np.isfinite(rates) & (rates > _TAIL_FACTOR * student)
    heavy = (moments < 4) | skewed
    gaps = [abs(v - cfg.fixed) for v in cfg.grid]
    reasons = []
    for k, s, r, gap in zip(moments, skewed, rates, gaps, strict=True):
        if k < 4:
            reasons.append(
                f"ridgeless with |D - P| <= {int(2 * k + 1)}: moments of the loss finite only "
                f"up to order {int(k)} (inverse Wishart), no finite fourth moment, so the "
                "standard error is unreliable; ci is the median's order-statistic interval")
        elif s:
            reasons.append(
                f"ridgeless with |D - P| = {gap}: the loss is right-skewed (inverse Wishart), "
                f"so with {n} seeds the mean's |z| > 3 rate is predicted at {r:.3f} (Student: "
                f"{student:.3f}); ci is the median's order-statistic interval")
        else:
            reasons.append("")
    median = np.median(losses, axis=0)
    t = float(stats.t.ppf(0.5 * (1.0 + CI_LEVEL), n - 1)) if n > 1 else np.inf
    with np.errstate(invalid="ignore"):
        mean_ci = np.column_stack([mean - t * stderr, mean + t * stderr])
    mean_ci[~np.isfinite(stderr)] = (-np.inf, np.inf)
    ci = np.where(heavy[:, None], _median_ci(losses, CI_LEVEL), mean_ci)
    kind = tuple("median" if h else "mean" for h in heavy)
    return moments, heavy, rates, tuple(reasons), median, ci, kind


def run_simulation(config: SimulationConfig, *, force: bool = False) -> SimulationResult:
    """Run a validated :class:`SimulationConfig`: the chain behind :func:`simulate_sweep`.

    Refuses, before any allocation of size ``S``, a configuration whose estimated memory or
    time exceeds the bounds of ``asymptotics._lib.budget`` (``force=True`` goes past).
    """
    if not isinstance(config, SimulationConfig):
        raise TypeError(f"`config` must be a SimulationConfig; got {type(config).__name__}")
    config.check_budget(force=force)
    design = config.make_design()
    streams = seed_streams(config.seed, config.seeds)                   # docs/sweeps.md (SW.3)
    chunk = config.chunk
    losses, cond = [], []
    for start in range(0, config.seeds, chunk):
        draw = draw_designs(design, streams[start:start + chunk], d_max=config.d_max,
                            p_max=config.p_max)
        lo, co = _chunk_losses(design, draw, config)
        losses.append(lo)
        cond.append(co)
        tick(min(start + chunk, config.seeds), of=config.seeds)  # no-op without a bar
    loss_arr, cond_arr = np.concatenate(losses), np.concatenate(cond)
    flags, reasons = _flags(config, loss_arr, cond_arr)
    mean = loss_arr.mean(axis=0)
    stderr = (loss_arr.std(axis=0, ddof=1) / np.sqrt(config.seeds) if config.seeds > 1
              else np.full(len(config.grid), np.inf))
    d_fixed = config.fixed if config.axis == "P" else None
    p_fixed = config.P if config.axis == "D" else None
    moments, heavy, rates, tail_reasons, median, ci, kind = _tails(config, loss_arr, mean,
                                                                   stderr)
    return SimulationResult(config.axis, config.grid, d_fixed, p_fixed, loss_arr, mean, stderr,
                            cond_arr, flags, reasons, config.seed, config.seeds, config,
                            finite_moments=moments, heavy_tail=heavy,
                            tail_rate=tuple(None if np.isnan(r) else float(r) for r in rates),
                            tail_reasons=tail_reasons, median=median, ci=ci, ci_kind=kind)


def simulate_sweep(spectrum: PowerLawSpectrum | ArraySpectrum, target: Target, *,
                   D: int | Sequence[int], P: int | Sequence[int] | None,
                   student: str = "projection", ridge: float = 0.0, noise: float = 0.0,
                   seeds: int = 8, seed: int = 0, chunk_size: int | None = None,
                   p_route: str = "auto", force: bool = False) -> SimulationResult:
    """Exact-average losses of least squares over a grid of ``D`` or ``P`` and many seeds.

    Parameters
    ----------
    spectrum : finite ``asymptotics.model`` spectrum, ``S`` eigenvalues ``lambda_i``.
    target : ``asymptotics.model.Target`` (powers ``p_i``).
    D, P : exactly one is a strictly increasing list (the swept axis), the other an int;
        ``P=None`` is the kernel limit (all ``S`` features).
    student : ``"projection"`` (``z = P^{-1/2} G F``) or ``"top"`` (``z = F_1..P``).
    ridge : ``delta >= 0`` on the sum loss, predictor ``z^T Z^T (Z Z^T + delta I)^{-1} y``;
        0 is the min-norm interpolant.
    noise : label-noise variance ``sigma^2 >= 0`` (training labels only; the loss is excess).
    seeds : number of independent seeds; seed ``k`` uses ``SeedSequence(seed).spawn(seeds)[k]``
        (docs/sweeps.md (SW.3)).
    chunk_size : seeds processed together (memory); never changes a number. Default: as many
        as fit in about 1 GiB of working arrays (:data:`CHUNK_BUDGET`).
    p_route : how a projection student's ``P > D`` points of a ``P`` sweep are computed:
        ``"dual"`` (the dual route: the ``D x D`` dual, all such points from one pass over the
        projection's rows, docs/simulator.md (SIM.13)), ``"per_point"`` (the ``P x P`` primal
        route per grid point, docs/simulator.md (SIM.10); an independent check and benchmark
        baseline) or ``"auto"`` (default: per point, whichever costs fewer flops,
        ``verify.simulator.dual.dual_is_cheaper``; the primal only for ``D < P < ~1.3 D``).
        All give the same numbers to rounding.
    force : run even when the estimated memory or time exceeds the bounds of
        ``asymptotics._lib.budget`` (by default such a request is refused up front).

    Returns
    -------
    SimulationResult

    Raises
    ------
    asymptotics._lib.budget.BudgetExceeded
        A ``ValueError``, before any work, when the estimate (:meth:`SimulationConfig.cost`)
        exceeds the memory or the time bound; it names the parameter that drives the cost.

    Notes
    -----
    Cost per seed (ridgeless): the ``P`` sweep with ``P <= D`` is one QR of the ``D x P_max``
    whitened design; the ``D`` sweep with ``D < P`` is one QR of ``Z^T`` (``P x D_max``) and
    one triangular solve; points with ``D >= P`` in a ``D`` sweep cost one QR of their own
    ``D x P`` block. Ridge (and the ``P > D`` points of a top student's ``P`` sweep) does not
    nest: one thin SVD per grid point and seed, batched over seeds; the draw is still shared.
    A projection student's ``P > D`` points of a ``P`` sweep (ridge or not) nest in the dual
    route: ``2 S P_max D`` flops per seed plus ``4 S D^2`` per point
    (verify.simulator.dual). A projection student also costs one QR of ``Lambda^{1/2} G^T``
    (``S x P_max``) and one triangular solve for ``Q^T`` per seed, which dominate that sweep.
    """
    config = SimulationConfig(spectrum, target, D=D, P=P, student=student, ridge=ridge,
                              noise=noise, seeds=seeds, seed=seed, chunk_size=chunk_size,
                              p_route=p_route)
    return run_simulation(config, force=force)
