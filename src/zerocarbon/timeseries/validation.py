"""Validation of incoming meter readings, vectorised over Arrow tables.

One function, :func:`validate_readings`, serves every way readings arrive (files, REST, MQTT). It
returns the accepted rows (meter id, ts, value in the register's unit, flags) and the rejected rows
with their reason, never dropping anything silently.

Rules (each rejection names the field):
* ``meter``: unknown meter code, or a virtual meter (computed, never read).
* ``unit``: a unit of the wrong dimension for the meter (a same-dimension unit is converted
  exactly, e.g. MWh to a kWh register).
* ``value``: not a finite number; negative on an interval register or a cumulative counter.
* ``ts``: not a time; in the future (beyond ``future_tolerance_s``); before the meter was
  commissioned; outside the meter's validity; not aligned to the interval of an interval register.
* Flagged, kept: an interval value above the meter's ``spike_limit`` (FLAG_SPIKE).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from zerocarbon.errors import UnitError
from zerocarbon.model.metering import MeterRow
from zerocarbon.timeseries.columns import transpose
from zerocarbon.units import conversion_factor

FLAG_SPIKE = 1  # the same bit as zerocarbon.store.schema.FLAG_SPIKE (kept equal by a test)

#: Columns of the input table: meter code, time, value, unit (may be null), location (for rejects)
INPUT_SCHEMA = pa.schema([("meter", pa.string()), ("ts", pa.int64()), ("value", pa.float64()),
                          ("unit", pa.string()), ("location", pa.string())])


@dataclass
class Validated:
    """The result of validation: accepted rows and rejected rows with reasons."""

    accepted: pa.Table  # meter_id int64, ts int64, value float64 (register unit), flags int64, location
    rejected: pa.Table  # location, field, reason, meter, ts, value, unit

    @property
    def flagged(self) -> int:
        return int(pc.sum(pc.not_equal(self.accepted["flags"], 0)).as_py() or 0)


def _reject_table(rows: list[tuple[str, str, str, str, int | None, float | None, str | None]]) -> pa.Table:
    cols = transpose(rows, 7)
    return pa.table({
        "location": pa.array(cols[0], pa.string()), "field": pa.array(cols[1], pa.string()),
        "reason": pa.array(cols[2], pa.string()), "meter": pa.array(cols[3], pa.string()),
        "ts": pa.array(cols[4], pa.int64()), "value": pa.array(cols[5], pa.float64()),
        "unit": pa.array(cols[6], pa.string()),
    })


def validate_readings(table: pa.Table, meters: dict[str, MeterRow], now: int,
                      future_tolerance_s: int = 300) -> Validated:
    """Check every reading of ``table`` (schema :data:`INPUT_SCHEMA`, ts in UTC epoch seconds).

    ``now`` is the current time [s since epoch, UTC]; readings later than now + tolerance are rejected.
    """
    n = table.num_rows
    codes = table["meter"].fill_null("").to_numpy(zero_copy_only=False)
    ts_valid = table["ts"].is_valid().to_numpy(zero_copy_only=False)
    ts = table["ts"].fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    values = table["value"].fill_null(np.nan).to_numpy(zero_copy_only=False).astype(np.float64, copy=False)
    units = table["unit"].to_numpy(zero_copy_only=False)
    reason = np.full(n, None, dtype=object)
    field = np.full(n, None, dtype=object)

    def reject(mask: np.ndarray, fld: str, why: str) -> None:
        new = mask & (reason == None)  # noqa: E711 (object array comparison)
        reason[new] = why
        field[new] = fld

    reject(~ts_valid, "ts", "not a time")
    meter_id = np.zeros(n, dtype=np.int64)
    scale = np.ones(n, dtype=np.float64)
    flags = np.zeros(n, dtype=np.int64)
    uniq, inverse = np.unique(codes.astype(str), return_inverse=True)
    for k, code in enumerate(uniq):
        rows = inverse == k
        meter = meters.get(code)
        if meter is None:
            reject(rows, "meter", f"unknown meter '{code}'")
            continue
        if meter.is_virtual:
            reject(rows, "meter", f"meter '{code}' is virtual (computed from others), it takes no readings")
            continue
        meter_id[rows] = meter.id
        for unit in {u for u in units[rows] if u}:
            sel = rows & (units == unit)
            try:
                scale[sel] = float(conversion_factor(unit, meter.unit))
            except UnitError:
                reject(sel, "unit", f"unit '{unit}' has the wrong dimension for meter '{code}' ({meter.unit})")
        if meter.commissioned_at is not None:
            reject(rows & (ts < meter.commissioned_at), "ts", f"before meter '{code}' was commissioned")
        if meter.valid_from is not None:
            reject(rows & (ts < meter.valid_from), "ts", f"before meter '{code}' is valid")
        if meter.valid_to is not None:
            reject(rows & (ts >= meter.valid_to), "ts", f"after meter '{code}' stopped being valid")
        if meter.register_kind == "interval":
            reject(rows & (ts % meter.interval_seconds != 0), "ts",
                   f"not aligned to the {meter.interval_seconds // 60}-minute intervals of meter '{code}'")
        if meter.register_kind in ("interval", "cumulative"):
            reject(rows & (values < 0), "value", f"negative value on a {meter.register_kind} register")
        if meter.register_kind == "interval" and meter.spike_limit is not None:
            flags[rows & (values * scale > meter.spike_limit)] |= FLAG_SPIKE
    reject(~np.isfinite(values), "value", "not a finite number")
    reject(ts > now + future_tolerance_s, "ts", "in the future")
    ok = reason == None  # noqa: E711
    accepted = pa.table({
        "meter_id": pa.array(meter_id[ok]), "ts": pa.array(ts[ok]), "value": pa.array(values[ok] * scale[ok]),
        "flags": pa.array(flags[ok]), "location": table["location"].filter(pa.array(ok)),
    })
    bad = np.flatnonzero(~ok)
    rejected = _reject_table([
        (str(table["location"][int(i)].as_py() or ""), str(field[i]), str(reason[i]), str(codes[i]),
         int(ts[i]), float(values[i]) if np.isfinite(values[i]) else None, units[i])
        for i in bad
    ])
    return Validated(accepted, rejected)
