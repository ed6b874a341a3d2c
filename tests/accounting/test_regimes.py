"""Method regimes: the data file, the regime in force, and hand-worked figures per regime.

Factors (shipped library, data year 2023): national grid average 0.5306, national excluding
market-traded non-fossil power 0.6096 (the residual proxy), 江苏 provincial 0.5827, fossil power 0.8273
(2023) and 0.8325 (2022, printed in 发改环资〔2025〕910号 附件4) — MEE/NBS 公告2025年第47号 and the
2022-data announcement of 2024-12-20; ETS 0.5703 (环办气候函〔2023〕43号, unverified row). Regime rules:
accounting/data/regimes.yaml (docs/method-regimes.md).

A factory in 江苏 buys 1 000 MWh of grid electricity and retires 400 MWh of unbundled certificates:

* gbt32150-2015: 1 000 × 0.5306 = 530.6 t (certificates do not count) — with or without them;
* ghg-protocol location (provincial): 1 000 × 0.5827 = 582.7 t — with or without them;
* ghg-protocol market: (1 000 − 400) × 0.6096 = 365.76 t; without certificates 609.6 t;
* ets: 1 000 × 0.5703 = 570.3 t — with or without them;
* zero-carbon: (1 000 − 400) × 0.8325 = 499.5 t; without certificates 832.5 t.
"""

from __future__ import annotations

import json
from decimal import Decimal as D
from importlib import resources
from typing import Any

import pytest
import yaml

from zerocarbon.accounting import notices
from zerocarbon.accounting.inventory import compute_inventory
from zerocarbon.accounting.regimes import gbt_edition_in_force, load_regimes, parse
from zerocarbon.errors import FactorError, InputError
from zerocarbon.model.inventory_input import InventoryInput

ALL = ["gbt32150-2015", "ets", "ghg-protocol", "zero-carbon"]


def _doc(certs: bool = True, **line: Any) -> dict[str, Any]:
    grid = {"id": "grid", "facility": "A", "category": "electricity_purchased", "amount": "1000", "unit": "MWh",
            "period": "2023", **line}
    return {"factory": {"id": "R", "name_zh": "口径测试", "province": "江苏",
                        "facilities": [{"id": "A", "name_zh": "车间"}]},
            "settings": {"regimes": ALL},
            "activity": [grid],
            "certificates": [{"serial": "G1", "mwh": "400", "generation_period": "2023-06", "retired": True,
                              "retired_for": "2023", "retirement_proof": "RP-G1"}] if certs else []}


def _run(doc: dict[str, Any]) -> Any:
    return compute_inventory(InventoryInput.model_validate(doc), 2023, mc_draws=0)


def test_every_regime_cites_its_documents() -> None:
    regimes = load_regimes()
    assert set(regimes) == {"gbt32150-2015", "gbt32150-2025", "ets", "ghg-protocol", "zero-carbon"}
    for reg in regimes.values():
        assert reg.documents and all(d["status"] in ("verified", "single-source", "secondary", "unknown")
                                     for d in reg.documents)
        assert {r["key"] for r in reg.rules} >= {"electricity_to_tce"}


def test_edition_in_force_by_data_year() -> None:
    """GB/T 32150—2025 in force from 2026-07-01: data years up to 2025 take the 2015 edition."""
    assert gbt_edition_in_force(2023) == "gbt32150-2015"
    assert gbt_edition_in_force(2025) == "gbt32150-2015"
    assert gbt_edition_in_force(2026) == "gbt32150-2025"


def test_a_bad_regime_file_is_refused() -> None:
    data = yaml.safe_load((resources.files("zerocarbon.accounting") / "data" / "regimes.yaml").read_text("utf-8"))
    data["regimes"][0]["views"]["gbt32150"]["exports"] = "sometimes"
    with pytest.raises(FactorError, match="exports"):
        parse(data)


