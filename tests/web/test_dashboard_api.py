"""The dashboard's data endpoints against the engine, with the real API app (TestClient).

Figures are compared with an independent run of the engine (``run_store_inventory`` with the same
declared file), full values and displayed values exactly: the metered amounts are float sums turned
into Decimal, and every such sum runs in a fixed order (time, then meter), so two runs agree to the
last digit. Where the test re-adds figures itself (series of a dimension against the total), the
two sums of 28-digit Decimals may differ by the context's rounding: those compare at 1e-25 relative.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

FACTORY = "JS-LIB-PACK-01"  # the names the session's store (conftest.py) is built with
FOREIGN = "GD-OTHER-01"
EMPTY = "JS-EMPTY-02"
PASSWORD = "correct-horse-battery"
def close(a: str | Decimal, b: Decimal) -> bool:
    """The full value shown equals the engine's, to the last digit."""
    return Decimal(a) == b


def same_sum(a: Decimal, b: Decimal) -> bool:
    """Two sums of the same Decimal terms added in another order (28-digit context rounding)."""
    return abs(a - b) <= Decimal("1e-25") * max(abs(b), Decimal(1))


def shown(value: Decimal, places: int = 2) -> str:
    return f"{value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):,.{places}f}"


@pytest.fixture(scope="module")
def client(dashboard_env: Any) -> Iterator[TestClient]:
    from zerocarbon.api.app import create_app
    from zerocarbon.api.settings import Settings
    from zerocarbon.services import dashboard

    dashboard.cache_clear()
    app = create_app(Settings(database_url=dashboard_env.url))
    with TestClient(app) as c:
        yield c


