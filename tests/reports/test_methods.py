"""The report shows every regime side by side with the differences explained, and the change by driver.

Figures are read from the engine's own results (the inventory's regime totals and line figures) and
compared with what the HTML and workbook print; the wording is checked in both languages.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from markupsafe import escape
from openpyxl import load_workbook

from zerocarbon.reports import render_inventory_html, write_inventory_xlsx
from zerocarbon.reports.content import fmt_t
from zerocarbon.reports.i18n import t
from zerocarbon.reports.methods import driver_sections, instrument_sentences, regime_rows, treatment_differences

from .conftest import Demo


@pytest.fixture(scope="module")
def pages(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("methods")
    return {lang: render_inventory_html(demo.data, demo.inventories, demo.year, demo.comparison, out, lang=lang)
            .read_text(encoding="utf-8") for lang in ("zh", "en")}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_regime_side_by_side_with_name_edition_documents_rules(pages: dict[str, str], demo: Demo,
                                                                     lang: str) -> None:
    inv = demo.inventory
    assert inv.regimes, "the engine computes at least the GB/T 32150 edition and the GHG Protocol"
    section = pages[lang].split('<section id="regimes">')[1].split("</section>")[0]
    for rid, reg in inv.regimes.items():
        name = reg["name_zh"] if lang == "zh" else reg["name_en"]
        assert str(escape(name)) in section and str(escape(reg["edition"])) in section, rid
        assert f'id="regime-{rid}"' in section
        for key, value in reg["totals"].items():
            if not key.endswith("_memo"):
                assert f'data-value="{Decimal(value)}">{fmt_t(Decimal(value))}<' in section, (rid, key)
        for rule in reg["rules"]:
            assert f"<code>{escape(rule['key'])}</code>" in section
    assert t("rg.side_by_side", lang) in section and t("rg.differences", lang) in section


def test_differences_name_the_lines_treated_otherwise(demo: Demo) -> None:
    """Each group's two sums are the sums of its lines' figures, and every differing line is in a group."""
    inv = demo.inventory
    groups = treatment_differences(inv, "en")
    assert groups
    by_id = {r.line.id: r for r in inv.lines}
    listed = set()
    for g in groups:
        view = next(v for v in ("location", "market", "ets", "zero_carbon") if g["view"] == t(f"view.{v}", "en"))
        assert g["ref"] == sum((by_id[i].emissions("gbt32150") for i in g["lines"]), Decimal(0))
        assert g["value"] == sum((by_id[i].emissions(view) for i in g["lines"]), Decimal(0))
        assert g["notes"]
        listed |= {(view, i) for i in g["lines"]}
    for r in inv.lines:
        for view in r.figures:
            if view != "gbt32150" and not r.biomass and r.figures[view].emissions != r.emissions("gbt32150"):
                assert (view, r.line.id) in listed


def test_instrument_sentences_say_where_certificates_count(demo: Demo) -> None:
    """The sample retires 8,000 MWh of unbundled certificates: they count at zero in market-based scope 2
    and name the views where they do not."""
    text = " ".join(instrument_sentences(demo.inventory, "en"))
    cert = [s for s in instrument_sentences(demo.inventory, "en") if "unbundled certificates" in s]
    assert cert and cert[0].startswith("8,000 MWh of unbundled certificates count at zero in:")
    assert t("view.market", "en") in cert[0].split("; not in:")[0]
    assert t("view.location", "en") in cert[0].split("; not in:")[1]
    assert "6,000 MWh of green power" in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_change_by_driver_in_the_report(pages: dict[str, str], demo: Demo, lang: str) -> None:
    sections = driver_sections(demo.comparison, demo.year, demo.data, lang)
    assert len(sections) == 1 and sections[0]["from_year"] == 2022  # the base year is also the year before
    rows = {r["key"]: r for r in sections[0]["rows"]}
    g = rows["gbt32150_total"]
    exact = demo.inventory.totals.gbt32150_total - demo.inventories[2022].totals.gbt32150_total
    assert abs(g["delta"] - exact) < Decimal("1e-9")  # figures of the comparison are rounded to 10 decimals
    parts = g["activity"] + g["factor"] + g["green_power"] + g["certificates"] + g["boundary"]
    assert abs(parts + g["residual"] - g["delta"]) < Decimal("1e-9")
    html = pages[lang]
    assert g["sentence"] in html.replace("&#39;", "'")
    market = rows["scope2_market"]
    assert market["certificates"] < 0 and market["green_power"] < 0 and rows["scope2_location"]["certificates"] == 0
    assert t("drv.certificates", lang) in market["sentence"]


def test_workbook_has_regimes_and_drivers(demo: Demo, tmp_path: Path) -> None:
    path = write_inventory_xlsx(demo.data, demo.inventories, demo.year, demo.comparison, tmp_path / "i.xlsx",
                                lang="en")
    wb = load_workbook(path)
    ws = wb["核算口径 Regimes"]
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    for r in regime_rows(demo.inventory, "en"):
        shown = [v for v in values if v[0] == r["name"] and v[1] == r["edition"] and isinstance(v[3], float)]
        assert len(shown) == len(r["figures"])
    drivers = [[c.value for c in row] for row in wb["变化原因 Drivers"].iter_rows(min_row=2)]
    assert any(re.match(r"Total GHG emissions (fell|rose) by", str(v[-1])) for v in drivers)
