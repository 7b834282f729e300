"""The one owner of the suite's randomness: every stream a scenario uses, from one root seed.

``python -m verify --seed N`` hands the root seed ``N`` to :func:`suite_streams`, and every
random draw of the suite comes from the :class:`SuiteStreams` it returns; no scenario
derives a stream any other way. Every stream is a :class:`numpy.random.SeedSequence` of
the root (PCG64 over it for a ``Generator``):

=========================  ==============================================================
stream                     derivation
=========================  ==============================================================
laboratory repetitions     ``SeedSequence(N).spawn(n)[k]`` for repetition ``k``: spawned
                           inside the laboratory sweep (simulator, interpolation) from the
                           integer :meth:`SuiteStreams.lab_seed` (the simulator's
                           :func:`verify.simulator.design.seed_streams`)
sampled spectra            ``SeedSequence(N).spawn(n)[k].generate_state(1)[0]``: the 32-bit
                           integer seed of the ``k``-th sample (:meth:`SuiteStreams.sample_seeds`)
fit ``i`` of a scenario    ``PCG64(SeedSequence(N + i))`` (:meth:`SuiteStreams.fit_rng`):
                           ``i = 0`` the bootstrap of the scenario's fit, ``i = 1`` the spectra's
                           half-sample fit
=========================  ==============================================================

These are exactly the streams the suite used before they had one owner, so no number of the
report changed. Three of them are not sound, and stay only so that the published numbers
stay reproducible (a new suite version should derive every stream as a distinct child,
``SeedSequence(N, spawn_key=(scenario, role))``):

* every scenario receives the same root, so scenarios that draw the same kind of design
  reuse one another's draws (the random-feature scenarios of one size ``S`` share their
  Gaussian draws, the Lipschitz and smooth interpolation cases of one dimension their
  points), and their verdicts are correlated rather than independent;
* fit ``i = 1`` is the root stream of the seed ``N + 1``, so the half-sample fit of
  ``--seed N`` replays the bootstrap of every fit of ``--seed N + 1``;
* a sample seed keeps 32 bits of its child's state, so two samples collide with
  probability about ``2^-32`` per pair instead of never.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from asymptotics._lib.validation import check_int

__all__ = ["SuiteStreams", "suite_streams"]


@dataclass(frozen=True)
class SuiteStreams:
    """The streams of one scenario, all derived from the root seed ``root``."""

    root: int

    def lab_seed(self) -> int:
        """The integer a laboratory sweep spawns its repetitions from
        (``SeedSequence(root).spawn(n)[k]`` for repetition ``k``)."""
        return self.root

    def sample_seeds(self, n: int) -> tuple[int, ...]:
        """``n`` integer seeds: ``SeedSequence(root).spawn(n)[k].generate_state(1)[0]``."""
        n = check_int("n", n, minimum=0)
        return tuple(int(child.generate_state(1)[0])
                     for child in np.random.SeedSequence(self.root).spawn(n))

    def fit_rng(self, index: int = 0) -> np.random.Generator:
        """The bootstrap generator of the scenario's fit number ``index``:
        ``Generator(PCG64(SeedSequence(root + index)))`` (the same stream as
        ``numpy.random.default_rng(root + index)``)."""
        index = check_int("index", index, minimum=0)
        return np.random.Generator(np.random.PCG64(np.random.SeedSequence(self.root + index)))


def suite_streams(seed: int) -> SuiteStreams:
    """The streams of a scenario of the suite run with root seed ``seed`` (an integer >= 0).

    Every scenario of one run gets the same streams (see the module's notes on soundness).
    """
    return SuiteStreams(check_int("seed", seed, minimum=0))
