"""Evaluation of the detectors: anomalies of known time and size injected into a copy of a series.

:func:`inject` changes a copy of a series by a list of :class:`Injection`; :func:`score` matches the
alerts raised on it against the injections:

* an alert is a true positive when its [start, end) overlaps an injection's window, else a false
  positive (precision = true positives / alerts);
* an injection is found when some alert overlaps it (recall = found / injections), and found by its
  own kind when an alert of the detector meant for it overlaps it (``recall_kind``).

:func:`standard_injections` is the fixed set the closing note reports: every kind of anomaly, on
working days and at night, with sizes relative to the series' own median level.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from zerocarbon.forecast.alerts import Alert
from zerocarbon.forecast.calendar import calendar_features
from zerocarbon.forecast.series import HOUR, HourlySeries


@dataclass(frozen=True)
class Injection:
    """One anomaly: ``kind`` over [start, start + hours·3600) of relative ``size``.

    Kinds and what ``size`` means: ``spike`` × (1 + size) of the hour's value; ``off_hours`` + size ×
    the series' median on the hours that are off (leaks at night: only hours of local 0–6 are changed);
    ``flat_line`` the value of the first hour held (size unused); ``level_shift`` × (1 + size) of
    every hour; ``baseload_creep`` + size × median level × (a ramp from 0 to 1 over the window).
    """

    kind: str
    start: int
    hours: int
    size: float

    @property
    def end(self) -> int:
        return self.start + self.hours * HOUR


def inject(series: HourlySeries, injections: list[Injection]) -> HourlySeries:
    """A copy of ``series`` with the injections applied in order."""
    y = series.values.copy()
    level = float(np.nanmedian(series.values))
    hours = calendar_features(series.ts, series.tz, holidays=False).hour
    for inj in injections:
        i = int((inj.start - series.ts[0]) // HOUR)
        j = min(len(y), i + inj.hours)
        if i < 0 or i >= len(y):
            raise ValueError(f"injection {inj} is outside the series")
        if inj.kind == "spike":
            y[i:j] *= 1 + inj.size
        elif inj.kind == "off_hours":
            night = hours[i:j] < 6
            y[i:j][night] += inj.size * level
        elif inj.kind == "flat_line":
            y[i:j] = y[i]
        elif inj.kind == "level_shift":
            y[i:j] *= 1 + inj.size
        elif inj.kind == "baseload_creep":
            y[i:j] += inj.size * level * np.linspace(0, 1, j - i)
        else:
            raise ValueError(f"unknown injection kind {inj.kind}")
    return series.replace(y)


def standard_injections(series: HourlySeries) -> list[Injection]:
    """The reported set: twelve anomalies spread over the year, from week 8 on (the reference needs
    four weeks), each starting at local midnight or at a working hour, none overlapping another."""
    ts = series.ts
    hours = calendar_features(ts, series.tz, holidays=False)
    midnights = ts[(hours.hour == 0)]

    def day(k: int, hour: int = 0) -> int:
        return int(midnights[k]) + hour * HOUR

    return [
        Injection("spike", day(60, 10), 1, 1.5),
        Injection("spike", day(95, 14), 2, 1.0),
        Injection("spike", day(130, 3), 1, 2.0),
        Injection("flat_line", day(150, 8), 12, 0.0),
        Injection("flat_line", day(175, 0), 24, 0.0),
        Injection("off_hours", day(200), 5 * 24, 0.3),
        Injection("off_hours", day(220), 3 * 24, 0.5),
        Injection("level_shift", day(245), 10 * 24, 0.3),
        Injection("level_shift", day(275), 7 * 24, -0.3),
        Injection("baseload_creep", day(300), 21 * 24, 0.5),
        Injection("spike", day(330, 11), 1, 1.2),
        Injection("flat_line", day(345, 6), 8, 0.0),
    ]


def _overlaps(a: Alert, inj: Injection) -> bool:
    return a.start < inj.end and inj.start < a.end


def score(alerts: list[Alert], injections: list[Injection]) -> dict[str, Any]:
    """Precision and recall of ``alerts`` against ``injections`` (module docstring)."""
    tp = sum(1 for a in alerts if any(_overlaps(a, i) for i in injections))
    found = [any(_overlaps(a, i) for a in alerts) for i in injections]
    own = [any(_overlaps(a, i) and a.kind == i.kind for a in alerts) for i in injections]
    by_kind: dict[str, dict[str, int]] = {}
    for inj, f, o in zip(injections, found, own, strict=True):
        k = by_kind.setdefault(inj.kind, {"injected": 0, "found": 0, "found_by_own_detector": 0})
        k["injected"] += 1
        k["found"] += int(f)
        k["found_by_own_detector"] += int(o)
    false = [a for a in alerts if not any(_overlaps(a, i) for i in injections)]
    fp_kinds: dict[str, int] = {}
    for a in false:
        fp_kinds[a.kind] = fp_kinds.get(a.kind, 0) + 1
    return {"alerts": len(alerts), "true_positives": tp, "false_positives": len(false),
            "false_positives_by_kind": fp_kinds,
            "precision": round(tp / len(alerts), 4) if alerts else None,
            "recall": round(sum(found) / len(injections), 4) if injections else None,
            "recall_kind": round(sum(own) / len(injections), 4) if injections else None,
            "by_kind": by_kind}
