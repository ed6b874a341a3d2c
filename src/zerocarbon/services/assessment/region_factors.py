"""Use case: an hourly grid emission factor file for the region engine (``zerocarbon region assess --hourly-factors``).

A CSV or Parquet file with one row per hour and the columns

* ``ts`` — the hour's start: ISO 8601 with its UTC offset (``2023-01-01T00:00+08:00``), or seconds since the epoch
  (a Parquet timestamp column is taken as it is);
* ``factor`` — the grid emission factor of that hour [tCO2/MWh], a decimal with at most 6 decimals (a Parquet
  double must be the float of such a decimal);
* ``source`` — where the figure comes from (a document, a data set, a URL): required on every row.

The zerocarbon package ships no hourly grid factors: the user gives the series and its source. Rows are checked
(one hour each, aligned to the hour, no hour twice, factor ≥ 0) and every error names the file, row and field.
"""

from __future__ import annotations

import csv
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from zerocarbon.errors import InputError
from zerocarbon.timeseries.hourly_sql import GRID_FACTOR_SCHEMA, HOUR

_SIX = Decimal("0.000001")


def _bad(path: Path, row: int, field: str, zh: str, en: str) -> InputError:
    return InputError(zh, en, file=str(path), row=row, field=field)


def _ts(value: Any, path: Path, row: int) -> int:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise _bad(path, row, "ts", "小时起点须带时区", "the hour start needs a UTC offset")
        return int(value.timestamp())
    text = str(value).strip() if value is not None else ""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _bad(path, row, "ts", f"无法识别的小时起点 {text!r}",
                   f"cannot read the hour start {text!r} (ISO 8601 with offset, or epoch seconds)") from None
    if moment.tzinfo is None:
        raise _bad(path, row, "ts", f"小时起点 {text!r} 须带 UTC 偏移", f"the hour start {text!r} needs a UTC offset")
    return int(moment.timestamp())


def _factor(value: Any, path: Path, row: int) -> Decimal:
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise _bad(path, row, "factor", f"排放因子 {value!r} 不是数字",
                   f"the factor {value!r} is not a number") from None
    if not number.is_finite() or number < 0:
        raise _bad(path, row, "factor", f"排放因子 {value!r} 须为非负数", f"the factor {value!r} must be ≥ 0")
    if number != number.quantize(_SIX):
        raise _bad(path, row, "factor", f"排放因子 {value!r} 超过 6 位小数",
                   f"the factor {value!r} has more than 6 decimals (exact arithmetic takes at most 6)")
    return number.quantize(_SIX)


def _rows(path: Path) -> list[dict[str, Any]]:
    if path.suffix.lower() == ".parquet":
        return list(pq.read_table(path).to_pylist())
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def read_grid_factors(path: Path) -> pa.Table:
    """The hourly grid factors of ``path`` (CSV or Parquet, see the module docstring) as
    :data:`~zerocarbon.timeseries.hourly_sql.GRID_FACTOR_SCHEMA`, ordered by hour."""
    if not path.is_file():
        raise InputError(f"找不到小时电网排放因子文件 {path}", f"no hourly grid factor file {path}", file=str(path))
    rows = _rows(path)
    missing = [c for c in GRID_FACTOR_SCHEMA.names if rows and c not in rows[0]]
    if not rows or missing:
        raise InputError(f"小时电网排放因子文件须有列 ts, factor, source（缺 {', '.join(missing) or '数据行'}）",
                         f"the hourly grid factor file needs the columns ts, factor, source (missing: "
                         f"{', '.join(missing) or 'data rows'})", file=str(path), field=", ".join(missing) or None)
    seen: dict[int, int] = {}
    out: list[tuple[int, Decimal, str]] = []
    for n, r in enumerate(rows, start=2 if path.suffix.lower() != ".parquet" else 1):
        ts = _ts(r["ts"], path, n)
        if ts % HOUR:
            raise _bad(path, n, "ts", "小时起点须为整点", "the hour start must be on the hour")
        if ts in seen:
            raise _bad(path, n, "ts", f"该小时已在第 {seen[ts]} 行给出",
                       f"this hour is already given in row {seen[ts]}")
        seen[ts] = n
        source = str(r["source"] or "").strip()
        if not source:
            raise _bad(path, n, "source", "每个排放因子须注明来源", "every factor needs its source")
        out.append((ts, _factor(r["factor"], path, n), source))
    out.sort()
    return pa.table({"ts": [r[0] for r in out], "factor": [r[1] for r in out], "source": [r[2] for r in out]},
                    schema=GRID_FACTOR_SCHEMA)
