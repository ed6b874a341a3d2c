"""One language per page: the reports, the command line's outputs and validation messages of the sample
factory, in Chinese and in English, hold no words of the other language, no machine paths, no float noise.

What a page may still hold of the other language is named here, not hidden:

* in English pages, the factory's own words where it wrote them in Chinese only (:func:`_own_texts`: its
  registered name, address and contacts, names without an English one, the sources and evidence it names for
  its data — printed as the factory wrote them, never translated by us), Chinese document numbers and clause
  marks of standards (发改环资〔2025〕910号, 附件4 二(二)3①, 附件3 二.2, 表C.1) and ids of factor rows that
  carry a region (``elec.electricity_grid_average.江苏.2023.mee-2025-47``);
* in Chinese pages, units, codes, ids and proper names (:data:`ZH_ALLOWED`);
* in both, text inside an element marked with the other language's ``lang`` attribute: quoted document
  titles, clauses and source notes of factors (``factors/data/*.csv``) and regimes, as published or as
  stored, each run of the other language marked (``reports.content.quoted``), never passed off as the
  page's language. Our own prose — the engine's formulas, notes, trace values and uncertainty bases
  (``accounting/phrases.py``), the regimes' rules and notes (``value_zh``/``note_zh`` of ``regimes.yaml``) —
  is always in the page's language. :func:`test_marked_foreign_text_stays_in_its_places` keeps the quotes
  to the places that cite sources.
"""

from __future__ import annotations

import re
import string
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, Field, ValidationError
from tests.reports.conftest import Demo
from typer.testing import CliRunner

from zerocarbon.accounting.notices import NOTICES, Notice, prose
from zerocarbon.accounting.phrases import TRACE
from zerocarbon.cli.main import app
from zerocarbon.ingest.problems import SIMPLE, translate
from zerocarbon.model.inventory_input import ActivityLine
from zerocarbon.model.vocabulary import PARAMETERS, item_label, parameter_label, place_label
from zerocarbon.reports.content import fmt_trace, store_label
from zerocarbon.reports.efficiency import render_efficiency_html
from zerocarbon.reports.html import render_inventory_html
from zerocarbon.units import unit_label

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
#: Chinese allowed in English pages: document numbers (…〔2025〕910号), clause marks of Chinese standards.
EN_ALLOWED = re.compile(r"[\u3400-\u9fff]*〔\d{4}〕\d+号|附件\s*\d+[^\s,;)]*|表\s*[A-Z]?\.?\d[\w.]*"
                        r"|[一二三四五六七八九十]+\([一二三四五六七八九十]+\)[^\s,;\]]*"
                        r"|(?<![\u3400-\u9fff])[一二三四五六七八九十]+(?:\.\d+)?(?![\u3400-\u9fff])"
                        r"|\b[\w-]+(?:\.[\w-]+)*\.[\u3400-\u9fff]+\.[\w.-]+")
#: English allowed in Chinese pages: units, codes, ids, proper names of standards, organisations and tools.
ZH_ALLOWED = (
    "GHG Protocol", "English version", "IPCC", "GB/T", "Monte Carlo", "Scope", "Plotly", "zerocarbon",
    "Nm", "kWh", "MWh", "tCO2e", "tCO2", "tce", "kgce", "GJ", "pack",
)
#: Two or more English words in a row (letters only; codes such as DSL-FL-01 or AR6 are not words).
EN_RUN = re.compile(r"\b[A-Za-z][a-z]+(?:[ ,]+[A-Za-z][a-z]+)+\b")
MACHINE = re.compile(r"/tmp/|/work/|/home/|sqlite:|file://|[A-Za-z]:\\\\")
#: A decimal with 8 or more significant digits after the point (0.0000067491 is 5; 11.306261995 is 9).
NOISE = re.compile(r"(?<![\w.])\d+\.0*([1-9]\d{7,})\b")


class _Text(HTMLParser):
    """The visible text of a page, apart from text inside an element whose ``lang`` differs from the page's."""

    def __init__(self, page_lang: str) -> None:
        super().__init__()
        self.page_lang, self.stack, self.skip, self.texts, self.marked = page_lang, [], 0, [], []
        self.section = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "meta", "link", "img", "input", "hr", "col", "wbr"):
            return
        a = dict(attrs)
        if tag == "section" and a.get("id"):
            self.section = a["id"] or ""
        foreign = tag in ("script", "style") or (a.get("lang") not in (None, "") and
                                                  not str(a["lang"]).startswith(self.page_lang) and tag != "html")
        if foreign and tag not in ("script", "style"):
            self.marked.append(self.section)
        self.stack.append((tag, foreign))
        self.skip += foreign

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            name, foreign = self.stack.pop()
            self.skip -= foreign
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.skip and data.strip():
            self.texts.append(data.strip())


