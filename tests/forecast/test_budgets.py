"""Budget arithmetic: actual + forecast against the budget, and the probability of overshoot."""

from __future__ import annotations

from decimal import Decimal
from math import erf, sqrt

import numpy as np
import pytest

from zerocarbon.forecast.budgets import (
    Budget,
    overshoot,
    past_errors,
    profile_forecast,
    status_of_period,
)


def _days(n: int) -> tuple[np.ndarray, np.ndarray]:
    working = (np.arange(n) % 7) < 5
    return np.where(working, 10.0, 4.0), working


def test_profile_forecast_by_kind_of_day() -> None:
    totals, working = _days(35)
    got = profile_forecast(totals, working, 35, np.array([True, False, True]))
    assert got.tolist() == [10.0, 4.0, 10.0]


def test_status_adds_actual_and_forecast() -> None:
    totals, working = _days(60)
    totals[56:] = np.nan  # the future
    b = Budget("F1", "2024-03", Decimal("300"))
    st = status_of_period(b, totals, working, 30, 60, 56, "2024-03-27")
    # days 30–55 actual: 26 days, of which 18 working → 18·10 + 8·4; days 56–59 (weekdays 0–3) forecast: 4 · 10
    assert st.actual == pytest.approx(18 * 10 + 8 * 4)
    assert st.forecast == pytest.approx(4 * 10.0)
    assert st.projected == pytest.approx(252.0) and st.days_left == 4 and st.days_done == 26
    # a perfectly regular history: every past error is 0, so the outcome is certain
    assert st.p_overshoot == 0.0 and st.errors_used == 56 - 28
    tight = status_of_period(Budget("F1", "2024-03", Decimal("250")), totals, working, 30, 60, 56)
    assert tight.p_overshoot == 1.0
    assert st.to_dict()["budget"] == "300" and "bootstrap" in st.method


def test_period_over_overshoot_is_certain_either_way() -> None:
    assert overshoot(120.0, np.zeros(0), np.zeros(0), 100.0)[0] == 1.0
    assert overshoot(80.0, np.zeros(0), np.zeros(0), 100.0)[0] == 0.0
    assert overshoot(80.0, np.ones(5), np.zeros(3), 100.0)[0] is None  # too few errors: unknown, not a guess


def test_overshoot_probability_matches_the_normal_approximation() -> None:
    """Independent daily errors of mean m and deviation s (a sample of N(0, 0.1)), 25 days of 10: the
    remaining total is ≈ N(250 (1 + m), 10 s √25) (central limit); P(actual 100 + total > 355) from it."""
    rng = np.random.default_rng(7)
    errors = rng.normal(0, 0.1, 4000)
    p, q = overshoot(100.0, np.full(25, 10.0), errors, 355.0, block=1, draws=20000)
    mean, sd = 100 + 250 * (1 + errors.mean()), 10 * errors.std() * 5
    expected = 0.5 * (1 - erf((355 - mean) / sd / sqrt(2)))
    assert p == pytest.approx(expected, abs=0.01)
    assert q["p50"] == pytest.approx(mean, abs=0.3)


def test_past_errors_are_relative_one_day_ahead() -> None:
    totals, working = _days(35)
    totals[30] = 12.0  # a working day 20 % above its profile
    e = past_errors(totals, working, 35)
    assert len(e) == 7 and e[30 - 28] == pytest.approx(0.2)
