"""Private plumbing shared by :mod:`asymptotics` and :mod:`verify` (scipy's ``_lib`` precedent).

Nothing here is theory: input validation (:mod:`.validation`), strict JSON
(:mod:`.serialize`), the command-line framework (:mod:`.cli`). It is the one private
package that :mod:`verify` may import; its names are not part of the public API.
"""
