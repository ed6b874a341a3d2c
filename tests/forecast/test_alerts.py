"""Grouping, cool-down and incidents of alerts."""

from __future__ import annotations

from zerocarbon.forecast.alerts import Alert, Valuation, group_alerts, value

H = 3600


def _a(start_h: int, hours: int = 1, kind: str = "spike", meter: str = "M1", waste: float = 10.0) -> Alert:
    return Alert(meter, kind, start_h * H, (start_h + hours) * H, hours, 20.0 * hours, 10.0 * hours, waste, "kWh",
                 "zh", "en")


def test_neighbours_merge_and_a_persisting_condition_is_one_alert() -> None:
    alerts = [_a(0), _a(3), _a(5)]  # gaps of 2 and 1 hours ≤ 6: one alert
    g = group_alerts(alerts, gap_hours=6, cooldown_hours=24)
    assert len(g.raised) == 1 and g.merged == 2
    a = g.raised[0]
    assert (a.start, a.end, a.hours, a.waste, a.merged) == (0, 6 * H, 3, 30.0, 3)


def test_cool_down_holds_back_repeats_and_counts_them() -> None:
    nights = [_a(24 * d, 6, "off_hours") for d in range(5)]  # five nights in a row, 18 h apart
    g = group_alerts(nights, gap_hours=6, cooldown_hours=24)
    assert len(g.raised) == 1 and g.suppressed == 4
    assert g.raised[0].suppressed == 4 and g.raised[0].suppressed_waste == 40.0
    later = group_alerts([*nights, _a(24 * 4 + 6 + 25, 6, "off_hours")], gap_hours=6, cooldown_hours=24)
    assert len(later.raised) == 2  # quiet for more than the cool-down: raised again


def test_cool_down_from_an_earlier_run_and_by_key() -> None:
    g = group_alerts([_a(30), _a(30, kind="flat_line"), _a(30, meter="M2")], last_raised={("M1", "spike"): 10 * H})
    assert sorted((a.meter, a.kind) for a in g.raised) == [("M1", "flat_line"), ("M2", "spike")]
    assert g.suppressed == 1


def test_overlapping_alerts_of_a_meter_form_one_incident() -> None:
    g = group_alerts([_a(10, 3), _a(11, 1, "forecast_deviation"), _a(40, 1, "flat_line")])
    incidents = {a.kind: a.incident for a in g.raised}
    assert incidents["spike"] == incidents["forecast_deviation"] == f"M1@{10 * H}"
    assert incidents["flat_line"] == f"M1@{40 * H}"


def test_valuation() -> None:
    a = value(_a(0, waste=100.0), Valuation(factor=0.0005703, tariff=None, factor_source="grid"))
    assert a.tco2 is not None and abs(a.tco2 - 0.05703) < 1e-12 and a.money is None
    assert a.evidence()["factor_source"] == "grid"
    assert value(_a(0), None).tco2 is None
