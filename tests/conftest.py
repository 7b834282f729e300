"""Shared test configuration: Hypothesis profiles and mpmath precision hygiene.

Hypothesis profiles (select with ``HYPOTHESIS_PROFILE=name``, default ``dev``):

* ``dev``: 50 random examples per property, for local work;
* ``ci``: derandomized (the same examples every run) and bounded, used by ``.ci/run``;
* ``thorough``: 1000 examples per property, for a deliberate long run.
"""

from __future__ import annotations

import os

import mpmath
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile("ci", max_examples=30, deadline=None, derandomize=True,
                          print_blob=True, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=1000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True)
def _reset_mpmath_precision():
    """Library code must only change precision inside ``mp.workdps``; check and restore."""
    before = mpmath.mp.prec
    yield
    changed = mpmath.mp.prec != before
    mpmath.mp.prec = before
    assert not changed, "a test or library call left mpmath's global precision changed"
