"""asymptotics._lib.budget: refusals name the parameter, the estimate and the bound."""

from __future__ import annotations

import pytest

from asymptotics._lib.budget import (
    MEMORY_BOUND,
    SECONDS_BOUND,
    BudgetExceeded,
    check_budget,
    check_memory,
    check_seconds,
    format_bytes,
)


def test_memory_refusal_names_parameter_estimate_and_bound():
    with pytest.raises(BudgetExceeded, match=r"^`D` = 20000000: .* 2\.73 TiB of memory, over "
                       r"the bound of 4 GiB; pass --force$"):
        check_memory("D", 20000000, 3e12, hint="pass --force")


def test_within_bounds_and_force_pass_silently():
    check_memory("D", 10, MEMORY_BOUND)
    check_seconds("S", 10, SECONDS_BOUND * 2e9)
    check_memory("D", 10, 10 * MEMORY_BOUND, force=True)
    check_budget("dps", 20, estimate=5, bound=4, what="digits", force=True)


def test_time_refusal_is_a_value_error_with_one_line():
    with pytest.raises(ValueError) as info:
        check_seconds("n", 10**6, 1e16)
    assert "\n" not in str(info.value) and "`n` = 1000000" in str(info.value)
    assert "57.9 days" in str(info.value)  # 1e16 / 2e9 ops/s = 5e6 s = 57.9 days


def test_generic_budget_and_byte_formatting():
    with pytest.raises(BudgetExceeded, match="7 digits of precision, over the bound of 5 digits"):
        check_budget("dps", 7, estimate=7, bound=5, what="precision", unit=" digits")
    assert format_bytes(512) == "512 B" and format_bytes(3 * 2**20) == "3 MiB"


def test_unbounded_estimates_read_as_one_phrase():
    with pytest.raises(BudgetExceeded, match=r"^`S` = inf: the request needs unbounded memory, "
                       r"over the bound of 4 GiB$"):
        check_memory("S", "inf", float("inf"))
    with pytest.raises(BudgetExceeded, match="needs unbounded time, over the bound of 600 s"):
        check_seconds("n", "inf", float("inf"))
