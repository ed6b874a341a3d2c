"""The portfolio, the year menu and the base-year view on the main job's sample factory.

The sample (``run_demo``) has meter readings for 2023 and a declared file for 2023 with its base year
2022 stated by month-less annual ledgers; its meters were not in place in 2022. Issue 10 found the base
year shown as "0 months of data" with 245,280 missing intervals, years offered without data, and the
portfolio's intensity of the first product only, unnamed.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from tests.conftest import DEMO_EMPTY, DEMO_FACTORY, DEMO_FOREIGN, DemoStore

from zerocarbon.errors import InputError
from zerocarbon.services import dashboard

#: the module (the package exports its function under the same name)
portfolio_module = importlib.import_module("zerocarbon.services.dashboard.portfolio")


@pytest.fixture(scope="module")
def store(demo_store: DemoStore) -> Iterator[str]:
    mp = pytest.MonkeyPatch()
    mp.setenv(dashboard.DECLARED_DIR_ENV, str(demo_store.declared_dir))
    dashboard.cache_clear()
    yield demo_store.url
    dashboard.cache_clear()
    mp.undo()


def test_years_with_data_only(store: str) -> None:
    assert dashboard.data_years(DEMO_FACTORY, store) == [2023, 2022]
    assert dashboard.metered_years(DEMO_FACTORY, store) == [2023]
    assert dashboard.data_years(DEMO_EMPTY, store) == []
    with pytest.raises(InputError) as caught:
        dashboard.check_year(DEMO_FACTORY, 2021, store)
    assert "2023、2022" in caught.value.message("zh") and "2023, 2022" in caught.value.message("en")
    assert "/" not in caught.value.message("zh").replace("GB/T", "")  # no path in it
    dashboard.check_year(DEMO_FACTORY, 2022, store)


def test_the_base_year_shows_its_declared_data(store: str) -> None:
    q = dashboard.data_quality(DEMO_FACTORY, 2022, store)
    assert q["meters_in_place"] is False
    assert q["summary"]["missing_intervals"] == 0 and q["gaps"] == []
    ov = dashboard.overview(DEMO_FACTORY, 2022, store)
    assert ov["annual_only"] is True and ov["meters_in_place"] is False
    assert [m["period"] for m in ov["monthly"]] == ["2022"] and ov["monthly"][0]["annual"] is True
    assert ov["monthly"][0]["total"]["value"] is not None
    assert not any(a["kind"] == "missing_intervals" for a in ov["alerts"])
    # the metered year itself: meters in place, only the real gap of the sample counts
    q23 = dashboard.data_quality(DEMO_FACTORY, 2023, store)
    assert q23["meters_in_place"] is True and q23["summary"]["missing_intervals"] < 1000


def test_intensity_per_product_with_its_name(store: str) -> None:
    p = dashboard.portfolio([DEMO_FACTORY], 2023, store)
    row = p["factories"][0]
    ov = dashboard.overview(DEMO_FACTORY, 2023, store)
    assert len(row["intensities"]) == len(ov["intensities"]) >= 1
    for mine, theirs in zip(row["intensities"], ov["intensities"], strict=True):
        assert mine["product"] == theirs["product"] and mine["name_zh"] and mine["unit"]
        assert mine["intensity"] == theirs["intensity"]


def test_a_failing_factory_is_marked_and_the_others_are_shown(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    real = portfolio_module.overview

    def overview(fid: str, year: int, url: Any) -> Any:
        if fid == DEMO_FOREIGN:
            raise KeyError("something no factory's data should cause")
        return real(fid, year, url)

    monkeypatch.setattr(portfolio_module, "overview", overview)
    monkeypatch.setattr(portfolio_module, "check_year", lambda *_: None)  # as if the other factory had data
    p = dashboard.portfolio([DEMO_FACTORY, DEMO_FOREIGN], 2023, store)
    rows = {r["id"]: r for r in p["factories"]}
    assert rows[DEMO_FACTORY]["rank"] == 1 and "error" not in rows[DEMO_FACTORY]
    assert rows[DEMO_FOREIGN]["error"] == portfolio_module.UNEXPECTED
    assert p["total"] == rows[DEMO_FACTORY]["total"]


def test_a_factory_without_data_for_the_year_says_so(store: str) -> None:
    p = dashboard.portfolio([DEMO_FACTORY, DEMO_FOREIGN], 2023, store)
    rows = {r["id"]: r for r in p["factories"]}
    assert "尚无数据" in rows[DEMO_FOREIGN]["error"]["zh"] and "no data yet" in rows[DEMO_FOREIGN]["error"]["en"]
    assert rows[DEMO_FACTORY]["province_en"] == "Jiangsu" and p["province_labels"]["广东"]["en"] == "Guangdong"
