"""What the store holds, as stored: factories, their hierarchy and meters, a meter's raw readings, sign-offs.

Plain reads for the API's lists and the CLI: rows as stored, no computation (figures always come
from the other services). Data-quality lists (batches, rejected records, dead letters) are in
:mod:`zerocarbon.services.metering.quality`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow.compute as pc

from zerocarbon.model.entities import METER_REGISTER
from zerocarbon.store import factories as factory_repo
from zerocarbon.store.readings import read_current
from zerocarbon.store.signoffs import signoff_list


def factories(ids: frozenset[str], url: str | None = None) -> list[dict[str, Any]]:
    """The factories among ``ids``, by id."""
    return factory_repo.factories_among(ids, url)


def factory(factory_id: str, url: str | None = None) -> dict[str, Any] | None:
    """One factory (id, names, province, time zone), or None if the store does not know it."""
    return factory_repo.factory_summary(factory_id, url)


def nodes(factory_id: str, url: str | None = None) -> list[dict[str, Any]]:
    """The factory's hierarchy, parents before children where ids allow, with the parent's code."""
    rows = factory_repo.node_rows(factory_id, url)
    code = {int(r["id"]): str(r["code"]) for r in rows}
    return [{"id": int(r["id"]), "code": r["code"], "kind": r["kind"], "name_zh": r["name_zh"],
             "name_en": r["name_en"] or "", "parent": code.get(r["parent_id"]) if r["parent_id"] is not None else None,
             "cost_centre": r["cost_centre"]} for r in rows]


def meters(factory_id: str, url: str | None = None, code: str | None = None) -> list[dict[str, Any]]:
    """The factory's meters by code (only ``code`` if given), with the code of the node each hangs on."""
    rows = factory_repo.meter_rows(factory_id, url, code)
    return [{"id": int(r["id"]), "code": r["code"], "name": r["name"] or "", "node": r["node_code"],
             "carrier": r["carrier"], "unit": r["unit"], "register_kind": r["register_kind"],
             "multiplier": float(r["multiplier"]), "interval_seconds": int(r["interval_seconds"]),
             "timezone": r["timezone"], "category": r["category"], "item": r["item"], "cost_centre": r["cost_centre"],
             "electricity_kind": r["electricity_kind"], "is_virtual": bool(r["is_virtual"]),
             "virtual_formula": r["virtual_formula"], **{k: r[k] for k in METER_REGISTER}} for r in rows]


def readings(meter_id: int, start: int, end: int, limit: int, tz: str, url: str | None = None
             ) -> tuple[list[dict[str, Any]], bool]:
    """Current readings (highest revision) of one meter in [start, end), oldest first; and whether cut at ``limit``.

    Parameters
    ----------
    start, end : int
        The half-open window [s since epoch, UTC].
    tz : str
        Time zone of the ``local_time`` shown with each reading.
    """
    table = read_current([meter_id], start, end, url).sort_by("ts")
    truncated = table.num_rows > limit
    table = table.slice(0, limit)
    zone = ZoneInfo(tz)
    out = []
    for ts, value, flags in zip(table["ts"].to_pylist(), table["value"].to_pylist(),
                                pc.fill_null(table["flags"], 0).to_pylist(), strict=True):
        out.append({"ts": int(ts), "local_time": datetime.fromtimestamp(int(ts), zone).isoformat(),
                    "value": float(value), "flags": int(flags)})
    return out, truncated


def signoffs(factory_id: str, url: str | None = None, period: str | None = None) -> list[dict[str, Any]]:
    """The factory's sign-offs (only of ``period`` if given), newest first."""
    return signoff_list(factory_id, url, period)
