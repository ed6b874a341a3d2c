"""GET /factories/{id}/hourly-carbon/{year}/totals: the hourly carbon summed by month × cost centre (or other keys).

The world's factory A (江苏) has E1 (electricity, 10 kWh per quarter hour) and G1 (natural gas, counter) over the
first two local days of 2023; neither has a cost centre.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict

import pytest
from openpyxl import load_workbook
from tests.api.conftest import FOREIGN, OURS, World

BASE = f"/api/v1/factories/{OURS}/hourly-carbon/2023"


def test_totals_are_the_hourly_rows_summed(world: World) -> None:
    h = world.auth("factory_manager")
    rows = world.client.get(BASE, headers=h).json()["rows"]
    want: dict[tuple[str, str], float] = defaultdict(float)
    for r in rows:
        want[(r["month"], r["meter"])] += r["co2_t"]
    answer = world.client.get(f"{BASE}/totals", params={"by": "month,meter"}, headers=h)
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["by"] == ["month", "meter"] and data["count"] == 2
    got = {(r["month"], r["meter"]): r for r in data["rows"]}
    assert {k: v["co2_t"] for k, v in got.items()} == pytest.approx(dict(want), rel=1e-12)
    # E1: 48 h × 0.04 MWh × 0.5827 tCO2/MWh (MEE/NBS announcement 2025 No. 47, 江苏 2023)
    e1 = got[("2023-01", "E1")]
    assert e1["co2_t"] == pytest.approx(48 * 0.04 * 0.5827, rel=1e-12)
    assert e1["activity"] == pytest.approx(1.92) and e1["activity_unit"] == "MWh" and e1["hours"] == 48
    assert "cost_centre" not in e1  # only the keys asked for
    default = world.client.get(f"{BASE}/totals", headers=h).json()
    assert default["by"] == ["month", "cost_centre"]
    assert [(r["month"], r["cost_centre"]) for r in default["rows"]] == [("2023-01", None)]
    assert default["rows"][0]["mixed_units"] and default["rows"][0]["activity"] is None  # MWh and Nm³
    assert default["rows"][0]["co2_t"] == pytest.approx(sum(want.values()), rel=1e-12)
    method = default["method"]
    assert method["by"] == ["month", "cost_centre"] and "DECIMAL" in method["engine"]
    assert json.loads(answer.headers["x-zerocarbon-method"])["year"] == 2023


def test_csv_and_xlsx_in_the_users_language(world: World) -> None:
    h = world.auth("factory_manager")
    zh = world.client.get(f"{BASE}/totals", params={"format": "csv", "by": "month,scope"}, headers=h)
    assert zh.status_code == 200 and zh.content.startswith(b"\xef\xbb\xbf")
    lines = zh.content[3:].decode("utf-8").splitlines()
    block = [ln[2:] for ln in lines if ln.startswith("# ")]
    assert block[0].startswith("逐时碳排放汇总") and "汇总维度: 月份 × 范围" in block
    table = list(csv.reader(lines[len(block):]))
    assert table[0][:3] == ["月份", "范围", "二氧化碳排放 [tCO2]"]
    assert {(r[0], r[1]) for r in table[1:]} == {("2023-01", "1"), ("2023-01", "2")}
    assert zh.headers["content-disposition"].endswith(f"{OURS}-hourly-carbon-2023-by-month-scope.csv")
    en = world.client.get(f"{BASE}/totals", params={"format": "xlsx", "lang": "en"}, headers=h)
    assert en.status_code == 200 and en.headers["content-language"] == "en"
    wb = load_workbook(io.BytesIO(en.content))
    assert wb.sheetnames == ["totals", "method"]
    sheet = list(wb["totals"].iter_rows(values_only=True))
    assert sheet[0][:3] == ("month", "cost centre", "CO2 [tCO2]")
    assert isinstance(sheet[1][2], float) and sheet[1][5] == "yes"  # mixed units, in English
    assert str(wb["method"]["A1"].value).startswith("Hourly carbon totals")


def test_bad_keys_and_filters_are_refused_in_the_callers_language(world: World) -> None:
    h = world.auth("factory_manager")
    bad = world.client.get(f"{BASE}/totals", params={"by": "month,week", "lang": "en"}, headers=h)
    assert bad.status_code == 422 and bad.json()["error"]["details"]["field"] == "by"
    assert "group by some of" in bad.text
    twice = world.client.get(f"{BASE}/totals", params={"by": "month,month"}, headers=h)
    assert twice.status_code == 422 and "汇总维度" in twice.text
    assert world.client.get(f"{BASE}/totals", params={"meter": "NOPE"}, headers=h).status_code == 422
    assert world.client.get(f"{BASE}/totals", params={"month": 13}, headers=h).status_code == 422
    only_g1 = world.client.get(f"{BASE}/totals", params={"by": "meter", "meter": "G1"}, headers=h).json()
    assert [r["meter"] for r in only_g1["rows"]] == ["G1"]
    feb = world.client.get(f"{BASE}/totals", params={"by": "", "month": 2}, headers=h).json()
    assert feb["rows"][0]["co2_t"] == 0 and feb["rows"][0]["hours"] == 0


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_only_the_callers_factories(world: World, fmt: str) -> None:
    foreign = world.client.get(f"{BASE}/totals", params={"format": fmt}, headers=world.auth("foreign_manager"))
    assert foreign.status_code == 404
    theirs = world.client.get(f"/api/v1/factories/{FOREIGN}/hourly-carbon/2023/totals", params={"format": fmt},
                              headers=world.auth("factory_manager"))
    assert theirs.status_code == 404 and FOREIGN not in theirs.text
    assert world.client.get(f"{BASE}/totals", params={"format": fmt}).status_code == 401
