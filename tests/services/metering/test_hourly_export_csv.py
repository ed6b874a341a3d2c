"""CSV download: text cells a spreadsheet would run as a formula are written as text (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io

import pyarrow as pa

from zerocarbon.services.metering.hourly_export import SCHEMA, HourlyExport, csv_chunks


def _row(meter: str, item: str | None, amount: float) -> dict[str, object]:
    return {"meter": meter, "month": "2023-01", "local_start": "2023-01-01 00:00", "ts": 0, "ts_end": 3600,
            "category": "electricity", "scope": "2", "item": item, "cost_centre": "@SUM(A1)", "amount": amount,
            "unit": "kWh", "activity": amount / 1000, "activity_unit": "MWh", "factor": 0.5, "factor_kind": "annual",
            "co2_t": -0.25, "flags": 0}


def test_formula_like_text_is_escaped_and_numbers_are_not() -> None:
    rows = [_row("=HYPERLINK(\"http://x\")", "+1+2", -500.0), _row("E1", "-cmd", 10.0), _row("\tTAB", None, 1.0)]
    batch = pa.RecordBatch.from_pylist(rows, schema=SCHEMA)
    export = HourlyExport("F", 2023, {}, iter([batch]))
    body = b"".join(csv_chunks(export, "en", bom=False, method_block=False)).decode("utf-8")
    parsed = list(csv.reader(io.StringIO(body)))[1:]
    assert [r[0] for r in parsed] == ["'=HYPERLINK(\"http://x\")", "E1", "'\tTAB"]
    assert [r[7] for r in parsed] == ["'+1+2", "'-cmd", ""]
    assert {r[8] for r in parsed} == {"'@SUM(A1)"}
    # numbers keep their sign: only text columns are escaped
    assert [float(r[9]) for r in parsed] == [-500.0, 10.0, 1.0] and {r[15] for r in parsed} == {"-0.25"}
