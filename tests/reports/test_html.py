"""The HTML inventory report: headline figures equal the engine's, every factor is listed, no CDN."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from markupsafe import escape

from zerocarbon.errors import InputError
from zerocarbon.reports import render_inventory_html
from zerocarbon.reports.content import TOTALS, distinct_factors
from zerocarbon.reports.i18n import MESSAGES, t

from .conftest import Demo

FILES = {"zh": "inventory_report.zh-CN.html", "en": "inventory_report.en.html"}


@pytest.fixture(scope="module")
def rendered(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("html")
    pages = {}
    for lang in ("zh", "en"):
        path = render_inventory_html(demo.data, demo.inventories, demo.year, demo.comparison, out, lang=lang)
        assert path == out / FILES[lang]
        pages[lang] = path.read_text(encoding="utf-8")
    pages["dir"] = str(out)
    return pages


def shown(value: Decimal) -> str:
    """The engine's figure rounded half-up to 2 decimals, as printed (written out independently of the report)."""
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_headline_totals_equal_engine_rounded(rendered: dict[str, str], demo: Demo, lang: str) -> None:
    html = rendered[lang]
    for key, _view in TOTALS:
        value = getattr(demo.inventory.totals, key)
        row = re.search(rf'<tr id="total-{key}"[^>]*>(.*?)</tr>', html, re.S)
        assert row, key
        cell = re.search(r'<td class="num" data-value="([^"]*)">([^<]*)</td>', row.group(1))
        assert cell, key
        assert Decimal(cell.group(1)) == value          # full precision carried
        assert cell.group(2) == shown(value)            # display rounding only
        assert t(f"total.{key}", lang) in row.group(1)  # each figure labelled …
    assert t("view.gbt32150", lang) in html and t("view.market", lang) in html  # … with its view


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_factor_used_is_in_the_factors_table(rendered: dict[str, str], demo: Demo, lang: str) -> None:
    table = rendered[lang].split('<section id="factors">')[1].split("</section>")[0]
    used = {fv.row.factor_id for r in demo.inventory.lines for fig in r.figures.values()
            for fv in fig.factors if fv.row is not None}
    assert used
    for factor_id in used:
        assert f'data-factor-id="{escape(factor_id)}"' in table, factor_id
    for use in distinct_factors(demo.inventory):
        row = re.search(rf'<tr class="([^"]*)" data-factor-id="{re.escape(str(escape(use.key)))}"', table)
        assert row and ("flagged" in row.group(1)) == use.flagged, use.key


def test_page_is_self_contained_with_plotly_inline_once(rendered: dict[str, str]) -> None:
    """A page copied alone shows its charts: the bundle is inline, once; nothing is loaded from beside it or a CDN."""
    out = Path(rendered["dir"])
    assert [p.name for p in out.iterdir() if p.suffix == ".js"] == []
    for lang in ("zh", "en"):
        html = rendered[lang]
        assert re.findall(r'<script[^>]*\bsrc="([^"]*)"', html) == []
        assert 'src="plotly.min.js"' not in html
        assert html.count('<script id="plotly-js">') == 1 and html.count("Plotly.newPlot") >= 2
        assert len(html.split('<script id="plotly-js">', 1)[1].split("</script>", 1)[0]) > 1_000_000
        assert not re.search(r'<script[^>]*src=["\']?(https?:)?//', html)
        assert 'id="chart-source"' in html and 'id="chart-month"' in html


def test_languages_link_to_each_other(rendered: dict[str, str], demo: Demo) -> None:
    assert '<html lang="zh-CN">' in rendered["zh"] and '<html lang="en">' in rendered["en"]
    assert f'href="{FILES["en"]}"' in rendered["zh"] and f'href="{FILES["zh"]}"' in rendered["en"]
    assert demo.data.factory.name_zh in rendered["zh"]
    assert t("sec.factors", "en") in rendered["en"] and t("sec.factors", "zh") not in rendered["en"]


def test_report_sections_and_content(rendered: dict[str, str], demo: Demo) -> None:
    html = rendered["zh"]
    for sid in ("entity", "boundary", "summary", "breakdowns", "activity", "factors", "instruments",
                "uncertainty", "intensity", "comparison", "warnings", "trace"):
        assert f'<section id="{sid}">' in html, sid
    inv = demo.inventory
    for r in inv.lines:  # every line in the activity table and the trace appendix
        assert f'href="#trace-{escape(r.line.id)}"' in html and f'id="trace-{escape(r.line.id)}"' in html
    for c in inv.certificates_applied + [{"serial": c.serial} for c in inv.certificates_excluded]:
        assert c["serial"] in html
    assert demo.data.factory.credit_code in html
    if demo.data.factory.synthetic:
        assert t("synthetic_banner", "zh") in html
    assert inv.uncertainty is not None and f"{inv.uncertainty.mc_seed}" in html
    assert "@media print" in html and "@page" in html


def test_markup_in_input_is_escaped(demo: Demo, tmp_path: Path) -> None:
    factory = demo.data.factory.model_copy(update={"name_zh": "<script>alert(1)</script>厂"})
    data = demo.data.model_copy(update={"factory": factory})
    html = render_inventory_html(data, demo.inventories, demo.year, None, tmp_path).read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;厂" in html
    assert '<section id="comparison">' not in html  # no comparison given


def test_unknown_year_and_language_are_refused(demo: Demo, tmp_path: Path) -> None:
    with pytest.raises(InputError):
        render_inventory_html(demo.data, demo.inventories, 1999, None, tmp_path)
    with pytest.raises(ValueError):
        render_inventory_html(demo.data, demo.inventories, demo.year, None, tmp_path, lang="fr")


def test_catalogue_is_complete() -> None:
    assert all(set(entry) == {"zh", "en"} and all(entry.values()) for entry in MESSAGES.values())
    assert t("title") == MESSAGES["title"]["zh"] == t("title", "zh-CN")
    with pytest.raises(KeyError):
        t("no.such.key", "en")
