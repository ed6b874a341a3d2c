"""The verifier's parts of the report: entity block and declaration, facilities, monitoring plan, meter register."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from markupsafe import escape

from zerocarbon.accounting.inventory import compute_inventory
from zerocarbon.accounting.results import Inventory
from zerocarbon.model.entities import METER_REGISTER
from zerocarbon.model.inventory_input import InventoryInput
from zerocarbon.reports.html import inventory_page
from zerocarbon.reports.i18n import t
from zerocarbon.reports.register import (
    calibration_status,
    entity_rows,
    monitoring_rows,
    period_bounds,
    register_entries,
    register_warnings,
)

from .conftest import Demo

END = date(2023, 12, 31)


def _meter(code: str, node: str, **register: Any) -> dict[str, Any]:
    base = {"code": code, "name": code, "node": node, "carrier": "electricity", "unit": "kWh",
            "interval_seconds": 900, "is_virtual": False, "virtual_formula": None, **dict.fromkeys(METER_REGISTER)}
    return {**base, **register}


VALID = {"model": "M-1", "serial_no": "S-1", "accuracy_class": "0.5S", "calibrated_on": "2023-02-20",
         "calibration_due": "2025-02-19", "calibration_certificate": "C-1"}
#: EL-L1 valid, EL-L2 overdue on 2023-06-30, EL-UT without a record; EL-GRID virtual.
METERS = [_meter("EL-L1", "L1", **VALID),
          _meter("EL-L2", "L2", **{**VALID, "calibrated_on": "2021-06-30", "calibration_due": "2023-06-30"}),
          _meter("EL-UT", "UT"),
          _meter("EL-GRID", "SITE", is_virtual=True, virtual_formula="EL-L1 + EL-L2 + EL-UT")]


@pytest.fixture(scope="module")
def metered(demo: Demo) -> tuple[InventoryInput, Inventory]:
    """The sample with its electricity lines read from the meters EL-L1, EL-L2, EL-UT (as a metered run has them)."""
    lines = [ln.model_copy(update={"meters": (ln.id[:5],)}) if ln.id[:6] in ("EL-L1-", "EL-L2-", "EL-UT-") else ln
             for ln in demo.data.activity]
    data = demo.data.model_copy(update={"activity": lines})
    return data, compute_inventory(data, demo.year, mc_draws=0)


def test_calibration_status_at_the_end_of_the_period() -> None:
    assert calibration_status(METERS[0], END) == "ok"
    assert calibration_status(METERS[1], END) == "overdue"
    assert calibration_status({**METERS[0], "calibration_due": "2023-12-31"}, END) == "overdue"  # due on the last day
    assert calibration_status({**METERS[0], "calibration_due": "2024-01-01"}, END) == "ok"
    assert calibration_status(METERS[2], END) == "missing"
    assert calibration_status({**METERS[0], "accuracy_class": None}, END) == "missing"
    assert calibration_status(METERS[3], END) == "virtual"
    assert calibration_status(None, END) == "unknown"


def test_register_flags_overdue_and_missing_meters_under_metered_lines(metered: tuple[InventoryInput, Inventory]
                                                                       ) -> None:
    _, inv = metered
    entries = {e.code: e for e in register_entries(inv, METERS)}
    assert {c: e.status for c, e in entries.items()} == {"EL-L1": "ok", "EL-L2": "overdue", "EL-UT": "missing",
                                                         "EL-GRID": "virtual"}
    assert len(entries["EL-L2"].metered_lines) == 12 and entries["EL-GRID"].lines == []
    zh = register_warnings(inv, list(entries.values()), "zh")
    en = register_warnings(inv, list(entries.values()), "en")
    assert len(zh) == len(en) == 3  # EL-L2 overdue, EL-UT missing, other metered lines naming no meter
    assert "EL-L2" in zh[0] and "2023-06-30" in zh[0] and "EL-L2-01" in zh[0] and "经检定计量器具实测" in zh[0]
    assert "EL-UT" in en[1] and "no calibration record" in en[1]
    assert "EL-L1" not in " ".join(en)  # a valid meter is not flagged


def test_register_and_monitoring_in_the_page(metered: tuple[InventoryInput, Inventory], demo: Demo) -> None:
    data, inv = metered
    metering = {"meters": METERS}
    html = inventory_page(data, {**demo.inventories, demo.year: inv}, demo.year, None, "zh", _metering(metering))
    register = html.split('<section id="register">')[1].split("</section>")[0]
    assert re.search(r'<tr class="flagged" data-meter="EL-L2" data-status="overdue">', register)
    assert re.search(r'<tr class="flagged" data-meter="EL-UT" data-status="missing">', register)
    assert re.search(r'<tr class="" data-meter="EL-L1" data-status="ok">', register)
    assert "0.5S" in register and "2025-02-19" in register
    warnings = html.split('<section id="warnings">')[1].split("</section>")[0]
    assert "EL-L2" in warnings and "2023-06-30" in warnings
    plan = html.split('<section id="monitoring">')[1].split("</section>")[0]
    assert "表计 EL-L1" in plan and "15 分钟读数，按月汇总" in plan and "国网江苏电费结算单（分表计量）" not in plan
    assert "燃气公司结算单" in plan and "每月（12 个月）" in plan  # a declared stream: its evidence and frequency
    boundary = html.split('<section id="boundary">')[1].split("</section>")[0]
    assert '<tr data-facility="L2">' in boundary and "<code>EL-L2</code>" in boundary and "<svg" in boundary
    assert "EL-GRID" in boundary  # the site's virtual meter is under the site


def _metering(extra: dict[str, Any]) -> dict[str, Any]:
    """Metering findings with only the register (the rest empty, as a store with no readings would give)."""
    return {"store": None, "readings_file": None, "ingest": {"batches": 0, "received": 0, "accepted": 0,
                                                            "duplicates": 0, "rejected": 0, "flagged": 0},
            "meter_activity_lines": 0, "gaps": [], "reconciled_with_declared": True, "reconciliation": [],
            "hourly_vs_annual": {"hourly_tco2": 0.0, "inventory_tco2": "0", "rel_diff": 0.0, "ok": True},
            "energy": None, "energy_per_product": [], **extra}


def test_monitoring_plan_rows_cover_every_line(metered: tuple[InventoryInput, Inventory]) -> None:
    data, inv = metered
    rows = monitoring_rows(data, inv, METERS, register_entries(inv, METERS), "en")
    assert sum(r["lines"] for r in rows) == len(inv.lines)
    el = next(r for r in rows if r["how"].startswith("meter EL-L2"))
    assert el["frequency"] == "15-minute readings, totalled by month"
    assert el["calibration"] == [("EL-L2", "overdue", "0.5S")]


def test_entity_block_and_declaration(demo: Demo) -> None:
    f = demo.data.factory
    rows = dict(entity_rows(demo.data, demo.inventory, "zh", date(2024, 5, 1)))
    assert rows[t("ent.legal_rep", "zh")] == f.legal_representative and f.legal_representative
    assert rows[t("ent.email", "zh")] == f.contact_email == "energy@example.com"
    assert rows[t("ent.period", "zh")] == "2023-01-01 至 2023-12-31"
    assert rows[t("ent.report_date", "zh")] == "2024-03-31"  # stated in the file, not today
    bare = demo.data.model_copy(update={"factory": f.model_copy(update={"report_date": None, "contact_phone": ""})})
    rows = dict(entity_rows(bare, demo.inventory, "en", date(2024, 5, 1)))
    assert rows["Report date"] == "2024-05-01" and rows["Telephone"] == "not given"
    assert period_bounds(demo.inventory) == (date(2023, 1, 1), END)
    for lang in ("zh", "en"):
        html = inventory_page(demo.data, demo.inventories, demo.year, None, lang)
        entity = html.split('<section id="entity">')[1].split("</section>")[0]
        assert str(escape(f.credit_code)) in entity and f.contact_person in entity
        assert len(re.findall(r'class="sign-box( small-box)?"', entity)) == 3
        for key in ("ent.sign", "ent.seal", "ent.date", "ent.declaration"):
            assert t(key, lang) in entity
        # without meter data the register says so and the metered lines are listed as unchecked
        assert t("reg.none", lang) in html.split('<section id="register">')[1].split("</section>")[0]
        warned = html.split('<section id="warnings">')[1].split("</section>")[0]
        assert {"zh": "行数据标注为“经检定计量器具实测”但未注明表计", "en": "but name no meter"}[lang] in warned


def test_contact_fields_left_out_of_a_dump_when_empty(demo: Demo) -> None:
    """A file without contact data dumps (and digests) as before the fields existed."""
    f = demo.data.factory.model_copy(update={k: "" for k in ("legal_representative", "contact_person",
                                                              "contact_phone", "contact_email", "preparer")}
                                     | {"report_date": None})
    dumped = f.model_dump(mode="json")
    assert not {"legal_representative", "contact_person", "report_date"} & set(dumped)
    assert demo.data.factory.model_dump(mode="json")["report_date"] == "2024-03-31"
