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
    open_ = np.ones(n, dtype=bool)  # no reason yet: the first rule a row breaks is its reason

    def reject(mask: np.ndarray, fld: str, why: str | np.ndarray) -> None:
        new = mask & open_
        if not new.any():
            return
        reason[new] = why if isinstance(why, str) else why[new]
        field[new] = fld
        open_[new] = False

    reject(~ts_valid, "ts", "not a time")
    # Every rule per meter is applied to all rows at once through per-meter arrays indexed by the
    # row's meter (``inverse``): one pass per rule, not one per meter and rule.
    uniq, inverse = np.unique(codes.astype(str), return_inverse=True)
    rows_of = [meters.get(str(code)) for code in uniq]
    known = np.array([m is not None for m in rows_of], dtype=bool)
    virtual = np.array([m is not None and m.is_virtual for m in rows_of], dtype=bool)
    real = known & ~virtual
    unknown_why = np.array([f"unknown meter '{c}'" for c in uniq], dtype=object)
    virtual_why = np.array([f"meter '{c}' is virtual (computed from others), it takes no readings" for c in uniq],
                           dtype=object)
    reject(~known[inverse], "meter", unknown_why[inverse])
    reject(virtual[inverse], "meter", virtual_why[inverse])
    row_real = real[inverse]
    meter_id = np.where(row_real, np.array([m.id if m is not None else 0 for m in rows_of], dtype=np.int64)[inverse], 0)
    scale = np.ones(n, dtype=np.float64)
    flags = np.zeros(n, dtype=np.int64)
    # units: each (meter, unit) pair converted once
    has_unit = np.array([bool(u) for u in units], dtype=bool) & row_real
    if has_unit.any():
        where = np.flatnonzero(has_unit)
        pairs = list(zip(inverse[where].tolist(), [str(u) for u in units[where]], strict=True))
        converted: dict[tuple[int, str], float | str] = {}
        for k, unit in set(pairs):
            meter = rows_of[k]
            assert meter is not None
            try:
                converted[(k, unit)] = float(conversion_factor(unit, meter.unit))
            except UnitError:
                converted[(k, unit)] = f"unit '{unit}' has the wrong dimension for meter '{uniq[k]}' ({meter.unit})"
        outcome = [converted[p] for p in pairs]
        bad = np.zeros(n, dtype=bool)
        bad_why = np.full(n, None, dtype=object)
        for i, got in zip(where.tolist(), outcome, strict=True):
            if isinstance(got, str):
                bad[i] = True
                bad_why[i] = got
            else:
                scale[i] = got
        reject(bad, "unit", bad_why)

    def per_meter(attr: str, default: int) -> np.ndarray:
        out = np.array([default if m is None or getattr(m, attr) is None else int(getattr(m, attr))
                        for m in rows_of], dtype=np.int64)
        return out[inverse]

    def why(text: str) -> np.ndarray:
        return np.array([text.format(code=c, m=m) for c, m in zip(uniq, rows_of, strict=True)], dtype=object)[inverse]

    lowest, highest = np.iinfo(np.int64).min, np.iinfo(np.int64).max
    reject(row_real & (ts < per_meter("commissioned_at", lowest)), "ts", why("before meter '{code}' was commissioned"))
    reject(row_real & (ts < per_meter("valid_from", lowest)), "ts", why("before meter '{code}' is valid"))
    reject(row_real & (ts >= per_meter("valid_to", highest)), "ts", why("after meter '{code}' stopped being valid"))
    kind = np.array([m.register_kind if m is not None else "" for m in rows_of], dtype=object)[inverse]
    is_interval = row_real & (kind == "interval")
    step = per_meter("interval_seconds", 1)
    step = np.where(step > 0, step, 1)
    aligned_why = np.array([f"not aligned to the {(m.interval_seconds or 0) // 60}-minute intervals of meter '{c}'"
                            if m is not None else "" for c, m in zip(uniq, rows_of, strict=True)], dtype=object)
    reject(is_interval & (ts % step != 0), "ts", aligned_why[inverse])
    counts = row_real & ((kind == "interval") | (kind == "cumulative"))
    negative_why = np.array([f"negative value on a {m.register_kind} register" if m is not None else ""
                             for m in rows_of], dtype=object)
    reject(counts & (values < 0), "value", negative_why[inverse])
    limit = np.array([np.inf if m is None or m.spike_limit is None else float(m.spike_limit) for m in rows_of],
                     dtype=np.float64)[inverse]
    flags[is_interval & (values * scale > limit)] |= FLAG_SPIKE
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
