"""Backtest metrics on a tiny series, computed by hand."""

from __future__ import annotations

import numpy as np
import pytest

from zerocarbon.errors import InputError
from zerocarbon.forecast.backtest import Errors, backtest, by_carrier, default_model, skill

from .conftest import factory_load


def test_metrics_by_hand() -> None:
    e = Errors()
    nan = np.full(3, np.nan)
    e.add(np.array([10.0, 0.0, 4.0]), np.array([8.0, 0.0, 6.0]), nan, nan)
    assert e.mae == pytest.approx(4 / 3)
    # sMAPE over the hours with |y| + |ŷ| > 0: 2·2/18 and 2·2/10
    assert e.smape == pytest.approx(100 * (4 / 18 + 4 / 10) / 2)
    base = Errors()
    base.add(np.array([10.0, 0.0, 4.0]), np.array([6.0, 0.0, 8.0]), np.array([5.0, -1, 0]), np.array([11.0, 1, 3]))
    assert skill(e, base) == pytest.approx(1 - (4 / 3) / (8 / 3))
    assert base.coverage == pytest.approx(2 / 3)


def test_default_model_must_beat_the_baseline() -> None:
    assert default_model({"seasonal_naive": 0.0, "similar_day": -0.1, "gbm": None}) == "seasonal_naive"
    assert default_model({"seasonal_naive": 0.0, "similar_day": 0.1, "gbm": 0.3}) == "gbm"


def test_backtest_of_a_regular_load_prefers_a_model_over_the_naive() -> None:
    series = factory_load(weeks=5, noise=0.05)
    result = backtest(series, horizon=24, count=3, models=("seasonal_naive", "similar_day"), bands=False)
    assert len(result.origins) == 3 and result.errors["seasonal_naive"].n == 72
    # averaging four similar days halves the noise of one week-old hour: similar-day wins
    assert result.skill("similar_day") is not None and result.skill("similar_day") > 0.1  # type: ignore[operator]
    assert result.default_model == "similar_day"
    pooled = by_carrier([result, result])
    assert pooled["electricity"]["models"]["similar_day"]["hours"] == 144
    assert pooled["electricity"]["default_models"] == {"similar_day": 2}


def test_too_short_for_a_backtest() -> None:
    with pytest.raises(InputError):
        backtest(factory_load(weeks=2), horizon=24)
