"""Use case: evaluate the detectors on a meter of the store with anomalies of known time and size injected.

The meter's hourly series is read once; the detectors run on it as it is (every alert there is a false
positive, if the data are clean) and on a copy with :func:`zerocarbon.forecast.evaluation.standard_injections`
applied; alerts are grouped as in :func:`zerocarbon.services.forecast.runs.run_detect` (no store, no cool-down
from earlier runs) and scored (:func:`zerocarbon.forecast.evaluation.score`). Nothing is written.
"""

from __future__ import annotations

from typing import Any

from zerocarbon.forecast.alerts import group_alerts
from zerocarbon.forecast.anomalies import Settings, detect
from zerocarbon.forecast.evaluation import inject, score, standard_injections
from zerocarbon.services.forecast.data import load_year, meter_series


def evaluate_detection(factory_id: str, year: int, url: str | None = None, *, meters: list[str] | None = None,
                       holidays: bool = True, gap_hours: int = 6, cooldown_hours: int = 24) -> dict[str, Any]:
    """Precision and recall of the detectors per meter, on the clean series and with injected anomalies."""
    my = load_year(factory_id, year, url)
    out = []
    for s in meter_series(my, meters or ["EL-L1"], holidays):
        injections = standard_injections(s)
        clean = group_alerts(detect(s, Settings()), gap_hours, cooldown_hours).raised
        raised = group_alerts(detect(inject(s, injections), Settings()), gap_hours, cooldown_hours).raised
        out.append({"meter": s.name, "carrier": s.carrier, "unit": s.unit, "holidays": holidays,
                    "clean_alerts": len(clean), "clean_alert_kinds": sorted({a.kind for a in clean}),
                    "injections": [{"kind": i.kind, "start": i.start, "hours": i.hours, "size": i.size}
                                   for i in injections],
                    **score(raised, injections)})
    return {"factory_id": factory_id, "year": year, "meters": out}