def test_unbundled_certificates_change_market_based_scope2_only() -> None:
    """Under GB/T 32150-2015 retired unbundled certificates change market-based scope 2 (and the zero-carbon
    regime, which counts 绿证 at zero) and nothing else (hand-worked in the module docstring)."""
    with_c, without = _run(_doc()), _run(_doc(certs=False))
    for inv, market, zc in ((with_c, D("365.76"), D("499.5")), (without, D("609.6"), D("832.5"))):
        g = inv.line("grid")
        assert g.emissions("gbt32150") == D("530.6")
        assert g.emissions("location") == D("582.7")
        assert g.emissions("ets") == D("570.3")
        assert g.emissions("market") == market
        assert g.emissions("zero_carbon") == zc
    assert with_c.line("grid").figures["gbt32150"].intermediates["GEC_MWh_not_counted"] == "400"
    assert with_c.regimes["gbt32150-2015"]["totals"]["total"] == "530.6000"


def test_stated_factor_honoured_in_every_view_that_uses_it() -> None:
    """A supplier-specific factor 0.5 tCO2/MWh: market-based uses it for the 600 MWh not covered
    (300 t); GB/T, ETS, location and zero-carbon keep their prescribed factors and say why."""
    inv = _run(_doc(measured={"emission_factor": {"value": "0.5", "unit": "tCO2/MWh", "evidence": "供电商证明"}}))
    g = inv.line("grid")
    assert g.emissions("market") == D(300)
    assert g.figures["market"].factors[0].origin == "measured"
    assert g.emissions("gbt32150") == D("530.6") and g.emissions("location") == D("582.7")
    refused = [w for w in inv.warnings if "stated electricity factor" in w]
    views = ("gbt32150", "location", "ets", "zero_carbon")
    assert {w.params["view"] for w in refused} == {notices.view(v) for v in views}
    assert all(w.code == "stated_factor_refused" and "未在" in w.text("zh") for w in refused)


def test_a_parameter_the_category_does_not_use_is_refused() -> None:
    doc = _doc(measured={"ncv": {"value": "1", "unit": "GJ/t", "evidence": "x"}})
    with pytest.raises(InputError, match="ncv"):
        _run(doc)
    doc = _doc()
    doc["activity"].append({"id": "ex", "facility": "A", "category": "electricity_exported", "amount": "1",
                            "unit": "MWh", "period": "2023",
                            "measured": {"emission_factor": {"value": "0.5", "unit": "tCO2/MWh", "evidence": "x"}}})
    with pytest.raises(InputError, match="emission_factor"):
        _run(doc)


def test_ets_and_zero_carbon_count_co2_only() -> None:
    """10 kg HFC-134a (AR6 GWP 1530, 15.3 tCO2e) count in GB/T and scope 1, not in ETS or zero-carbon."""
    doc = _doc(certs=False)
    doc["activity"].append({"id": "hfc", "facility": "A", "category": "process_gas", "item": "HFC-134a",
                            "amount": "10", "unit": "kg", "period": "2023"})
    hfc = _run(doc).line("hfc")
    assert hfc.emissions("gbt32150") == D("15.300")
    assert hfc.emissions("ets") == 0 and hfc.emissions("zero_carbon") == 0
    assert "not counted" in hfc.figures["zero_carbon"].note


def test_results_record_regime_edition_and_rules() -> None:
    inv = _run(_doc())
    out = json.loads(json.dumps(inv.to_dict()))
    reg = out["regimes"]["gbt32150-2015"]
    assert reg["edition"] == "2015" and reg["documents"] and reg["rules"]
    assert set(out["regimes"]) == set(ALL)
    assert "32151.34" not in json.dumps(out["lines"][0]["figures"]["gbt32150"], ensure_ascii=False)


def test_default_regimes() -> None:
    doc = _doc()
    doc["settings"] = {}
    assert set(_run(doc).regimes) == {"gbt32150-2015", "ghg-protocol", "zero-carbon"}
