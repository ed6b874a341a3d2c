"""Alerts on meters: the alert with its evidence, its valuation, and grouping with a cool-down.

An :class:`Alert` is what a detector (:mod:`zerocarbon.forecast.anomalies`) found on one meter over
[start, end): the observed and expected consumption of its hours, the band the observation left,
the estimated waste Σ max(0, observed − expected) [the meter's unit], and, valued with the factor and
tariff the caller gives (:class:`Valuation`), the waste in tCO2 and money. Nothing here picks a
factor or a price: the service passes the meter's emission factor from the factor library and the
tariff the user configured; without them the tCO2 or money stays None.

No alert storm (:func:`group_alerts`):

1. *merge*: alerts of the same meter and kind whose gap is at most ``gap_hours`` become one alert
   (their hours, observed, expected and waste add up; ``merged`` counts them);
2. *cool-down*: after an alert of a (meter, kind) is raised, another of the same key that starts
   less than ``cooldown_hours`` after the end of the last one (raised or held back) is not raised:
   it is counted in the raised alert's ``suppressed`` (and its waste is added to
   ``suppressed_waste``), so a condition that persists night after night is one alert. Alerts raised in
   earlier runs (``last_raised``: key → end) start the cool-down too, so a detection re-run every
   hour does not raise the same alert again;
3. *incident*: alerts of one meter that overlap in time (a spike seen by several detectors) share an
   ``incident`` key, for showing them together.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from zerocarbon.forecast.series import HOUR, FloatArray, IntArray

KINDS = ("baseload_creep", "off_hours", "spike", "flat_line", "level_shift", "forecast_deviation")
LABELS = {"baseload_creep": ("基础负荷爬升", "baseload creep"),
          "off_hours": ("非生产时段用能", "consumption outside production hours"),
          "spike": ("尖峰", "spike"), "flat_line": ("读数不变（疑似表计卡滞）", "flat line (stuck meter?)"),
          "level_shift": ("水平突变", "level shift"),
          "forecast_deviation": ("超出预测区间", "outside the forecast band")}
#: Points of the curve kept as evidence per alert (the hours of the alert, at most this many).
CURVE_POINTS = 168


@dataclass(frozen=True)
class Valuation:
    """How to value wasted energy of one meter.

    factor : float or None
        Emission factor [tCO2 per unit of the meter], from the factor library (with its source in ``factor_source``).
    tariff : float or None
        Price [currency per unit of the meter], as configured by the user.
    """

    factor: float | None = None
    tariff: float | None = None
    currency: str = "CNY"
    factor_source: str = ""


@dataclass
class Alert:
    """One anomaly on one meter over [start, end) [s, UTC], with its evidence."""

    meter: str
    kind: str
    start: int
    end: int
    hours: int
    observed: float
    expected: float
    waste: float
    unit: str
    message_zh: str
    message_en: str
    severity: str = "medium"
    curve: list[dict[str, float | int | None]] = field(default_factory=list)
    tco2: float | None = None
    money: float | None = None
    currency: str = "CNY"
    factor_source: str = ""
    merged: int = 1
    suppressed: int = 0
    suppressed_waste: float = 0.0
    incident: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.meter, self.kind)

    def message(self, lang: str = "zh") -> str:
        return self.message_zh if lang == "zh" else self.message_en

    def evidence(self) -> dict[str, Any]:
        """The evidence stored with the alert (JSON-able)."""
        return {"observed": round(self.observed, 6), "expected": round(self.expected, 6), "unit": self.unit,
                "waste": round(self.waste, 6), "tco2": _r(self.tco2), "money": _r(self.money),
                "currency": self.currency, "factor_source": self.factor_source, "hours": self.hours,
                "merged": self.merged, "suppressed": self.suppressed,
                "suppressed_waste": round(self.suppressed_waste, 6), "curve": self.curve}

    def to_dict(self) -> dict[str, Any]:
        return {"meter": self.meter, "kind": self.kind, "start": self.start, "end": self.end,
                "severity": self.severity, "incident": self.incident, "message_zh": self.message_zh,
                "message_en": self.message_en, **self.evidence()}


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 6)


def curve(ts: IntArray, observed: FloatArray, expected: FloatArray, lower: FloatArray,
          upper: FloatArray) -> list[dict[str, float | int | None]]:
    """The hours of an alert as evidence: observed, expected and the band (at most :data:`CURVE_POINTS`)."""
    def f(x: float) -> float | None:
        return None if not np.isfinite(x) else round(float(x), 6)
    return [{"ts": int(t), "observed": f(o), "expected": f(e), "lower": f(lo), "upper": f(hi)}
            for t, o, e, lo, hi in list(zip(ts, observed, expected, lower, upper, strict=True))[:CURVE_POINTS]]


def value(alert: Alert, valuation: Valuation | None) -> Alert:
    """``alert`` with its waste valued in tCO2 and money (None where the valuation lacks the factor or tariff)."""
    if valuation is None:
        return alert
    return replace(alert, tco2=None if valuation.factor is None else alert.waste * valuation.factor,
                   money=None if valuation.tariff is None else alert.waste * valuation.tariff,
                   currency=valuation.currency, factor_source=valuation.factor_source)


def _merge(a: Alert, b: Alert) -> Alert:
    return replace(a, end=max(a.end, b.end), hours=a.hours + b.hours, observed=a.observed + b.observed,
                   expected=a.expected + b.expected, waste=a.waste + b.waste,
                   tco2=None if a.tco2 is None or b.tco2 is None else a.tco2 + b.tco2,
                   money=None if a.money is None or b.money is None else a.money + b.money,
                   curve=(a.curve + b.curve)[:CURVE_POINTS], merged=a.merged + b.merged,
                   severity=max(a.severity, b.severity, key=SEVERITY.index))


SEVERITY = ("low", "medium", "high")


@dataclass
class Grouped:
    """What :func:`group_alerts` raised, and how many it held back."""

    raised: list[Alert]
    suppressed: int
    merged: int


def group_alerts(alerts: list[Alert], gap_hours: int = 6, cooldown_hours: int = 24,
                 last_raised: dict[tuple[str, str], int] | None = None) -> Grouped:
    """Merge, cool down and link alerts (see the module docstring)."""
    gap, cool = gap_hours * HOUR, cooldown_hours * HOUR
    merged: list[Alert] = []
    n_merged = 0
    for a in sorted(alerts, key=lambda x: (x.meter, x.kind, x.start)):
        if merged and merged[-1].key == a.key and a.start - merged[-1].end <= gap:
            merged[-1] = _merge(merged[-1], a)
            n_merged += 1
        else:
            merged.append(a)
    raised: list[Alert] = []
    last: dict[tuple[str, str], int] = dict(last_raised or {})
    current: dict[tuple[str, str], Alert] = {}
    n_suppressed = 0
    for a in merged:
        until = last.get(a.key)
        if until is not None and a.start < until + cool:
            n_suppressed += 1
            last[a.key] = max(until, a.end)  # a condition that persists keeps the cool-down running
            held = current.get(a.key)
            if held is not None:
                held.suppressed += a.merged
                held.suppressed_waste += a.waste
            continue
        raised.append(a)
        current[a.key] = a
        last[a.key] = a.end
    raised.sort(key=lambda x: (x.meter, x.start, x.kind))
    for meter in {a.meter for a in raised}:
        mine = [a for a in raised if a.meter == meter]
        head: Alert | None = None
        reach = -1
        for a in mine:  # sorted by start: overlapping alerts chain into one incident
            if head is None or a.start >= reach:
                head = a
                reach = a.end
            reach = max(reach, a.end)
            a.incident = f"{meter}@{head.start}"
    return Grouped(raised, n_suppressed, n_merged)
