"""Evidence fields that decide a claim (issue 9 finding 8), worked by hand.

Factors (electricity.csv, data year 2023): national grid average 0.5306 tCO2/MWh (GB/T 32150 view,
national scope); excluding market-traded non-fossil power 0.6096 (market-based residual proxy);
national fossil-power factor 0.8325 as printed in 发改环资〔2025〕910号 附件4 二(二)3① (zero-carbon).
Rules: docs/activity-data-format.md, "Evidence fields"; accounting/indirect.py and scope2.py.

* Certificates: an unbundled certificate counts only with its retirement proof (核销凭证).
* Exported on-site power whose certificates were sold (distributed PV gets tradable certificates,
  发改能源〔2023〕1044号): no export credit in GB/T 32150 (40 MWh: 0 instead of −40 × 0.5306 = −21.224 t).
* Self-consumed on-site power whose certificates were sold: market-based 100 × 0.6096 = 60.96 t,
  zero-carbon 100 × 0.8325 = 83.25 t; GB/T and location-based unchanged (0).
* Green power inside the settlement meter: 400 MWh netted out of a 1 000 MWh grid line → GB/T
  600 × 0.5306 = 318.36 t, and the location-based view counts 1 000 MWh in all (not 1 400).
* Direct line (绿电直连): 600 grid + 400 direct → zero-carbon 600 × 0.8325 = 499.5 t; traceable share 1.
"""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from pydantic import ValidationError

from zerocarbon.accounting.inventory import compute_inventory
from zerocarbon.accounting.notices import notice_text
from zerocarbon.accounting.results import Inventory
from zerocarbon.accounting.zero_carbon import non_fossil_electricity
from zerocarbon.errors import InputError
from zerocarbon.ingest.columns import CHOICES
from zerocarbon.model.inventory_input import Certificate, InventoryInput
from zerocarbon.model.vocabulary import ELECTRICITY_KINDS

GRID = {"id": "grid", "facility": "A", "category": "electricity_purchased", "amount": "1000", "unit": "MWh",
        "period": "2023"}


def _inv(activity: list[dict[str, Any]], certificates: list[dict[str, Any]] | None = None) -> Inventory:
    factory = {"id": "E", "name_zh": "示例", "province": "江苏", "facilities": [{"id": "A", "name_zh": "车间"}]}
    doc = {"factory": factory,
           "activity": activity, "certificates": certificates or []}
    return compute_inventory(InventoryInput.model_validate(doc), 2023, mc_draws=0)


def _pv(kept: bool | None, exported: str = "0") -> list[dict[str, Any]]:
    pv: dict[str, Any] = {"id": "pv", "facility": "A", "category": "onsite_renewable", "amount": "100",
                          "unit": "MWh", "period": "2023"}
    exp: dict[str, Any] = {"id": "exp", "facility": "A", "category": "electricity_exported", "amount": exported,
                           "unit": "MWh", "period": "2023"}
    if kept is not None:
        pv["certificates_kept"] = exp["certificates_kept"] = kept
    return [GRID, pv] + ([exp] if exported != "0" else [])


def test_export_credit_only_while_the_certificates_are_kept() -> None:
    kept = _inv(_pv(True, "40"))
    assert kept.line("exp").figures["gbt32150"].emissions == D("-40") * D("0.5306")
    assert not any("certificates_kept" in w for w in kept.warnings)
    sold = _inv(_pv(False, "40"))
    fig = sold.line("exp").figures["gbt32150"]
    assert fig.emissions == 0 and "certificates sold" in fig.note and "1044号" in fig.note
    assert any("export credit removed" in w and "exp" in w and "绿证已出售" in notice_text(w, "zh")
               for w in sold.warnings)
    assert sold.line("exp").figures["zero_carbon"].emissions == 0  # exported on-site power is at 0 there anyway
    unstated = _inv(_pv(None, "40"))
    assert unstated.line("exp").figures["gbt32150"].emissions == D("-21.2240")
    assert any(w.startswith("certificates_kept not stated") and "exp" in w for w in unstated.warnings)


def test_self_consumed_generation_with_certificates_sold_is_not_zero_where_certificates_count() -> None:
    inv = _inv(_pv(False))
    pv = inv.line("pv").figures
    assert pv["market"].emissions == D("100") * D("0.6096")
    assert pv["zero_carbon"].emissions == D("100") * D("0.8325")
    assert pv["gbt32150"].emissions == 0 and pv["location"].emissions == 0
    assert non_fossil_electricity(inv).onsite_used == 0
    assert any("zero claim removed" in w for w in inv.warnings)
    assert non_fossil_electricity(_inv(_pv(True))).onsite_used == D("100")


