"""Injection of known anomalies and the precision / recall of alerts against them."""

from __future__ import annotations

import numpy as np

from zerocarbon.forecast.alerts import Alert
from zerocarbon.forecast.evaluation import Injection, inject, score

from .conftest import factory_load


def test_injections_change_only_their_window() -> None:
    s = factory_load(weeks=3)
    t = int(s.ts[100])
    x = inject(s, [Injection("spike", t, 2, 1.0), Injection("flat_line", int(s.ts[200]), 5, 0.0)])
    assert np.allclose(x.values[100:102], 2 * s.values[100:102])
    assert np.all(x.values[200:205] == s.values[200]) and np.array_equal(x.values[:100], s.values[:100])
    assert np.array_equal(s.values, factory_load(weeks=3).values)  # the original is untouched


def test_precision_and_recall() -> None:
    def alert(start: int, end: int, kind: str) -> Alert:
        return Alert("M", kind, start, end, 1, 0.0, 0.0, 0.0, "kWh", "", "")
    injections = [Injection("spike", 0, 1, 1.0), Injection("level_shift", 36_000, 10, 0.3)]
    alerts = [alert(0, 3600, "spike"), alert(40_000, 43_600, "spike"), alert(90_000, 93_600, "flat_line")]
    got = score(alerts, injections)
    assert got["precision"] == round(2 / 3, 4) and got["recall"] == 1.0 and got["recall_kind"] == 0.5
    assert got["false_positives_by_kind"] == {"flat_line": 1}
