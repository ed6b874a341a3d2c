"""The store's reading path on SQLite and on the real PostgreSQL server."""

from __future__ import annotations

import pytest
from sqlalchemy import func, inspect, select

from zerocarbon.errors import InputError
from zerocarbon.ingest.pipeline import ingest_table, open_batch
from zerocarbon.model.metering import FactorySetup
from zerocarbon.store import schema as s
from zerocarbon.store.db import get_engine, migrate, transaction
from zerocarbon.store.factories import load_meters, save_factory_setup
from zerocarbon.store.readings import correct_reading, read_current
from zerocarbon.timeseries import validation

T0 = 1_700_000_100  # 2023-11-14 22:15 UTC, on a 15-minute boundary
SETUP = FactorySetup.model_validate({
    "factory": {"id": "F", "name_zh": "测试厂", "province": "江苏"},
    "nodes": [{"code": "S", "kind": "site", "name_zh": "厂区"},
              {"code": "W", "kind": "workshop", "name_zh": "车间", "parent": "S"}],
    "meters": [
        {"code": "E1", "node": "W", "carrier": "electricity", "unit": "kWh", "register_kind": "interval",
         "spike_limit": 1000, "category": "electricity_purchased"},
        {"code": "G1", "node": "W", "carrier": "natural_gas", "unit": "Nm3", "register_kind": "cumulative",
         "commissioned_at": "2023-01-01T00:00:00+08:00", "item": "天然气", "category": "fuel_combustion"},
        {"code": "V1", "node": "W", "carrier": "electricity", "unit": "kWh", "register_kind": "interval",
         "virtual_formula": "E1 - E1"},
    ],
})


def _ingest(url: str, rows: dict[str, list[object]]):  # type: ignore[no-untyped-def]
    return ingest_table(rows, "F", open_batch("test", "t", url=url, factory_id="F"), "test", url, now=T0 + 86_400)


def test_setup_is_idempotent(store_url: str) -> None:
    first = save_factory_setup(SETUP, store_url)
    assert save_factory_setup(SETUP, store_url) == first
    meters = load_meters("F", store_url)
    assert set(meters) == {"E1", "G1", "V1"} and meters["V1"].is_virtual
    with transaction(store_url) as conn:
        assert conn.execute(select(func.count()).select_from(s.nodes)).scalar_one() == 2
    migrate(store_url)  # upgrading an up-to-date store changes nothing
    assert "readings" in inspect(get_engine(store_url)).get_table_names()


def test_resending_changes_nothing(store_url: str) -> None:
    save_factory_setup(SETUP, store_url)
    rows = {"meter": ["E1", "E1", "G1"], "ts": [T0, T0 + 900, T0], "value": [1.0, 2.0, 50.0]}
    first = _ingest(store_url, rows)
    again = _ingest(store_url, rows)
    assert (first.accepted, first.duplicates) == (3, 0)
    assert (again.accepted, again.duplicates, again.rejected) == (0, 3, 0)
    assert read_current(url=store_url).num_rows == 3


def test_bad_readings_are_rejected_with_reasons_and_kept(store_url: str) -> None:
    save_factory_setup(SETUP, store_url)
    rows = {"meter": ["E1", "X9", "E1", "G1", "E1", "G1", "V1", "E1"],
            "ts": [T0 + 7, T0, T0, T0, T0 + 10 * 86_400, 1_600_000_000, T0, None],
            "value": [1.0, 1.0, -5.0, 3.0, 1.0, 1.0, 1.0, 1.0],
            "unit": [None, None, None, "t", None, None, None, None],
            "location": [f"row {i}" for i in range(8)]}
    report = _ingest(store_url, rows)
    assert report.accepted == 0 and report.rejected == 8
    with transaction(store_url) as conn:
        kept = conn.execute(select(s.rejected.c.location, s.rejected.c.field, s.rejected.c.reason)).all()
    by_loc = {loc: (field, reason) for loc, field, reason in kept}
    assert by_loc["row 0"][0] == "ts" and "aligned" in by_loc["row 0"][1]
    assert "unknown meter" in by_loc["row 1"][1]
    assert by_loc["row 2"] == ("value", "negative value on a interval register")
    assert by_loc["row 3"][0] == "unit"
    assert "future" in by_loc["row 4"][1]
    assert "commissioned" in by_loc["row 5"][1]
    assert "virtual" in by_loc["row 6"][1]
    assert by_loc["row 7"] == ("ts", "not a time")


def test_conflicting_resend_is_rejected_not_overwritten(store_url: str) -> None:
    save_factory_setup(SETUP, store_url)
    _ingest(store_url, {"meter": ["E1"], "ts": [T0], "value": [1.0]})
    report = _ingest(store_url, {"meter": ["E1", "E1"], "ts": [T0, T0 + 900], "value": [9.0, 2.0],
                                 "location": ["a", "b"]})
    assert (report.accepted, report.rejected) == (1, 1)
    assert "correction" in next(iter(report.reasons))
    assert read_current(url=store_url).column("value").to_pylist() == [1.0, 2.0]


def test_units_of_same_dimension_convert_exactly(store_url: str) -> None:
    save_factory_setup(SETUP, store_url)
    _ingest(store_url, {"meter": ["E1"], "ts": [T0], "value": [0.25], "unit": ["MWh"]})
    assert read_current(url=store_url).column("value").to_pylist() == [250.0]


def test_spike_flagged_late_flagged(store_url: str) -> None:
    save_factory_setup(SETUP, store_url)
    _ingest(store_url, {"meter": ["E1"], "ts": [T0 + 900], "value": [5000.0]})
    _ingest(store_url, {"meter": ["E1"], "ts": [T0], "value": [1.0]})
    rows = {r["ts"]: r["flags"] for r in read_current(url=store_url).to_pylist()}
    assert rows[T0 + 900] & s.FLAG_SPIKE and rows[T0] & s.FLAG_LATE
    assert validation.FLAG_SPIKE == s.FLAG_SPIKE


def test_corrections_keep_history(store_url: str) -> None:
    ids = save_factory_setup(SETUP, store_url)
    _ingest(store_url, {"meter": ["E1"], "ts": [T0], "value": [1.0]})
    assert correct_reading(ids["E1"], T0, 1.5, "CT ratio misread", "verifier", store_url) == 1
    assert correct_reading(ids["E1"], T0, 1.25, "second look", "verifier", store_url) == 2
    current = read_current(url=store_url).to_pylist()
    assert current == [{"meter_id": ids["E1"], "ts": T0, "value": 1.25, "flags": s.FLAG_CORRECTION}]
    with transaction(store_url) as conn:
        history = conn.execute(select(s.readings.c.revision, s.readings.c.value).order_by(s.readings.c.revision)).all()
        reasons = conn.execute(select(s.corrections.c.reason)).scalars().all()
    assert [tuple(h) for h in history] == [(0, 1.0), (1, 1.5), (2, 1.25)]
    assert reasons == ["CT ratio misread", "second look"]
    with pytest.raises(InputError):
        correct_reading(ids["E1"], T0 + 900, 1.0, "nothing there", url=store_url)
    with pytest.raises(InputError):
        correct_reading(ids["E1"], T0, 1.0, "  ", url=store_url)
