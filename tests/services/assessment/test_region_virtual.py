"""Virtual meters on the region engine (issue 17): the monthly totals of virtual meters evaluated by
:mod:`zerocarbon.timeseries.virtual_sql` equal, Decimal for Decimal, those of the factory's own metered year
(:func:`zerocarbon.timeseries.virtual.evaluate_virtual` per interval in Python/Arrow, then rolled up), and one
month is also written out from the readings by hand. ``T = sum(children)`` expands through the node tree the layout
carries (E1 and SUB on the two child nodes of T's node); a layout written before the node tree was exported reads with
no nodes and leaves T out. The Spark run of the same layout is in
``test_region_spark.py``.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from zerocarbon.ingest.pipeline import ingest_table, open_batch
from zerocarbon.model.metering import FactorySetup
from zerocarbon.services.assessment.region_engine import RegionTotals, assess_layout, read_layout
from zerocarbon.services.assessment.region_export import export_region
from zerocarbon.services.assessment.region_portfolio import metered_year_of
from zerocarbon.services.metering.year import load_factory_meters, metered_year
from zerocarbon.store.factories import save_factory_setup
from zerocarbon.timeseries.intervals import FLAG_INCOMPLETE, NODE_SCHEMA, conform

TZ = ZoneInfo("Asia/Shanghai")
T0 = int(datetime(2023, 1, 29, tzinfo=TZ).timestamp())  # five local days across a month's end
T1 = int(datetime(2023, 2, 3, tzinfo=TZ).timestamp())
Q = 900
GAP = int(datetime(2023, 2, 1, 10, tzinfo=TZ).timestamp())  # E1 misses this interval
YEAR = 2023
FACTORIES = ("V1F", "V2F")


def _setup(fid: str) -> FactorySetup:
    meter = {"node": "S", "carrier": "electricity", "register_kind": "interval", "interval_seconds": Q}
    return FactorySetup.model_validate({
        "factory": {"id": fid, "name_zh": f"虚拟表测试厂 {fid}", "province": "江苏"},
        "nodes": [{"code": "S", "kind": "site", "name_zh": "厂区"},
                  {"code": "A", "kind": "workshop", "name_zh": "车间 A", "parent": "S"},
                  {"code": "B", "kind": "workshop", "name_zh": "车间 B", "parent": "S"}],
        "meters": [
            {**meter, "node": "A", "code": "E1", "unit": "kWh", "multiplier": "10"},
            {**meter, "node": "B", "code": "SUB", "unit": "MWh"},  # converted ×1000 into the virtual meters' kWh
            {**meter, "code": "V", "unit": "kWh", "virtual_formula": "E1 - SUB", "category": "electricity_purchased"},
            {**meter, "code": "W", "unit": "kWh", "virtual_formula": "0.5 * V + 2 * SUB"},  # nested: after V
            {**meter, "code": "T", "unit": "kWh", "virtual_formula": "sum(children)"},  # E1 (on A) + SUB (on B)
        ],
    })


def _data(k: int) -> dict[str, list[object]]:
    rows: dict[str, list[object]] = {"meter": [], "ts": [], "value": []}
    for ts in range(T0, T1, Q):
        for code, v in (("E1", 1.25 + (ts // Q) % 5 * 0.5 + k), ("SUB", 0.001 + (ts // Q) % 3 * 0.0005)):
            if code == "E1" and ts == GAP:
                continue
            rows["meter"].append(code)
            rows["ts"].append(ts)
            rows["value"].append(v)
    return rows


def build_region(root: Path) -> tuple[str, Path]:
    """An SQLite store of two factories with virtual meters in ``root``, and its export (store URL, layout)."""
    from zerocarbon.store.db import migrate

    url = f"sqlite:///{root / 'store.db'}"
    migrate(url)
    for k, fid in enumerate(FACTORIES):
        save_factory_setup(_setup(fid), url)
        batch = open_batch("test", f"meters {fid}", url=url, factory_id=fid)
        assert ingest_table(_data(k), fid, batch, "test", url, now=T1 + 86_400).rejected == 0
    export_region(root / "layout", url)
    return url, root / "layout"


@pytest.fixture(scope="module")
def virtual_region(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    from zerocarbon.store.db import get_engine

    url, layout = build_region(tmp_path_factory.mktemp("vregion"))
    yield url, layout
    get_engine(url).dispose()


def own_months(url: str) -> dict[tuple[str, str, str], tuple[Decimal | None, int, int, int, int]]:
    """Each factory's own metered year, per meter (real and virtual) and month."""
    out = {}
    for fid in FACTORIES:
        my = metered_year(fid, YEAR, url)
        codes = dict(zip(my.factory.meters["meter_id"].to_pylist(), my.factory.meters["code"].to_pylist(),
                         strict=True))
        for r in my.monthly().to_pylist():
            out[(fid, codes[r["meter_id"]], r["period"])] = (r["value_exact"], r["n_intervals"], r["n_null"],
                                                             r["n_estimated"], r["flags"])
    return out


