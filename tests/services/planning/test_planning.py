"""The planning service on the sample factory with small assumptions (no battery, no sizing: fast)."""

from __future__ import annotations

from pathlib import Path

import pytest

from zerocarbon.demo.generator import SAMPLE_FILE
from zerocarbon.demo.weather import SAMPLE_WEATHER
from zerocarbon.errors import InputError
from zerocarbon.services.inventory.runs import run_inventory
from zerocarbon.services.planning.assumptions import load_assumptions
from zerocarbon.services.planning.runs import plan_files, write_plan

REGISTER = SAMPLE_FILE.parent / "sample_equipment.yaml"
SMALL = f"""
illustrative: true
view: gbt32150
start_year: 2024
target_year: 2026
discount_rate: {{value: 0.06, source: test}}
site: {{latitude: 31.78, longitude: 119.95, altitude_m: 5}}
weather: {SAMPLE_WEATHER}
tariff: {{schedule: 平, prices: {{平: 0.72}}, export_price: 0.391, source: test tariff}}
prices: {{gas_yuan_per_gj: {{value: 97.6, source: test}}, diesel_yuan_per_t: {{value: 7800, source: test}}}}
boiler_efficiency: {{value: 0.92, source: test}}
measures:
  - {{id: eff, kind: efficiency_upgrades}}
  - {{id: leak, kind: air_leak_repair, compressors: [AC-01, AC-02], leak_share_now: {{value: 0.2, source: t}},
     leak_share_after: {{value: 0.1, source: t}}, capex: {{value: 100000, source: t}},
     lifetime_years: {{value: 3, source: t}}}}
  - {{id: hp, kind: heat_pump, share: 0.5, sink_c: 60, capex: {{value: 4800000, source: t}},
     lifetime_years: {{value: 15, source: t}}}}
  - {{id: pv, kind: pv, kwp: 3000, capex: {{value: 9600000, source: t}}, lifetime_years: {{value: 25, source: t}}}}
  - {{id: wind, kind: wind, kw: 100, capex: {{value: 1, source: t}}, lifetime_years: {{value: 20, source: t}}}}
  - {{id: nocost, kind: pv, kwp: 10}}
"""


def small(tmp: Path, text: str = SMALL) -> Path:
    p = tmp / "assumptions.yaml"
    p.write_text(text, encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> dict:  # type: ignore[type-arg]
    return plan_files(SAMPLE_FILE, small(tmp_path_factory.mktemp("plan")), register=REGISTER, year=2023)


def test_baseline_is_the_inventory_and_weather_provenance_recorded(plan: dict) -> None:  # type: ignore[type-arg]
    b = plan["baseline"]
    inv = run_inventory(SAMPLE_FILE, 2023, mc_draws=0).inventory
    assert b["total_t"] == pytest.approx(float(inv.totals.gbt32150_total), rel=1e-12)  # the inventory's own total
    assert b["emissions_t"] == pytest.approx(b["total_t"], rel=1e-9)
    assert b["load_basis"] == "declared_monthly_flat" and b["notes"][0]["zh"]
    assert plan["weather"]["synthetic"] and "SYNTHETIC" in plan["weather"]["source"]
    assert 800 < plan["weather"]["pv_specific_yield_kwh_per_kwp"] < 1400


def test_roadmap_residual_and_mac_order(plan: dict) -> None:  # type: ignore[type-arg]
    steps, rows = plan["steps"], plan["roadmap"]
    assert steps[0]["mac"] == min(s["mac"] for s in steps)
    assert {s["id"] for s in steps} == {"eff", "leak", "hp", "pv"}
    base = plan["baseline"]["total_t"]
    for r in rows:
        done = [s["abatement_t"] for s in steps if s["year"] <= r["year"]]
        assert r["residual_t"] == pytest.approx(base - sum(done))
    assert plan["residual_at_target_t"] == pytest.approx(steps[-1]["after"]["emissions_t"])
    leak = next(s for s in steps if s["id"] == "leak")
    # E_comp = 90·0.8/0.95·6000 + 75·0.8/0.967·6000 kWh; ΔE = 0.1·E_comp; × 0.5306 t/MWh
    e_comp = 90 * 0.8 / 0.95 * 6000 + 75 * 0.8 / 0.967 * 6000
    assert leak["params"]["kwh"] == pytest.approx(0.1 * e_comp)


def test_not_assessed_with_reasons(plan: dict) -> None:  # type: ignore[type-arg]
    reasons = {x["id"]: x["reason_en"] for x in plan["not_assessed"]}
    assert "wind speed" in reasons["wind"] and "capex" in reasons["nocost"]


def test_outputs_written(plan: dict, tmp_path: Path) -> None:  # type: ignore[type-arg]
    files = write_plan(plan, tmp_path)
    assert [f.name for f in files] == ["planning.json", "planning_report.zh-CN.html", "planning_report.en.html",
                                       "planning.xlsx"]


def test_unsourced_cost_refused(tmp_path: Path) -> None:
    bad = SMALL.replace("capex: {value: 100000, source: t}", "capex: 100000")
    with pytest.raises(InputError) as exc:
        load_assumptions(small(tmp_path, bad))
    assert exc.value.field == "measures[1].capex" and exc.value.file


def test_missing_key_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        load_assumptions(small(tmp_path, SMALL.replace("target_year: 2026\n", "")))
    assert exc.value.field == "target_year"