def test_certificate_counts_only_with_its_retirement_proof() -> None:
    cert = {"serial": "G1", "mwh": "400", "generation_period": "2023-06", "retired": True, "retired_for": "2023"}
    without = _inv([GRID], [cert])
    assert without.line("grid").figures["market"].emissions == D("1000") * D("0.6096")
    (excluded,) = without.certificates_excluded
    assert excluded.serial == "G1" and "核销凭证" in excluded.reason_zh and "retirement proof" in excluded.reason_en
    assert any("G1 not counted" in w for w in without.warnings)
    with_proof = _inv([GRID], [{**cert, "retirement_proof": "NEA-RET-1"}])
    assert with_proof.line("grid").figures["market"].emissions == D("600") * D("0.6096")


def test_certificate_dumps_as_before_without_a_proof() -> None:
    base = {"serial": "G1", "mwh": "1", "generation_period": "2023-06", "retired": True, "retired_for": "2023"}
    assert "retirement_proof" not in Certificate.model_validate(base).model_dump()
    assert Certificate.model_validate({**base, "retirement_proof": "R"}).model_dump()["retirement_proof"] == "R"


def _green(inside: bool | None, amount: str = "400", period: str = "2023") -> dict[str, Any]:
    line: dict[str, Any] = {"id": "gp", "facility": "A", "category": "electricity_purchased", "amount": amount,
                            "unit": "MWh", "period": period, "electricity_kind": "green_power",
                            "evidence": "绿电交易结算单"}
    if inside is not None:
        line["inside_settlement_meter"] = inside
    return line


def test_green_power_inside_the_settlement_meter_is_netted_out_of_the_grid_line() -> None:
    inv = _inv([GRID, _green(True)])
    grid = inv.line("grid")
    assert grid.line.amount == D("600") and "gp" in grid.line.note
    assert grid.figures["gbt32150"].emissions == D("600") * D("0.5306")
    loc_ef = grid.figures["location"].factors[0].value
    assert inv.totals.scope2_location == D("1000") * loc_ef  # every MWh once
    assert any("inside the settlement meter" in w and "绿电 gp" in notice_text(w, "zh") for w in inv.warnings)
    outside = _inv([GRID, _green(False)])
    assert outside.line("grid").line.amount == D("1000") and not any("settlement" in w for w in outside.warnings)
    unstated = _inv([GRID, _green(None)])
    assert any(w.startswith("inside_settlement_meter not stated") and "gp" in w for w in unstated.warnings)


def test_inside_green_power_is_spread_over_the_grid_lines_of_its_period_pro_rata() -> None:
    months = [{**GRID, "id": "g1", "amount": "300", "period": "2023-01"},
              {**GRID, "id": "g2", "amount": "100000", "unit": "kWh", "period": "2023-02"}]
    inv = _inv([*months, _green(True, "200")])
    assert inv.line("g1").line.amount == D("150") and inv.line("g2").line.amount == D("50000")


def test_inside_green_power_larger_than_the_grid_reading_is_refused() -> None:
    with pytest.raises(InputError) as err:
        _inv([GRID, _green(True, "1200")])
    assert err.value.field == "activity[id=gp].inside_settlement_meter" and "settlement meter" in err.value.message_en
    assert "结算表计" in err.value.message_zh


def test_direct_line_counts_as_physically_traceable_non_fossil_electricity() -> None:
    direct = {**_green(None), "id": "dl", "electricity_kind": "direct_line", "evidence": "直连供电合同"}
    inv = _inv([{**GRID, "amount": "600"}, direct])
    assert inv.line("dl").figures["zero_carbon"].emissions == 0
    assert inv.totals.scope2_market == D("600") * D("0.6096")
    el = non_fossil_electricity(inv)
    assert el.direct_line == D("400") and el.green_trade == 0 and el.traceable == D("400")
    assert inv.line("dl").item_name_en == "green power, direct line"
    trade = non_fossil_electricity(_inv([{**GRID, "amount": "600"}, _green(None)]))
    assert trade.traceable == 0 and trade.green_trade == D("400")


def test_direct_line_vocabulary_and_template_choice() -> None:
    assert ELECTRICITY_KINDS["direct_line"].zh == "绿电直连"
    assert CHOICES["electricity_kind"]["direct_line"].en == "Green power, direct line"


@pytest.mark.parametrize("line", [
    {**GRID, "electricity_kind": "direct_line"},  # no evidence
    {**GRID, "certificates_kept": True},  # a grid purchase has no certificates of its own
    {**GRID, "inside_settlement_meter": True},  # only green power is inside or outside
])
def test_evidence_fields_on_the_wrong_line_are_refused(line: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        _inv([line])