def region_months(t: RegionTotals) -> dict[tuple[str, str, str], tuple[Decimal | None, int, int, int, int]]:
    return {(r["factory_id"], r["code"], r["period"]): (r["value_exact"], r["n_intervals"], r["n_null"],
                                                        r["n_estimated"], r["flags"]) for r in t.monthly.to_pylist()}


def _by_hand(k: int, code: str, period: str) -> Decimal:
    lo, hi = (T0, int(datetime(2023, 2, 1, tzinfo=TZ).timestamp())) if period == "2023-01" else \
        (int(datetime(2023, 2, 1, tzinfo=TZ).timestamp()), T1)
    total = Decimal(0)
    for ts in range(lo, hi, Q):
        if ts == GAP:
            continue
        e1 = 10 * (Decimal("1.25") + (ts // Q) % 5 * Decimal("0.5") + k)
        sub = 1000 * (Decimal("0.001") + (ts // Q) % 3 * Decimal("0.0005"))
        total += {"V": e1 - sub, "W": Decimal("0.5") * (e1 - sub) + 2 * sub, "T": e1 + sub}[code]
    return total


def test_virtual_meters_equal_the_metered_year(virtual_region: tuple[str, Path]) -> None:
    url, layout = virtual_region
    duck = assess_layout(layout, YEAR, "duckdb")
    got, own = region_months(duck), own_months(url)
    assert {c for _, c, _ in got} == {"E1", "SUB", "V", "W", "T"}
    assert got == own
    for k, fid in enumerate(FACTORIES):
        for code in ("V", "W", "T"):
            for period in ("2023-01", "2023-02"):
                assert got[(fid, code, period)][0] == _by_hand(k, code, period)
    # February: the interval E1 misses has no virtual value, flagged incomplete, counted as missing
    assert got[("V1F", "V", "2023-02")][2] == 1 and got[("V1F", "V", "2023-02")][4] & FLAG_INCOMPLETE
    assert got[("V1F", "W", "2023-01")][2] == 0 and not got[("V1F", "W", "2023-01")][4] & FLAG_INCOMPLETE
    assert got[("V1F", "T", "2023-02")][2] == 1 and got[("V1F", "T", "2023-02")][4] & FLAG_INCOMPLETE


def test_the_layout_carries_the_node_tree(virtual_region: tuple[str, Path]) -> None:
    url, layout = virtual_region
    for fid in FACTORIES:
        fm = read_layout(layout, [fid]).factories[0]
        assert fm.nodes.num_rows == 3
        assert fm.nodes.equals(conform(load_factory_meters(fid, url).nodes, NODE_SCHEMA))
        codes = dict(zip(fm.nodes["node_id"].to_pylist(), fm.nodes["code"].to_pylist(), strict=True))
        assert sorted((codes[r["node_id"]], codes.get(r["parent_id"])) for r in fm.nodes.to_pylist()) == [
            ("A", "S"), ("B", "S"), ("S", None)]


def test_a_layout_without_the_node_tree_still_reads(virtual_region: tuple[str, Path], tmp_path: Path) -> None:
    url, layout = virtual_region
    old = tmp_path / "old"
    shutil.copytree(layout, old)
    shutil.rmtree(old / "nodes")
    meta = json.loads((old / "layout.json").read_text(encoding="utf-8"))
    for f in meta["factories"]:
        del f["nodes"]
    (old / "layout.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    assert all(fm.nodes.num_rows == 0 for fm in read_layout(old).factories)
    got, own = region_months(assess_layout(old, YEAR, "duckdb")), own_months(url)
    # T (sum(children)) cannot be evaluated, so the factory's virtual meters are left out of the totals
    # (timeseries/virtual_sql.virtual_terms) …
    assert {c for _, c, _ in got} == {"E1", "SUB"}
    assert got == {k: v for k, v in own.items() if k[1] in ("E1", "SUB")}  # … and the real meters are unchanged


def test_virtual_meter_feeding_the_inventory_is_no_longer_refused(virtual_region: tuple[str, Path]) -> None:
    url, layout = virtual_region
    duck = assess_layout(layout, YEAR, "duckdb", factory_ids=["V1F"])
    fm = read_layout(layout, ["V1F"]).factories[0]
    mine = metered_year_of(duck, fm)
    theirs = metered_year("V1F", YEAR, url)
    codes = dict(zip(fm.meters["meter_id"].to_pylist(), fm.meters["code"].to_pylist(), strict=True))
    v = {r["period"]: r["value_exact"] for r in mine.monthly().to_pylist() if codes[r["meter_id"]] == "V"}
    w = {r["period"]: r["value_exact"] for r in theirs.monthly().to_pylist() if codes[r["meter_id"]] == "V"}
    assert v == w and len(v) == 2


def test_virtual_meters_in_the_hour_roll_up(virtual_region: tuple[str, Path]) -> None:
    _, layout = virtual_region
    duck = assess_layout(layout, YEAR, "duckdb", hourly=True)
    assert duck.hourly is not None
    hours = [r for r in duck.hourly.to_pylist() if r["code"] == "V" and r["factory_id"] == "V1F"]
    assert len(hours) == 5 * 24  # the five local days of readings
    for period in ("2023-01", "2023-02"):
        month = region_months(duck)[("V1F", "V", period)]
        mine = [h for h in hours if h["period"] == period]
        assert sum(h["n_intervals"] for h in mine) == month[1] and sum(h["n_null"] for h in mine) == month[2]
        assert sum(h["value_exact"] for h in mine) == month[0] == _by_hand(0, "V", period)
    # the hour in which E1 misses an interval: V has no value there (flagged), the hour sums the other three
    assert [(h["ts"], h["n_null"], h["n_intervals"]) for h in hours if h["n_null"]] == [(GAP, 1, 3)]
    assert [h["ts"] for h in hours if h["flags"] & FLAG_INCOMPLETE] == [GAP]


def test_terms_levels_and_a_formula_the_layout_cannot_evaluate(virtual_region: tuple[str, Path]) -> None:
    from zerocarbon.errors import InputError
    from zerocarbon.timeseries.virtual_sql import virtual_terms
    from zerocarbon.timeseries.year import virtual_inputs

    fm = read_layout(virtual_region[1], ["V1F"]).factories[0]
    ids = dict(zip(fm.meters["code"].to_pylist(), fm.meters["meter_id"].to_pylist(), strict=True))
    terms = {(r["meter_id"], r["input_id"]): (r["coefficient_exact"], r["n_inputs"], r["level"])
             for r in virtual_terms([(fm.meters, fm.nodes)]).to_pylist()}
    assert terms == {(ids["V"], ids["E1"]): (Decimal(1), 2, 1), (ids["V"], ids["SUB"]): (Decimal(-1000), 2, 1),
                     (ids["W"], ids["V"]): (Decimal("0.5"), 2, 2), (ids["W"], ids["SUB"]): (Decimal(2000), 2, 2),
                     (ids["T"], ids["E1"]): (Decimal(1), 2, 1), (ids["T"], ids["SUB"]): (Decimal(1000), 2, 1)}
    # without the node tree (a layout written before it was exported) T = sum(children) cannot be evaluated: the
    # factory's virtual meters are left out of the totals …
    assert virtual_terms([(fm.meters, NODE_SCHEMA.empty_table())]).num_rows == 0
    # … and the factory's own evaluation (the portfolio's row) names it
    with pytest.raises(InputError, match="virtual meter T:"):
        virtual_inputs(replace(fm, nodes=NODE_SCHEMA.empty_table()))
