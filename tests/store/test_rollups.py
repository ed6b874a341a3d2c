"""The store's kept roll-ups (``meter_rollups``): exact round trips and what changed since (SQLite, PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal

import pyarrow as pa
from tests.store.test_readings import SETUP, T0, _ingest

from zerocarbon.ingest.pipeline import close_batch
from zerocarbon.store import rollups as kept
from zerocarbon.store.factories import load_meters, save_factory_setup
from zerocarbon.store.readings import correct_reading
from zerocarbon.timeseries.months import GAP_PIECE_SCHEMA, UNUSED_PIECE_SCHEMA, Pieces, month_starts

JAN, FEB, MAR = month_starts(2023, "Asia/Shanghai")[:3]


def _pieces(meter: int) -> Pieces:
    monthly = pa.table({
        "meter_id": [meter, meter], "ts": [JAN, FEB], "ts_end": [FEB, MAR], "period": ["2023-01", "2023-02"],
        "value": [0.1 + 0.2, None], "flags": [0, 64], "seconds": [900, 0], "n_intervals": [1, 0],
        "n_estimated": [0, 0], "n_null": [0, 1],
        "value_exact": pa.array([Decimal("0.300000000001"), None], pa.decimal128(38, 12))})
    gaps = pa.table({"meter_id": [meter], "start": [FEB], "end": [FEB + 1800], "count": [2], "bridged_value": [None],
                     "estimated": [0], "month": [FEB]}, schema=GAP_PIECE_SCHEMA)
    unused = pa.table({"meter_id": [meter], "ts": [MAR + 7], "value": [1.5], "reason": ["不在网格上 off grid"],
                       "count": [1], "month": [FEB]}, schema=UNUSED_PIECE_SCHEMA)
    return Pieces(monthly, gaps, unused)


def test_pieces_round_trip_exactly_and_are_replaced_by_month(store_url: str) -> None:
    save_factory_setup(SETUP, store_url)
    meter = load_meters("F", store_url)["E1"].id
    kind = kept.variant("linear", False)
    assert kept.load("F", 2023, kind, store_url)[0] is None
    kept.save("F", 2023, kind, _pieces(meter), kept.State(7, "abc"), "Asia/Shanghai", url=store_url)
    state, back = kept.load("F", 2023, kind, store_url)
    assert state == kept.State(7, "abc")
    assert back.monthly.to_pylist() == _pieces(meter).monthly.to_pylist()  # 0.30000000000000004 and the decimal
    assert back.gaps.equals(_pieces(meter).gaps) and back.unused.equals(_pieces(meter).unused)
    empty = GAP_PIECE_SCHEMA.empty_table(), UNUSED_PIECE_SCHEMA.empty_table()
    only_feb = Pieces(_pieces(meter).monthly.slice(1), *empty)
    kept.save("F", 2023, kind, only_feb, kept.State(8, "abc"), "Asia/Shanghai", ranges={meter: (1, 1)}, url=store_url)
    state, back = kept.load("F", 2023, kind, store_url)
    assert state == kept.State(8, "abc") and back.monthly["ts"].to_pylist() == [JAN, FEB]
    assert back.gaps.num_rows == 0 and back.unused.num_rows == 0


def test_changes_since_names_the_meters_and_times_written(store_url: str) -> None:
    save_factory_setup(SETUP, store_url)
    meters = load_meters("F", store_url)
    head = kept.audit_head(store_url)
    report = _ingest(store_url, {"meter": ["E1", "E1", "G1"], "ts": [T0, T0 + 900, T0], "value": [1.0, 2.0, 5.0]})
    now, touched = kept.changes_since("F", head, store_url)  # the batch is still open: its rows count
    assert now == head + 1 and touched == [(meters["E1"].id, T0, T0 + 900), (meters["G1"].id, T0, T0)]
    close_batch(report, url=store_url)
    head = kept.audit_head(store_url)
    assert kept.changes_since("F", head, store_url) == (head, [])
    assert kept.changes_since("OTHER", 0, store_url)[1] == []
    correct_reading(meters["G1"].id, T0, 4.0, "misread", url=store_url)
    assert kept.changes_since("F", head, store_url)[1] == [(meters["G1"].id, T0, T0)]
