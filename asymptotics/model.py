"""The random-feature teacher-student model's specification: spectrum and target.

This is the vocabulary shared by the theory (``asymptotics.rf.learning_curves``) and the
laboratory (``verify.simulator.simulate``), so both describe the same model in the same units.

Conventions (docs/theory/learning_curves.md, section 1, "Setting and conventions"):

* Teacher features have population covariance ``diag(lambda_1, lambda_2, ...)`` in the
  eigenbasis (Bahri et al. Eq. 4); ``lambda_i = scale * i**(-b)`` for a power law, with
  ``b = 1 + alpha_K`` (Bahri et al. Eq. 3 writes ``lambda_i = i**(-(1 + alpha_K))``).
* The target's *power* in mode ``i`` is ``p_i = E[omega_i**2] * lambda_i``.
  Bahri's isotropic teacher ``omega ~ N(0, I/S)`` has ``p_i = lambda_i / S``; a power-law
  target has ``p_i = scale * i**(-a)``.
* The loss reported everywhere is the excess test error ``E_x[(f(x) - F(x))**2]`` (no factor
  1/2 and no test-label noise floor). Bahri et al.'s ``L`` is half of it; the eigenlearning
  ``MSE_test`` is it plus ``noise``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from asymptotics._lib.validation import check_choice, check_int, check_real, check_real_array

__all__ = ["ArraySpectrum", "PowerLawSpectrum", "Spectrum", "Target"]


@dataclass(frozen=True)
class PowerLawSpectrum:
    """``lambda_i = scale * i**(-b)`` for ``i = 1 .. size`` (``size=None``: infinitely many).

    ``b > 1`` so the trace is finite; Bahri et al.'s ``alpha_K = b - 1``.
    """

    b: float
    scale: float = 1.0
    size: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "b", check_real("b", self.b, gt=1.0))
        object.__setattr__(self, "scale", check_real("scale", self.scale, gt=0.0))
        if self.size is not None:
            object.__setattr__(self, "size", check_int("size", self.size, minimum=1))

    @property
    def alpha_K(self) -> float:
        return self.b - 1.0

    @property
    def is_finite(self) -> bool:
        return self.size is not None

    def eigenvalues(self, n: int | None = None) -> np.ndarray:
        """The first ``n`` eigenvalues (all of them when ``n`` is None and ``size`` is finite)."""
        n = self._count(n)
        return self.scale * np.arange(1, n + 1, dtype=np.float64) ** (-self.b)

    def _count(self, n: int | None) -> int:
        if n is None:
            if self.size is None:
                raise ValueError("`n` must be given for an infinite spectrum (size=None); got None")
            return self.size
        n = check_int("n", n, minimum=1)
        if self.size is not None and n > self.size:
            raise ValueError(f"`n` must be <= the spectrum size {self.size}; got {n}")
        return n


@dataclass(frozen=True)
class ArraySpectrum:
    """A finite spectrum given as an array of ``S`` positive eigenvalues (kept in the given order)."""

    values: tuple[float, ...]

    def __init__(self, values) -> None:
        arr = check_real_array("values", values, positive=True)
        object.__setattr__(self, "values", tuple(float(x) for x in arr))

    @property
    def size(self) -> int:
        return len(self.values)

    @property
    def is_finite(self) -> bool:
        return True

    def eigenvalues(self, n: int | None = None) -> np.ndarray:
        arr = np.asarray(self.values, dtype=np.float64)
        if n is None:
            return arr
        n = check_int("n", n, minimum=1)
        if n > arr.size:
            raise ValueError(f"`n` must be <= the spectrum size {arr.size}; got {n}")
        return arr[:n]


Spectrum = PowerLawSpectrum | ArraySpectrum


@dataclass(frozen=True)
class Target:
    """The teacher's power per eigenmode, ``p_i = E[omega_i**2] lambda_i``.

    Build with :meth:`isotropic` (Bahri's ``omega ~ N(0, weight_variance I)``, default
    ``1/S``), :meth:`power_law` (``p_i = scale i**(-a)``, ``a > 1``) or :meth:`array`.
    """

    kind: str
    weight_variance: float | None = None
    a: float | None = None
    scale: float = 1.0
    values: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        check_choice("kind", self.kind, ("isotropic", "power_law", "array"))

    @classmethod
    def isotropic(cls, weight_variance: float | None = None) -> Target:
        if weight_variance is not None:
            weight_variance = check_real("weight_variance", weight_variance, gt=0.0)
        return cls("isotropic", weight_variance=weight_variance)

    @classmethod
    def power_law(cls, a: float, scale: float = 1.0) -> Target:
        return cls("power_law", a=check_real("a", a, gt=1.0),
                   scale=check_real("scale", scale, gt=0.0))

    @classmethod
    def array(cls, values) -> Target:
        arr = check_real_array("values", values, nonnegative=True)
        return cls("array", values=tuple(float(x) for x in arr))

    def resolved_weight_variance(self, spectrum: Spectrum) -> float:
        """The isotropic teacher's weight variance: given, or ``1/S`` for a finite spectrum."""
        if self.weight_variance is not None:
            return self.weight_variance
        if not spectrum.is_finite:
            raise ValueError("`weight_variance` must be given for an isotropic teacher on an "
                             "infinite spectrum (Bahri's 1/S needs a finite S); got None")
        return 1.0 / spectrum.size

    def powers(self, spectrum: Spectrum, n: int | None = None) -> np.ndarray:
        """The first ``n`` target powers ``p_i`` for ``spectrum`` (all when finite and n is None)."""
        lam = spectrum.eigenvalues(n)
        if self.kind == "isotropic":
            return self.resolved_weight_variance(spectrum) * lam
        if self.kind == "power_law":
            return self.scale * np.arange(1, lam.size + 1, dtype=np.float64) ** (-self.a)
        vals = np.asarray(self.values, dtype=np.float64)
        if vals.size < lam.size:
            raise ValueError(f"`values` of an array target must cover the {lam.size} modes asked "
                             f"for; got {vals.size}")
        return vals[: lam.size]

    def exponent(self, spectrum: Spectrum) -> float:
        """The decay exponent ``a`` of ``p_i ~ i**(-a)`` (isotropic: ``a = b``)."""
        if self.kind == "power_law":
            return float(self.a)
        if self.kind == "isotropic" and isinstance(spectrum, PowerLawSpectrum):
            return spectrum.b
        return _no_exponent(self.kind)


def _no_exponent(kind: str) -> float:
    raise ValueError(f"a target of kind {kind!r} on a non-power-law spectrum has no single "
                     "decay exponent `a`")
