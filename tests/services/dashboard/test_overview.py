"""The dashboard overview's month: which month it shows, and that its figures are the engine's.

The store is the main job's sample factory (``run_demo``: a year of 15-minute readings) with its
declared data file. The month's figures are compared, to the last digit (Decimal ``==``), with the
engine run on the same input the overview used (:func:`compute_inventory` with ``month``), and with
the year's own lines of that month; and with an independent ``run_store_inventory(month=...)`` (the
meters read again: float sums run in a fixed order, so the two agree to the last digit).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from tests.conftest import DemoStore

from zerocarbon.accounting.inventory import compute_inventory
from zerocarbon.model.inventory_input import SCOPE1
from zerocarbon.services import dashboard
from zerocarbon.services.dashboard import views
from zerocarbon.services.dashboard.views import overview, overview_month

FACTORY = "JS-LIB-PACK-01"
SCOPES = ("scope1", "scope2_location", "scope2_market")


@pytest.fixture(scope="module")
def store(demo_store: DemoStore) -> Iterator[tuple[str, int]]:
    """The session's sample-factory store, with its declared data file in the environment."""
    mp = pytest.MonkeyPatch()
    mp.setenv(dashboard.DECLARED_DIR_ENV, str(demo_store.declared_dir))
    dashboard.cache_clear()
    yield demo_store.url, demo_store.year
    dashboard.cache_clear()
    mp.undo()


def _pretend_now(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    class Frozen(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Frozen:
            return cls.fromtimestamp(moment.timestamp(), tz)

    monkeypatch.setattr(views, "datetime", Frozen)


def _month_scopes(lines: list[Any], month: str) -> dict[str, Decimal]:
    """Scope 1 and 2 of the year's lines of ``month``, summed as GB/T 32150 / GHG Protocol scopes:
    scope 1 = direct categories (location view), scope 2 = purchased energy, location and market."""
    counted = [r for r in lines if r.line.period == month and not r.biomass]
    return {
        "scope1": sum((r.emissions("location") for r in counted if r.category in SCOPE1), Decimal(0)),
        "scope2_location": sum((r.emissions("location") for r in counted if r.scope == "2"), Decimal(0)),
        "scope2_market": sum((r.emissions("market") for r in counted if r.scope == "2"), Decimal(0)),
    }


def test_the_month_rule() -> None:
    months = ["2023-01", "2023-02", "2023-07"]
    shanghai = datetime(2023, 9, 1, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert overview_month(2023, months, shanghai) == "2023-09", "the current year: this month, data or not"
    assert overview_month(2022, months, shanghai) == "2023-07", "another year: its latest month with data"
    assert overview_month(2022, [], shanghai) is None


def test_month_scopes_are_the_engines_month_inventory(store: tuple[str, int]) -> None:
    from zerocarbon.services.inventory.runs import run_store_inventory

    url, year = store
    d = overview(FACTORY, year, url)
    month = d["month"]
    assert month == f"{year}-12" and d["month_is_current"] is False  # a past year: its latest month
    run = dashboard.inventory_run(FACTORY, year, url)
    engine = compute_inventory(run.data, year, locations=run.loaded.locations, mc_draws=0, month=month)
    assert Decimal(d["month_total"]["value"]) == engine.totals.gbt32150_total
    own_lines = _month_scopes(run.inventory.lines, month)
    for key in SCOPES:
        assert Decimal(d["month_scopes"][key]["value"]) == getattr(engine.totals, key) == own_lines[key], key
        assert Decimal(d["scopes"][key]["value"]) == getattr(run.inventory.totals, key), key
    # a part of the year; market-based below location-based (the sample's green power and certificates)
    year_location = run.inventory.totals.scope2_location
    assert Decimal(0) < engine.totals.scope2_market < engine.totals.scope2_location < year_location
    assert engine.totals.gbt32150_total == run.inventory.breakdowns["period"][month]
    # an independent run of the engine, the meters read again
    again = run_store_inventory(FACTORY, year, url=url, declared=dashboard.declared_file(FACTORY), month=month,
                                mc_draws=0).inventory
    for key in SCOPES:
        expected = getattr(again.totals, key)
        assert Decimal(d["month_scopes"][key]["value"]) == expected, key


def test_current_year_shows_the_current_month(store: tuple[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    url, year = store
    _pretend_now(monkeypatch, datetime.fromisoformat(f"{year}-06-15T10:00:00+08:00"))
    d = overview(FACTORY, year, url)
    assert d["month"] == f"{year}-06" and d["month_is_current"] is True
    run = dashboard.inventory_run(FACTORY, year, url)
    engine = compute_inventory(run.data, year, locations=run.loaded.locations, mc_draws=0, month=f"{year}-06")
    assert Decimal(d["month_total"]["value"]) == engine.totals.gbt32150_total
    for key in SCOPES:
        assert Decimal(d["month_scopes"][key]["value"]) == getattr(engine.totals, key), key


def test_current_month_without_data_is_shown_empty(store: tuple[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    """The base year 2022 of the sample is stated for the whole year only: no month has data."""
    url, year = store
    assert overview(FACTORY, year - 1, url)["month"] is None
    _pretend_now(monkeypatch, datetime.fromisoformat(f"{year - 1}-05-02T00:10:00+08:00"))
    d = overview(FACTORY, year - 1, url)
    assert d["month"] == f"{year - 1}-05" and d["month_is_current"] is True
    assert d["month_total"] == {"value": None, "display": None}
    assert all(d["month_scopes"][k] == {"value": None, "display": None} for k in SCOPES)
    assert Decimal(d["totals"]["gbt32150_total"]["value"]) > 0  # the year's figures are there


def test_the_month_rolls_over_with_the_calendar(store: tuple[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    """The cached overview is keyed by the current month too: a new month is shown without new data."""
    url, year = store
    _pretend_now(monkeypatch, datetime.fromisoformat(f"{year}-03-31T23:59:00+08:00"))
    assert overview(FACTORY, year, url)["month"] == f"{year}-03"
    _pretend_now(monkeypatch, datetime.fromisoformat(f"{year}-04-01T00:01:00+08:00"))
    assert overview(FACTORY, year, url)["month"] == f"{year}-04"
