"""Meter data → activity lines → inventory, and hourly carbon that adds up to it (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert

from zerocarbon.errors import InputError
from zerocarbon.ingest.pipeline import ingest_table, open_batch
from zerocarbon.model.metering import FactorySetup
from zerocarbon.services.metering import activity as mi
from zerocarbon.services.metering import year as metered
from zerocarbon.store import schema as s
from zerocarbon.store.db import transaction
from zerocarbon.store.factories import save_factory_setup
from zerocarbon.timeseries import year as core_year

TZ = ZoneInfo("Asia/Shanghai")
T0 = int(datetime(2022, 12, 31, tzinfo=TZ).timestamp())  # one local day before the data year
T1 = int(datetime(2023, 3, 1, tzinfo=TZ).timestamp())
Q = 900
GAP = int(datetime(2023, 1, 10, 12, tzinfo=TZ).timestamp())  # E1 misses this interval at first
EVENT = int(datetime(2023, 2, 1, 9, 7, tzinfo=TZ).timestamp())
PROOF = "绿电交易凭证 GP-2023-001"

SETUP = FactorySetup.model_validate({
    "factory": {"id": "F1", "name_zh": "测试厂", "province": "江苏"},
    "nodes": [{"code": "S", "kind": "site", "name_zh": "厂区"},
              {"code": "W", "kind": "workshop", "name_zh": "车间", "parent": "S", "cost_centre": "CC-W"}],
    "meters": [
        {"code": "E1", "node": "W", "carrier": "electricity", "unit": "kWh", "register_kind": "interval",
         "multiplier": "10", "category": "electricity_purchased"},
        {"code": "E2", "node": "W", "carrier": "electricity", "unit": "kWh", "register_kind": "interval"},
        {"code": "V1", "node": "W", "carrier": "electricity", "unit": "kWh", "register_kind": "interval",
         "virtual_formula": "E1 - E2"},
        {"code": "GP", "node": "S", "carrier": "electricity", "unit": "MWh", "register_kind": "interval",
         "interval_seconds": 3600, "category": "electricity_purchased", "electricity_kind": "green_power"},
        {"code": "G1", "node": "W", "carrier": "natural_gas", "unit": "Nm3", "register_kind": "cumulative",
         "category": "fuel_combustion", "item": "天然气", "rollover_at": 100000},
        {"code": "H1", "node": "S", "carrier": "heat", "unit": "GJ", "register_kind": "interval",
         "interval_seconds": 3600, "category": "heat_purchased"},
        {"code": "X1", "node": "S", "carrier": "electricity", "unit": "kWh", "register_kind": "interval",
         "category": "electricity_exported"},
    ],
    "events": [{"meter": "G1", "ts": datetime.fromtimestamp(EVENT, TZ), "kind": "replacement",
                "old_final_value": None, "new_initial_value": 0}],
})


def _e1(ts: int) -> float:
    return 1.0 + (ts // Q) % 96 / 16


def _data() -> dict[str, list[object]]:
    meter: list[object] = []
    ts_col: list[object] = []
    value: list[object] = []

    def add(code: str, ts: int, v: float) -> None:
        meter.append(code)
        ts_col.append(ts)
        value.append(v)

    counter = 99_000.0
    for ts in range(T0, T1 + 1, Q):  # interval registers up to T1, the counter's last reading at T1
        if ts < T1:
            if ts != GAP:
                add("E1", ts, _e1(ts))
            add("E2", ts, 0.5)
            add("X1", ts, 0.25)
            if ts % 3600 == 0:
                add("H1", ts, 1.5)
                add("GP", ts, 0.002)
        # the first reading after the replacement is on the new register (from 0); the old one wraps at 10⁵
        counter = 2.0 if ts == EVENT - EVENT % Q + Q else (counter + 2.0) % 100_000.0
        add("G1", ts, counter)
    return {"meter": meter, "ts": ts_col, "value": value}


def _load(url: str) -> None:
    save_factory_setup(SETUP, url)
    batch = open_batch("test", "meters", url=url, factory_id="F1")
    report = ingest_table(_data(), "F1", batch, "test", url, now=T1 + 86_400)
    assert report.rejected == 0


def _expected_e1_by_month() -> dict[str, Decimal]:
    out: dict[str, float] = defaultdict(float)
    for ts in range(T0, T1, Q):
        local = datetime.fromtimestamp(ts, TZ)
        if local.year == 2023 and ts != GAP:
            out[local.strftime("%Y-%m")] += 10 * _e1(ts)
    return {k: Decimal(repr(v)) for k, v in out.items()}


def test_activity_lines_from_meters(store_url: str) -> None:
    _load(store_url)
    lines = mi.activity_from_meters("F1", 2023, store_url, evidence={"GP": PROOF})
    by_id = {ln.id: ln for ln in lines}
    assert set(by_id) == {f"{c}-2023-0{m}" for c in ("E1", "GP", "G1", "H1", "X1") for m in (1, 2)}
    e1 = by_id["E1-2023-01"]
    expected = _expected_e1_by_month()
    assert float(e1.amount) == pytest.approx(float(expected["2023-01"]), rel=1e-12)
    assert float(by_id["E1-2023-02"].amount) == pytest.approx(float(expected["2023-02"]), rel=1e-12)
    assert (e1.unit, e1.period, e1.source, e1.data_quality, e1.facility) == ("kWh", "2023-01", "meters: E1",
                                                                            "metered", "W")
    assert e1.note.startswith("2975 of 2976 intervals; 1 missing")
    assert by_id["H1-2023-01"].amount == Decimal("1116.0")  # 744 h × 1.5 GJ, local January
    assert by_id["GP-2023-01"].electricity_kind == "green_power" and by_id["GP-2023-01"].evidence == PROOF
    # the counter: 2 Nm3 per interval across the rollover (January) and across the replacement (February;
    # new register from 0, read 2 at the next reading — without the event it would read as a wrap of 10⁵)
    assert by_id["G1-2023-01"].amount == Decimal(2 * 2976) and by_id["G1-2023-01"].item == "天然气"
    assert by_id["G1-2023-02"].amount == Decimal(2 * 2688)


def test_late_data_is_in_the_next_result(store_url: str) -> None:
    _load(store_url)
    before = {ln.id: ln for ln in mi.activity_from_meters("F1", 2023, store_url, evidence={"GP": PROOF})}
    late = open_batch("test", "late", url=store_url, factory_id="F1")
    ingest_table({"meter": ["E1"], "ts": [GAP], "value": [7.0]}, "F1", late, "test", store_url, now=T1 + 86_400)
    after = {ln.id: ln for ln in mi.activity_from_meters("F1", 2023, store_url, evidence={"GP": PROOF})}
    assert after["E1-2023-01"].amount - before["E1-2023-01"].amount == pytest.approx(Decimal(70))
    assert after["E1-2023-01"].note.startswith("2976 of 2976 intervals; 0 missing")


def test_green_power_needs_evidence(store_url: str) -> None:
    _load(store_url)
    with pytest.raises(InputError, match="GP"):
        mi.activity_from_meters("F1", 2023, store_url)


def test_virtual_meter_and_gaps_in_the_year(store_url: str) -> None:
    _load(store_url)
    my = metered.metered_year("F1", 2023, store_url)
    ids = dict(zip(my.factory.meters["code"].to_pylist(), my.factory.meters["meter_id"].to_pylist(), strict=True))
    v1 = {r["ts"]: r for r in my.virtual.values.to_pylist() if r["meter_id"] == ids["V1"]}
    t = T0 + 86_400
    assert v1[t]["value"] == pytest.approx(10 * _e1(t) - 0.5)
    assert v1[GAP]["value"] is None  # E1 missing there: the difference is not made up
    gaps = {(g["meter_id"], g["start"]): g["count"] for g in my.gaps.to_pylist()}
    assert gaps[(ids["E1"], GAP)] == 1
    year_end = int(datetime(2024, 1, 1, tzinfo=TZ).timestamp())
    assert gaps[(ids["E1"], T1)] == (year_end - T1) // Q  # the rest of the year: no data yet


def test_hourly_carbon_adds_up_to_the_inventory(store_url: str) -> None:
    """Σ hourly carbon (float64) = the GB/T 32150 inventory of the same meter data (Decimal), within 1e-6 relative."""
    _load(store_url)
    check = mi.check_hourly_against_inventory("F1", 2023, store_url, evidence={"GP": PROOF})
    assert check.ok, check.to_dict()
    assert {m.meter for m in check.meters} == {"E1", "GP", "G1", "H1"}
    assert all(m.rel_diff < 1e-9 for m in check.meters)
    assert [n["meter"] for n in check.not_compared] == ["X1"]
    assert check.inventory_tco2 > 0 and abs(check.hourly_tco2 - float(check.inventory_tco2)) < 1e-6


def test_hourly_carbon_with_a_stored_series(store_url: str) -> None:
    _load(store_url)
    day = int(datetime(2023, 1, 2, tzinfo=TZ).timestamp())
    with transaction(store_url) as conn:
        conn.execute(insert(s.grid_factor_series), [
            {"series": "js-2023", "ts": day + h * 3600, "value": 0.3, "source": "test series"} for h in range(24)])
    table = mi.hourly_carbon("F1", 2023, store_url, series="js-2023")
    rows = [r for r in table.to_pylist() if r["meter"] == "E1"]
    hourly = [r for r in rows if r["factor_kind"] == "hourly"]
    assert len(hourly) == 24 and all(r["factor"] == 0.3 for r in hourly)
    assert all(r["co2_t"] == pytest.approx(r["activity"] * 0.3) for r in hourly)
    assert {r["factor_kind"] for r in rows} == {"hourly", "annual (no hourly value)"}
    assert {r["cost_centre"] for r in rows} == {"CC-W"}
    trace = mi.carbon_trace(table)
    assert trace["series"]["series"] == ["js-2023"] and trace["series"]["source"] == ["test series"]
    e1 = next(f for f in trace["factors"] if f["meter"] == "E1")
    assert e1["factors"][0]["factor_id"] == "elec.electricity_grid_average.江苏.2023.mee-2025-47"
    assert trace["gaps"]["E1"]["missing"] >= 1
    with pytest.raises(InputError):
        mi.hourly_carbon("F1", 2023, store_url, series="nope")


def test_power_meters_feed_the_inventory_only_when_converted(store_url: str) -> None:
    setup = FactorySetup.model_validate({
        "factory": {"id": "F2", "name_zh": "功率表厂", "province": "江苏"},
        "meters": [{"code": "P1", "carrier": "electricity", "unit": "kW", "register_kind": "instantaneous",
                    "category": "electricity_purchased"}],
    })
    save_factory_setup(setup, store_url)
    start = int(datetime(2023, 1, 1, tzinfo=TZ).timestamp())
    rows = {"meter": ["P1"] * 96, "ts": [start + i * Q for i in range(96)], "value": [100.0] * 96}
    ingest_table(rows, "F2", open_batch("test", "power", url=store_url, factory_id="F2"), "test", store_url, now=T1)
    with pytest.raises(InputError, match="power_as_energy"):
        mi.activity_from_meters("F2", 2023, store_url)
    (line,) = mi.activity_from_meters("F2", 2023, store_url, power_as_energy=True)
    assert (line.amount, line.unit, line.facility) == (Decimal("2400.0"), "kWh", "F2")  # 100 kW × 24 h
    assert mi.check_hourly_against_inventory("F2", 2023, store_url, power_as_energy=True).ok


def test_chunks_of_meters_give_the_same_year(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """One meter per chunk (the memory bound for thousands of meters) gives exactly the one-chunk result."""
    _load(store_url)
    whole = metered.metered_year("F1", 2023, store_url, estimate="linear", hourly=True)
    monkeypatch.setattr(core_year, "CHUNK_READINGS", 1)
    assert len(core_year._chunks(whole.factory.meters, 86_400)) == 6  # the real meters, one each
    parts = metered.metered_year("F1", 2023, store_url, estimate="linear", hourly=True)
    assert parts.monthly().equals(whole.monthly())
    assert parts.hourly().equals(whole.hourly())
    assert parts.gaps.equals(whole.gaps) and parts.unused.equals(whole.unused)
    assert parts.virtual.values.equals(whole.virtual.values)
    calls: list[tuple[int, int]] = []
    metered.metered_year("F1", 2023, store_url, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(k, 6) for k in range(7)]  # progress: meters done of all, after each chunk
    monthly_only = metered.metered_year("F1", 2023, store_url, estimate="linear")
    assert monthly_only.hourly_values is None and monthly_only.monthly().equals(whole.monthly())
    with pytest.raises(ValueError, match="hourly=True"):  # a plain value: it never goes back to the store
        monthly_only.hourly()
