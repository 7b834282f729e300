"""The shared model specification: spectrum and target powers."""

from __future__ import annotations

import numpy as np
import pytest

from asymptotics.model import ArraySpectrum, PowerLawSpectrum, Target


def test_power_law_eigenvalues_and_isotropic_powers():
    s = PowerLawSpectrum(b=2.0, size=4)
    np.testing.assert_allclose(s.eigenvalues(), [1, 1 / 4, 1 / 9, 1 / 16], rtol=1e-15)
    # Bahri's omega ~ N(0, I/S): p_i = lambda_i / S with S = 4
    np.testing.assert_allclose(Target.isotropic().powers(s), s.eigenvalues() / 4, rtol=1e-15)
    assert Target.isotropic().exponent(s) == 2.0


def test_power_law_target():
    s = PowerLawSpectrum(b=2.0)
    np.testing.assert_allclose(Target.power_law(3.0, scale=2.0).powers(s, 3), [2, 2 / 8, 2 / 27])


def test_bad_inputs_name_parameter():
    with pytest.raises(ValueError, match=r"`b` must be > 1; got 1.0"):
        PowerLawSpectrum(b=1.0)
    with pytest.raises(ValueError, match="`values` must be positive"):
        ArraySpectrum([1.0, -1.0])
    with pytest.raises(ValueError, match="`weight_variance` must be given"):
        Target.isotropic().powers(PowerLawSpectrum(2.0), 5)
    with pytest.raises(ValueError, match=r"`n` must be <= the spectrum size 4"):
        PowerLawSpectrum(2.0, size=4).eigenvalues(5)
    with pytest.raises(ValueError, match="`a` must be > 1"):
        Target.power_law(0.5)