def login(client: TestClient, username: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.fixture(scope="module")
def manager(client: TestClient) -> dict[str, str]:
    return login(client, "manager")


@pytest.fixture(scope="module")
def engine(dashboard_env: Any) -> Any:
    from zerocarbon.services.dashboard import declared_file
    from zerocarbon.services.inventory.runs import run_store_inventory

    return run_store_inventory(FACTORY, dashboard_env.year, url=dashboard_env.url, declared=declared_file(FACTORY))


def base(fid: str = FACTORY) -> str:
    return f"/api/v1/dashboard/factories/{fid}"


# ------------------------------------------------------------------------------------------- auth
@pytest.mark.parametrize("path", [
    "/api/v1/dashboard/me", "/api/v1/dashboard/factories", f"{base()}/overview", f"{base()}/emissions",
    f"{base()}/energy", f"{base()}/meters", f"{base()}/meters/EL-L1/series", f"{base()}/inventory",
    f"{base()}/lines/EL-L1-2023-01", f"{base()}/quality", f"{base()}/reports", f"{base()}/progress",
    "/api/v1/dashboard/portfolio"])
def test_data_needs_a_signed_in_user(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 401
    r = client.get(path, headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 401
    assert r.json()["error"]["code"].startswith("auth.")


@pytest.mark.parametrize("part", ["overview", "emissions", "energy", "meters", "meters/EL-L1/series", "inventory",
                                  "lines/EL-L1-2023-01", "quality", "reports", "progress"])
def test_a_foreign_factory_is_refused_like_a_missing_one(client: TestClient, manager: dict[str, str],
                                                         part: str) -> None:
    foreign = client.get(f"{base(FOREIGN)}/{part}", headers=manager)
    missing = client.get(f"{base('NO-SUCH-FACTORY')}/{part}", headers=manager)
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json()["error"]["code"] == missing.json()["error"]["code"] == "factory.not_found"
    other = login(client, "other")
    assert client.get(f"{base()}/{part}", headers=other).status_code == 404


def test_factory_list_is_what_the_principal_may_see(client: TestClient, manager: dict[str, str]) -> None:
    def ids(headers: dict[str, str]) -> list[str]:
        return sorted(f["id"] for f in client.get("/api/v1/dashboard/factories", headers=headers).json())

    assert ids(manager) == [FACTORY]
    assert ids(login(client, "authority")) == sorted([FACTORY, EMPTY])
    assert ids(login(client, "admin")) == sorted([FACTORY, EMPTY, FOREIGN])
    me = client.get("/api/v1/dashboard/me", headers=manager).json()
    assert me["role"] == "factory_manager" and me["portfolio"] is False


def test_portfolio_for_the_authority_only(client: TestClient, manager: dict[str, str], engine: Any) -> None:
    assert client.get("/api/v1/dashboard/portfolio", headers=manager).status_code == 403
    r = client.get("/api/v1/dashboard/portfolio", headers=login(client, "authority"))
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["year"] == engine.year
    rows = {row["id"]: row for row in d["factories"]}
    assert set(rows) == {FACTORY, EMPTY}, "the authority sees its region's factories, not another province's"
    assert rows[FACTORY]["rank"] == 1
    assert close(rows[FACTORY]["total"]["value"], engine.inventory.totals.gbt32150_total)
    assert "error" in rows[EMPTY] and "rank" not in rows[EMPTY]


# -------------------------------------------------------------------------------- figures = engine
def test_overview_equals_the_engine(client: TestClient, manager: dict[str, str], engine: Any,
                                    dashboard_env: Any) -> None:
    from zerocarbon.services.dashboard import declared_file
    from zerocarbon.services.inventory.runs import run_store_inventory

    r = client.get(f"{base()}/overview", headers=manager)
    assert r.status_code == 200, r.text
    d = r.json()
    inv = engine.inventory
    assert d["year"] == engine.year == dashboard_env.year
    for key in ("gbt32150_total", "scope1", "scope2_location", "scope2_market", "exported_electricity"):
        assert close(d["totals"][key]["value"], getattr(inv.totals, key)), key
        assert d["totals"][key]["display"] == shown(getattr(inv.totals, key)), key
    # the month (a past year: its latest month with data): the engine's own inventory of that month,
    # its total and its scope 1 / scope 2 (location- and market-based) beside the year's
    month = d["month"]
    assert month == f"{engine.year}-12" and d["month_is_current"] is False
    monthly = run_store_inventory(FACTORY, engine.year, url=dashboard_env.url, declared=declared_file(FACTORY),
                                  month=month, mc_draws=0).inventory
    assert close(d["month_total"]["value"], monthly.totals.gbt32150_total)
    assert d["month_total"]["display"] == shown(monthly.totals.gbt32150_total)
    for key in ("scope1", "scope2_location", "scope2_market"):
        assert close(d["scopes"][key]["value"], getattr(inv.totals, key)), key
        assert close(d["month_scopes"][key]["value"], getattr(monthly.totals, key)), key
        assert d["month_scopes"][key]["display"] == shown(getattr(monthly.totals, key)), key
        assert Decimal(d["month_scopes"][key]["value"]) < Decimal(d["scopes"][key]["value"]), key
    # intensities
    engine_int = {i.product: i for i in inv.intensities}
    assert {i["product"] for i in d["intensities"]} == set(engine_int) == {"EVP", "ESP"}
    for i in d["intensities"]:
        assert close(i["intensity"]["value"], engine_int[i["product"]].intensity)
    # progress against the base year = the engine's comparison
    change = engine.comparison["vs_base"][str(engine.year)]["gbt32150_total"]
    assert d["progress"]["available"] and d["progress"]["base_year"] == 2022
    assert abs(Decimal(d["progress"]["reduction_pct"]["value"]) + Decimal(change["pct"])) < Decimal("1e-9")
    # renewable share parts add up to the figure
    ren = d["renewables"]
    parts = ren["parts"]
    keys = ("onsite_consumed_mwh", "green_power_mwh", "certificates_mwh")
    renewable = sum((Decimal(parts[k]["value"]) for k in keys), Decimal(0))
    assert close(ren["renewable_mwh"]["value"], renewable)
    assert close(ren["share_pct"]["value"], renewable / Decimal(ren["consumed_mwh"]["value"]) * 100)
    assert Decimal(parts["certificates_mwh"]["value"]) == Decimal(8000)  # the two GEC batches counted in 2023
    # data-quality alerts: the sample's gas meter misses two hours (8 intervals), filled linearly
    alerts = {a["kind"]: a["count"] for a in d["alerts"]}
    assert alerts["missing_intervals"] == 8 and alerts["estimated_intervals"] == 8


def test_emissions_series_add_up_to_the_engine_breakdowns(client: TestClient, manager: dict[str, str],
                                                          engine: Any) -> None:
    d = client.get(f"{base()}/emissions", headers=manager).json()
    inv = engine.inventory
    for row in d["total"]:
        assert close(row["value"]["value"], inv.breakdowns["period"][row["period"]])
    for dim in ("category", "source", "facility"):
        total = sum(Decimal(s["total"]["value"]) for s in d["dimensions"][dim])
        assert same_sum(total, inv.totals.gbt32150_total), dim
        for i, period in enumerate(d["periods"]):
            col = sum(s["values"][i] for s in d["dimensions"][dim])
            assert col == pytest.approx(float(inv.breakdowns["period"][period]), rel=1e-9), (dim, period)
    scopes = {s["key"]: Decimal(s["total"]["value"]) for s in d["dimensions"]["scope"]}
    assert close(str(scopes["scope1"]), inv.totals.scope1)
    assert close(str(scopes["scope2_location"]), inv.totals.scope2_location)
    assert close(str(scopes["scope2_market"]), inv.totals.scope2_market)


def test_energy_is_the_comprehensive_energy_of_the_inventory(client: TestClient, manager: dict[str, str],
                                                             engine: Any) -> None:
    from zerocarbon.energy.uses import energy_of

    d = client.get(f"{base()}/energy", headers=manager).json()
    expected = energy_of(engine.inventory).total_tce
    assert close(d["total_tce"]["value"], expected)
    nodes = d["sankey"]["nodes"]
    site = next(i for i, n in enumerate(nodes) if n["kind"] == "site")
    into = sum(link["value"] for link in d["sankey"]["links"] if link["target"] == site)
    out = sum(link["value"] for link in d["sankey"]["links"] if link["source"] == site)
    assert into == pytest.approx(out, rel=1e-9), "the site passes on what it receives"
    exported = sum(Decimal(c["tce"]["value"]) for c in d["carriers"] if c["key"] == "electricity_exported")
    assert into == pytest.approx(float(expected - exported), rel=1e-9)
    carriers = {n["name_en"] for n in nodes if n["kind"] == "carrier"}
    assert {"Grid electricity", "Natural gas", "Green power"} <= carriers


def test_inventory_lines_and_filters(client: TestClient, manager: dict[str, str], engine: Any) -> None:
    d = client.get(f"{base()}/inventory", headers=manager, params={"limit": 1000}).json()
    assert d["total_lines"] == len(engine.inventory.lines) == len(d["lines"])
    by_id = {r.line.id: r for r in engine.inventory.lines}
    for line in d["lines"]:
        for view, f in line["emissions"].items():
            assert close(f["value"], by_id[line["id"]].emissions(view)), (line["id"], view)
    march = client.get(f"{base()}/inventory", headers=manager, params={"period": "2023-03", "metered": True}).json()
    assert march["matching_lines"] > 0
    assert all(ln["period"] == "2023-03" and ln["metered"] for ln in march["lines"])
    scope1 = client.get(f"{base()}/inventory", headers=manager, params={"category": "scope1", "limit": 1000}).json()
    assert close(str(sum(Decimal(ln["emissions"]["location"]["value"]) for ln in scope1["lines"])),
                 engine.inventory.totals.scope1)


def test_trace_of_a_metered_line(client: TestClient, manager: dict[str, str], engine: Any) -> None:
    from zerocarbon.services.inventory.runs import explain_line

    r = client.get(f"{base()}/lines/NG-UT-2023-03", headers=manager)
    assert r.status_code == 200, r.text
    d = r.json()
    assert close(d["emissions_tco2e"]["gbt32150"], engine.inventory.line("NG-UT-2023-03").emissions())
    factors = d["figures"]["gbt32150"]["factors"]
    assert factors and all(f["source_document"] for f in factors), "every factor names its source document"
    assert d["explain"]["en"].splitlines()[0] == explain_line(engine, "NG-UT-2023-03", "en").splitlines()[0]
    meters = d["meters"]
    assert meters is not None and [m["code"] for m in meters["meters"]] == ["NG-UT"]
    gas = meters["meters"][0]
    assert gas["readings_count"] > 2900  # a month of 15-minute counter readings, less the gap
    assert gas["estimated"] == 8 and gas["gaps"][0]["start"] == "2023-03-10 02:00"
    assert gas["interval_sum"] == pytest.approx(float(engine.inventory.line("NG-UT-2023-03").line.amount), rel=1e-9)
    assert "8 estimated" in meters["engine_note"]
    declared = client.get(f"{base()}/lines/DSL-FL-06", headers=manager).json()
    assert declared["meters"] is None and declared["location"]["file"].endswith(f"{FACTORY}.yaml")
    missing = client.get(f"{base()}/lines/NOPE-1", headers=manager)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "line.not_found"


def test_meter_series_marks_gaps_and_estimates(client: TestClient, manager: dict[str, str]) -> None:
    r = client.get(f"{base()}/meters/NG-UT/series", headers=manager,
                   params={"start": "2023-03-09", "end": "2023-03-11"})
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["resolution"] == "interval" and d["intervals_expected"] == 192
    assert d["missing_intervals"] == 8 and d["intervals_estimated"] == 8
    assert d["gaps"] == [{"start": "2023-03-10 02:00", "end": "2023-03-10 04:00", "count": 8, "estimated": 8,
                          "bridged_value": pytest.approx(d["gaps"][0]["bridged_value"])}]
    assert sum(d["estimated"]) == 8 and len(d["x"]) == len(d["y"]) == 192
    year = client.get(f"{base()}/meters/EL-L1/series", headers=manager,
                      params={"start": "2023-01-01", "end": "2024-01-01"}).json()
    assert year["resolution"] == "day" and len(year["x"]) == 365
    virtual = client.get(f"{base()}/meters/EL-GRID/series", headers=manager,
                         params={"start": "2023-06-01", "end": "2023-06-02"}).json()
    parts = [client.get(f"{base()}/meters/{m}/series", headers=manager,
                        params={"start": "2023-06-01", "end": "2023-06-02"}).json()["sum"]
             for m in ("EL-L1", "EL-L2", "EL-UT")]
    assert virtual["sum"] == pytest.approx(sum(parts), rel=1e-9)
    assert client.get(f"{base()}/meters/NOPE/series", headers=manager).status_code == 404
    bad = client.get(f"{base()}/meters/EL-L1/series", headers=manager, params={"start": "yesterday"})
    assert bad.status_code == 422


def test_quality_lists_gaps_and_counts_dead_letters(client: TestClient, manager: dict[str, str],
                                                    dashboard_env: Any) -> None:
    import time

    from zerocarbon.store.readings import write_dead_letters

    d = client.get(f"{base()}/quality", headers=manager).json()
    assert d["summary"]["missing_intervals"] == 8 and d["summary"]["dead_letters"] == 0
    assert d["gaps"][0]["meter"] == "NG-UT"
    # messages the MQTT subscriber could not read, written as it writes them (audited)
    write_dead_letters([{"received_at": int(time.time()), "topic": f"zerocarbon/{FACTORY}/readings",
                         "payload": "{not json", "reason": "not JSON"},
                        {"received_at": int(time.time()), "topic": f"zerocarbon/{FOREIGN}/readings",
                         "payload": "x", "reason": "not JSON"}], None, dashboard_env.url)
    after = client.get(f"{base()}/quality", headers=manager).json()
    assert after["summary"]["dead_letters"] == 1, "a new dead letter changes the store version: no stale cache"
    assert after["dead_letters"][0]["reason"] == "not JSON"


def test_reports_point_at_the_api(client: TestClient, manager: dict[str, str], engine: Any) -> None:
    d = client.get(f"{base()}/reports", headers=manager).json()
    periods = [p["period"] for p in d["periods"]]
    assert periods[0] == str(engine.year) and len(periods) == 13
    assert d["periods"][0]["formats"]["xlsx"] == f"/api/v1/factories/{FACTORY}/reports/{engine.year}.xlsx"


# ------------------------------------------------------------------------------------------- pages
def test_pages_are_served_in_both_languages_without_a_cdn(client: TestClient) -> None:
    zh = client.get(f"/dashboard/f/{FACTORY}/overview")
    en = client.get(f"/dashboard/f/{FACTORY}/overview", params={"lang": "en"})
    assert zh.status_code == en.status_code == 200
    assert '<html lang="zh-CN">' in zh.text and "本年排放总量" in zh.text
    assert '<html lang="en">' in en.text and "Emissions this year" in en.text
    # the month KPI's labels: this month (the current year), the latest month (a past year), no data yet
    for text, words in ((zh.text, ("本月排放", "最近一个月排放", "本月尚无数据")),
                        (en.text, ("Emissions this month", "Emissions in the latest month", "No data yet this month"))):
        assert all(w in text for w in words), words
    for page in (zh.text, en.text):
        assert "cdn." not in page and "//cdn" not in page
        assert '<script src="/static/plotly.min.js' in page
    js = client.get("/static/plotly.min.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("application/javascript")
    assert len(js.content) > 1_000_000
    for path in ("/login", "/dashboard/", "/dashboard/portfolio", "/dashboard/region",
                 *(f"/dashboard/f/{FACTORY}/{p}" for p in ("verdict", "alerts", "planning", "footprints")),
                 "/static/dashboard.js", "/static/capabilities.js", "/static/dashboard.css"):
        assert client.get(path).status_code == 200, path
    assert client.get("/static/../../etc/passwd").status_code == 404
    assert client.get(f"/dashboard/f/{FACTORY}/nonsense").status_code == 404


def test_progress_of_the_first_computation_of_a_year(client: TestClient, manager: dict[str, str], dashboard_env: Any,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """While the overview computes the year, /progress says how far the meters have got; then it is idle."""
    import threading

    from zerocarbon.services import dashboard
    from zerocarbon.services.inventory import cached

    year = dashboard_env.year
    started, release = threading.Event(), threading.Event()
    from zerocarbon.services.metering import rollups

    real = cached.kept_year

    def slow(*args: Any, progress: Any = None, **kwargs: Any) -> Any:
        def report(done: int, total: int) -> None:
            progress(done, total)
            if done and not started.is_set():  # hold the computation after its first chunk
                started.set()
                release.wait(60)
        return real(*args, progress=report, **kwargs)

    monkeypatch.setattr(cached, "kept_year", slow)
    # the first computation of a year: no roll-ups kept in the store yet (the whole year is scanned)
    monkeypatch.setattr(rollups.kept, "load", lambda *_a, **_k: (None, None))
    dashboard.cache_clear()
    path = f"{base()}/progress?year={year}"
    assert client.get(path, headers=manager).json() == {"busy": False, "year": year}
    answer: dict[str, Any] = {}
    worker = threading.Thread(target=lambda: answer.update(r=client.get(f"{base()}/overview?year={year}",
                                                                        headers=manager)))
    worker.start()
    try:
        assert started.wait(60)
        p = client.get(path, headers=manager).json()
        assert p["busy"] is True and p["stage"] == "meters" and p["year"] == year
        assert 0 < p["done"] <= p["total"] and p["percent"] == round(100 * p["done"] / p["total"], 1)
        assert p["elapsed_s"] >= 0
    finally:
        release.set()
        worker.join(120)
    assert answer["r"].status_code == 200
    assert client.get(path, headers=manager).json() == {"busy": False, "year": year}
