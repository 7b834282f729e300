"""Shared test configuration: Hypothesis profiles and mpmath precision hygiene.

Hypothesis profiles (select with ``HYPOTHESIS_PROFILE=name``, default ``dev``); see
docs/testing.md, "Hypothesis profiles":

* ``dev`` (default): the settings of ``ci``: derandomized (the examples are a function of
  the test's source and the Hypothesis version) with the same number of examples, so a plain
  ``pytest`` on a fresh clone draws exactly what CI drew; no example database (Hypothesis
  requires that of derandomized runs) and ``print_blob``, so a failure prints its example
  and its ``@reproduce_failure`` blob;
* ``ci``: the same, used by ``.ci/run``;
* ``explore``: random draws (a new seed each run) with the example database, for hunting
  new failures; a failure it finds is saved and replayed by the next ``explore`` run, and
  belongs in the test as an ``@example``;
* ``thorough``: 1000 random examples per property, for a deliberate long run.
"""

from __future__ import annotations

import os

import mpmath
import pytest
from hypothesis import HealthCheck, settings

_REPRODUCIBLE = dict(max_examples=30, deadline=None, derandomize=True, database=None,
                    print_blob=True, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", **_REPRODUCIBLE)
settings.register_profile("dev", **_REPRODUCIBLE)  # what CI draws, nothing else
settings.register_profile("explore", max_examples=200, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=1000, deadline=None, print_blob=True,
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