def visible(html: str, lang: str) -> _Text:
    parser = _Text("zh" if lang == "zh" else "en")
    parser.feed(html)
    return parser


def problems(texts: list[str], lang: str, allowed_cjk: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """Every piece of text that breaks the page's language, carries a machine path or float noise."""
    found: list[str] = []
    for text in texts:
        if MACHINE.search(re.sub(r"https?://\S+", "", text)):
            found.append(f"path: {text[:120]}")
        if NOISE.search(text):
            found.append(f"noise: {text[:120]}")
        if lang == "en":
            rest = EN_ALLOWED.sub("", text)
            for name in sorted(allowed_cjk, key=len, reverse=True):
                rest = rest.replace(name, "")
            if CJK.search(rest):
                found.append(f"zh in en: {text[:120]}")
        else:
            rest = text
            for word in ZH_ALLOWED:
                rest = rest.replace(word, "")
            rest = re.sub(r"https?://\S+", "", rest)
            run = EN_RUN.search(rest)
            if run:
                found.append(f"en in zh: {run.group(0)!r} in {text[:120]}")
    return found


# -- the reports ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pages(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("language")
    return {lang: render_inventory_html(demo.data, demo.inventories, demo.year, demo.comparison, out, lang)
            .read_text(encoding="utf-8") for lang in ("zh", "en")}


def _own_texts(demo: Demo) -> set[str]:
    """The factory's own words written in Chinese only, shown as written in English pages: names without an
    English one, its registered name (printed beside the English one in the entity block), its address,
    industry and people, and the sources and evidence it names for its data."""
    factory = demo.data.factory
    texts = {f.name_zh for f in factory.facilities if not f.name_en}
    texts |= {p.name_zh for p in factory.products if not p.name_en} | {factory.name_zh}
    texts |= {str(getattr(factory, k) or "") for k in ("industry", "address", "legal_representative",
                                                       "contact_person", "preparer")}
    for line in demo.data.activity:
        texts |= {line.source or "", line.evidence or "", line.declared_source or ""}
    return {text for text in texts if CJK.search(text)}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_inventory_report_is_in_one_language(pages: dict[str, str], demo: Demo, lang: str) -> None:
    found = problems(visible(pages[lang], lang).texts, lang, _own_texts(demo) if lang == "en" else set())
    assert not found, f"{len(found)} problems in the {lang} report:\n" + "\n".join(found[:40])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_has_no_paths_or_noise(pages: dict[str, str], lang: str) -> None:
    found = [p for p in problems(visible(pages[lang], lang).texts, lang) if p.startswith(("path", "noise"))]
    assert not found, "\n".join(found[:20])


def test_marked_foreign_text_stays_in_its_places(pages: dict[str, str]) -> None:
    """Text marked as the other language appears only where sources and the engine's trace are quoted."""
    for lang in ("zh", "en"):
        places = set(visible(pages[lang], lang).marked)
        # "": the link to the other language's page, before the first section
        assert places <= {"", "factors", "regimes", "trace", "metering"}, places


def test_report_names_units_places_parameters_and_the_store_in_its_language(pages: dict[str, str]) -> None:
    zh, en = pages["zh"], pages["en"]
    assert "wan_Nm3" not in zh and "wan_Nm3" not in en and ">dimensionless<" not in zh
    assert "万Nm³" in zh and "10⁴ Nm³" in en
    assert "江苏" in zh and "Jiangsu" in en and "East China" in en
    assert "低位发热量" in zh and "net calorific value" in en
    assert "柴油 · 低位发热量" in zh and "Diesel · net calorific value" in en


def test_warnings_are_rendered_from_codes(demo: Demo, pages: dict[str, str]) -> None:
    inv = demo.inventory
    notices = [w for w in inv.warnings if isinstance(w, Notice)]
    assert notices and len(notices) == len(inv.warnings)  # every engine warning has a code
    for n in notices:
        assert n.code in NOTICES
        assert n.text("zh") in pages["zh"].replace("&lt;", "<").replace("&gt;", ">")
        assert not EN_RUN.search(re.sub(r"[\w.-]*\d[\w.-]*|https?://\S+", "", n.text("zh")).replace("Protocol", "")) \
            or "GHG" in n.text("zh")
        assert n.to_dict()["zh"] == n.text("zh") and n.to_dict()["en"] == str(n)
    assert inv.to_dict()["notices"][0]["code"] == notices[0].code


def test_engine_prose_has_both_texts_with_the_same_parameters() -> None:
    """Every code of the warnings' and the trace's catalogues reads in Chinese (no English phrase) and names
    the same parameters in both languages."""
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    for code, label in {**NOTICES, **TRACE}.items():
        assert fields(label.zh) == fields(label.en), code
        zh = label.zh
        for word in ZH_ALLOWED:
            zh = zh.replace(word, "")
        assert not EN_RUN.search(re.sub(r"\{\w+\}", "", zh)), (code, label.zh)


def test_trace_texts_follow_the_page(demo: Demo) -> None:
    """A figure's formula, note and word values are codes rendered per language, the English as before."""
    line = next(r for r in demo.inventory.lines if r.figures["location"].intermediates.get("factor_choice"))
    fig = line.figures["location"]
    choice = fig.intermediates["factor_choice"]
    assert isinstance(choice, Notice) and "数据年份" in choice.text("zh") and "of data year" in choice
    assert fig.to_dict()["zh"]["intermediates"]["factor_choice"] == choice.text("zh")
    part = line.uncertainty_parts[0]
    assert "数据质量等级" in prose(part.basis, "zh") and "data-quality tier" in prose(part.basis, "en")


@pytest.fixture(scope="module")
def diagnosis(sample_path: Path) -> dict[str, Any]:
    from zerocarbon.services.demo.main import SAMPLE_EQUIPMENT
    from zerocarbon.services.efficiency.runs import diagnose_files

    return diagnose_files(SAMPLE_EQUIPMENT, sample_path, None).to_dict()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_efficiency_report_is_in_one_language(diagnosis: dict[str, Any], tmp_path: Path, lang: str) -> None:
    html = render_efficiency_html(diagnosis, tmp_path, lang).read_text(encoding="utf-8")
    own = {d["name"] for d in diagnosis["devices"]} | {diagnosis["factory"]["name_zh"]}
    found = problems(visible(html, lang).texts, lang, own if lang == "en" else set())
    assert not found, "\n".join(found[:30])


# -- the vocabulary ------------------------------------------------------------------------------

def test_unit_labels() -> None:
    assert unit_label("GJ/wan_Nm3", "zh") == "GJ/万Nm³" and unit_label("GJ/wan_Nm3", "en") == "GJ/10⁴ Nm³"
    assert unit_label("万Nm3", "en") == "10⁴ Nm³" and unit_label("dimensionless", "zh") == "无量纲"
    assert unit_label("", "en") == "dimensionless" and unit_label("percent", "zh") == "%"
    assert unit_label("tCO2/MWh", "zh") == "tCO2/MWh" and unit_label("pack", "en") == "pack"


def test_every_province_and_grid_region_has_both_labels() -> None:
    provinces = [
        "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江",
        "上海", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南",
        "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州",
        "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆",
    ]
    assert len(provinces) == 31
    for name in (*provinces, "华北", "东北", "华东", "华中", "西北", "南方", "西南", "CN"):
        en = place_label(name, "en")
        assert not CJK.search(en) and en != name, name
    assert place_label("CN", "zh") == "全国" and place_label("华东", "en") == "East China"


def test_parameters_and_items_have_both_labels() -> None:
    for key in PARAMETERS:
        assert CJK.search(parameter_label(key, "zh")) and not CJK.search(parameter_label(key, "en"))
    assert item_label("diesel", "zh") == "柴油"
    assert item_label("electricity_grid_average", "en") == "Grid average electricity"


def test_trace_numbers_and_store_are_for_reading() -> None:
    assert fmt_trace("= 11.30626199554133333333333333") == "= 11.306262"
    assert fmt_trace("0.0000067491 t") == "0.0000067491 t" and fmt_trace("2.5") == "2.5"
    assert store_label("sqlite:////tmp/x/zerocarbon.db", "zh") == "内置数据库 (zerocarbon.db)"
    assert store_label("postgresql+psycopg://u:secret@host/db", "en") == "database server (postgresql)"


# -- validation messages -------------------------------------------------------------------------

class _Probe(BaseModel):
    text: str = Field(max_length=3)
    code: str = Field(pattern=r"^[A-Z]+$")
    items: list[int] = Field(min_length=1, max_length=2)
    whole: int = 0
    when: __import__("datetime").date | None = None


@pytest.mark.parametrize(("data", "key", "zh", "en"), [
    ({"text": "abcd", "code": "A", "items": [1]}, ("text",), "太长", "too long"),
    ({"text": "a", "code": "a1", "items": [1]}, ("code",), "格式不对", "wrong form"),
    ({"text": "a", "code": "A", "items": []}, ("items",), "至少应有 1 项", "at least 1"),
    ({"text": "a", "code": "A", "items": [1, 2, 3]}, ("items",), "最多 2 项", "at most 2"),
    ({"text": "a", "code": "A", "items": [1], "whole": 1.5}, ("whole",), "整数", "whole number"),
    ({"text": "a", "code": "A", "items": [1], "when": "2023-13-45"}, ("when",), "不是日期", "not a date"),
])
def test_pydantic_errors_in_both_languages(data: dict[str, object], key: tuple[str, ...], zh: str, en: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _Probe.model_validate(data)
    error = next(e for e in caught.value.errors() if e["loc"][: len(key)] == key)
    assert error["type"] in SIMPLE or error["type"] == "int_from_float"
    got_zh, got_en = translate(dict(error), key, None)
    assert zh in got_zh and en in got_en and not EN_RUN.search(got_zh), (got_zh, got_en)


def test_literal_error_names_the_choices_in_the_users_language() -> None:
    base = {"id": "L1", "facility": "F", "category": "fuel", "period": "2023", "amount": "1", "unit": "t"}
    with pytest.raises(ValidationError) as caught:
        ActivityLine.model_validate(base)
    error = next(e for e in caught.value.errors() if e["loc"] == ("category",))
    zh, en = translate(dict(error), ("category",), None)
    assert "燃料燃烧" in zh and "过程排放-碳酸盐" in zh and "fuel_combustion" not in zh
    assert "Fuel combustion" in en and not CJK.search(en.replace("“fuel”", ""))


@pytest.mark.parametrize(("value", "zh", "en"), [("abc", "不是数字", "not a number"), ("", "为空", "empty")])
def test_number_errors_in_both_languages(value: str, zh: str, en: str) -> None:
    base = {"id": "L1", "facility": "F", "category": "fuel_combustion", "item": "diesel", "period": "2023",
            "amount": value, "unit": "t"}
    with pytest.raises(ValidationError) as caught:
        ActivityLine.model_validate(base)
    error = next(e for e in caught.value.errors() if e["loc"] == ("amount",))
    got_zh, got_en = translate(dict(error), ("amount",), None)
    assert zh in got_zh and en in got_en and not EN_RUN.search(got_zh)


def test_an_unknown_error_is_still_in_the_users_language() -> None:
    zh, en = translate({"type": "something_new", "msg": "Something new went wrong"}, ("x",), None)
    assert zh.startswith("数据不符合要求") and "Something new went wrong" in zh and en.startswith("invalid data")


# -- the command line ----------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cli_outputs_are_in_one_language(lang: str, sample_path: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    run = runner.invoke(app, ["inventory", "run", str(sample_path), "--lang", lang, "--out", "out"],
                        env={"COLUMNS": "200"})
    assert run.exit_code == 0, run.output
    texts = [line.strip(" │┃!").strip() for line in run.output.splitlines()]
    texts = [t.replace(str(sample_path), "") for t in texts if t]
    names = {"江苏示例锂电池包制造有限公司（合成示例）"} if lang == "en" else set()
    found = problems(texts, lang, names)
    assert not found, "\n".join(found[:30])


@pytest.mark.parametrize(("lang", "word"), [("zh", "错误"), ("en", "error")])
def test_cli_refusal_is_in_the_users_language(lang: str, word: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("factory: {id: f, name_zh: 厂, province: 江苏}\nactivity:\n  - {id: L1, facility: f, category: fuel,"
                   " item: diesel, period: '2023', amount: abc, unit: t}\n", encoding="utf-8")
    run = CliRunner().invoke(app, ["inventory", "run", str(bad), "--lang", lang])
    assert run.exit_code == 2
    text = run.output.replace(str(bad), "")
    assert word in text
    if lang == "en":
        assert not CJK.search(EN_ALLOWED.sub("", text).replace("厂", "").replace("江苏", "")), text
    else:
        assert not EN_RUN.search(text.replace("bad.yaml", "")), text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cli_efficiency_is_in_one_language(lang: str, sample_path: Path, diagnosis: dict[str, Any]) -> None:
    from zerocarbon.services.demo.main import SAMPLE_EQUIPMENT

    run = CliRunner().invoke(app, ["efficiency", "diagnose", str(SAMPLE_EQUIPMENT), "--inventory", str(sample_path),
                                   "--lang", lang], env={"COLUMNS": "240"})
    assert run.exit_code == 0, run.output
    texts = [line.strip(" │┃").strip() for line in run.output.splitlines() if line.strip(" │┃━┏┓┗┛┡┩└┘─┌┐")]
    own = {d["name"] for d in diagnosis["devices"]} if lang == "en" else set()
    found = problems(texts, lang, own)
    assert not found, "\n".join(found[:30])
