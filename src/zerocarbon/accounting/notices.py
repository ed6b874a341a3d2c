"""Warnings of an inventory as a code and parameters, rendered in the reader's language.

A :class:`Notice` is what the accounting says a verifier must see (a factor fallback, a claim
removed, a choice of regime off its years …). It is a ``str`` whose value is the English text, so
that every reader that knows warnings as text (JSON, the dashboard, logs, sorting) keeps working;
it also carries ``code`` and ``params``, and :meth:`Notice.text` renders it in Chinese or English
from :data:`NOTICES`, the one catalogue of warning texts. Parameters that are words in both
languages are :class:`~zerocarbon.model.vocabulary.Label`; ids, numbers and units stay as written.

:func:`notice_text` renders any warning, a :class:`Notice` or a plain string some producer still
writes (shown as written).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from zerocarbon.accounting.phrases import TRACE
from zerocarbon.model.vocabulary import COMBUSTION_MODES, Label, item_label, parameter_label, place_label
from zerocarbon.units import unit_label

#: Lines named in full in a warning; more are counted.
MAX_LINES = 6

#: Accounting views as a warning names them.
VIEWS: dict[str, Label] = {
    "gbt32150": Label("GB/T 32150 口径", "the GB/T 32150 view"),
    "location": Label("基于位置的范围二", "location-based scope 2"),
    "market": Label("基于市场的范围二", "market-based scope 2"),
    "ets": Label("全国碳市场口径", "the national ETS view"),
    "zero_carbon": Label("零碳工厂指标口径", "the zero-carbon indicator view"),
}

#: Why a stated electricity factor is refused in a view (indirect.py), per view.
REFUSED_BECAUSE: dict[str, Label] = {
    "location": Label("基于位置的范围二只用电网平均因子（GHG Protocol Scope 2 Guidance 第 6 章）",
                      "location-based scope 2 uses grid-average factors only (GHG Protocol Scope 2 Guidance ch. 6)"),
    "gbt32150": Label("GB/T 32150 口径规定使用公布的电网因子，实测值不能替代",
                      "the GB/T 32150 regime prescribes the published grid factor; a measurement cannot replace it"),
    "ets": Label("碳市场通知规定使用全国电网因子，实测值不能替代",
                 "the ETS notices prescribe the national grid factor; a measurement cannot replace it"),
    "zero_carbon": Label("910号 附件4 二(二)3① 规定了非零电量的因子（全国化石能源电力因子）",
                         "910号 附件4 二(二)3① fixes the factor of non-zero electricity "
                         "(national fossil-power factor)"),
}
REFUSED_OTHERWISE = Label("该口径不允许以实测值替代此参数", "not a parameter this regime lets a measurement replace")

#: Why a claim is removed when the certificates of on-site generation were sold.
SOLD = Label("绿证已出售/转让，该电量的环境属性归持证方，本企业不能再计零或抵扣",
             "certificates sold or transferred: the holder claims this MWh's attribute, the factory cannot also "
             "claim it")

#: code → (zh, en) text with ``{placeholders}`` filled from the notice's parameters.
NOTICES: dict[str, Label] = {
    "gas_not_counted": Label(
        "{item}（{mode}）的 {gases} 未计入：因子库的 {table} 中没有相应因子；请附证明材料给出实测值 {give} [kg/TJ]",
        "{gases} of {item} ({mode}) not counted: no factor in {table} in the library; give {give} [kg/TJ] with "
        "evidence"),
    "certificates_kept_not_stated": Label(
        "未说明厂内发电的绿证是否保留：零排放/上网抵扣暂按保留计（发改能源〔2023〕1044号 规定绿证可交易）",
        "certificates_kept not stated for on-site generation: its zero claim / export credit is kept without "
        "evidence that the factory kept the green certificates (发改能源〔2023〕1044号 makes them tradable)"),
    "inside_meter_not_stated": Label(
        "未说明绿电是否含在结算表计读数内：按表外另计",
        "inside_settlement_meter not stated for green power: counted on top of the metered grid lines (outside "
        "the settlement meter)"),
    "export_credit_removed": Label(
        "{view}（{regime}）取消上网电量抵扣：{why}",
        "export credit removed in {view} ({regime}): {why}"),
    "onsite_zero_removed": Label(
        "{view}（{regime}）取消厂内发电的零排放：{why}",
        "on-site generation's zero claim removed in {view} ({regime}): {why}"),
    "stated_factor_refused": Label(
        "{line}：填报的电力排放因子 {value} {unit} 未在{view}（{regime}）中使用：{why}",
        "{line}: stated electricity factor {value} {unit} not used in {view} ({regime}): {why}"),
    "stated_heat_factor_refused": Label(
        "{line}：填报的热力排放因子未在{view}（{regime}）中使用",
        "{line}: stated heat factor not used in {view} ({regime})"),
    "meter_vs_declared": Label(
        "表计与申报不符：{line} 的表计 {meters} = {meter}，申报 {declared_id} = {declared}（折合 {declared_in}）；"
        "相差 {pct} % > {tolerance} %：采用表计数据",
        "meter vs declared: {line} meters {meters} = {meter}, declared {declared_id} = {declared} ({declared_in}); "
        "differ by {pct} % > {tolerance} %: the meter's figure is used"),
    "regime_off_year": Label(
        "数据年份 {year} 选用了口径 {regime}；该年适用的版本为 {in_force}",
        "regime {regime} chosen for data year {year}; the edition in force for that year is {in_force}"),
    "regime_2025_carried": Label(
        "口径 gbt32150-2025：未读到原文的条款沿用 2015 版约定（在其规则中标为“未知”）",
        "regime gbt32150-2025: clauses not read are carried from the 2015 conventions (marked unknown in its rules)"),
    "green_override": Label(
        "设置改变了 {regime} 对附证明绿电的规则：按{override}计，而该口径规定按{rule}计",
        "settings override the {regime} rule for green power with proof: {override} instead of the regime's "
        "{rule}"),
    "green_inside_meter": Label(
        "绿电 {green}（{mwh} MWh）含在结算表计读数内：已按比例从 {period} 的 {n} 条电网购电行中扣除，不另计",
        "green power {green} ({mwh} MWh) is inside the settlement meter's reading: subtracted from {n} grid "
        "line(s) of {period} pro rata, not added on top"),
    "annual_lines_left_out": Label(
        "{n} 条按全年填报的行不在 {period} 的月度清单中",
        "{n} lines stated for the whole year are not in the {period} inventory"),
    "factor_fallback": Label(
        "因子 {item} / {parameter} 使用替代取值（{fallback}）",
        "factor {item}/{parameter} fallback ({fallback})"),
    "factor_unverified": Label("因子 {factor} 未核实", "factor {factor}: unverified"),
    "factor_conflict": Label("因子 {factor} 的来源不一致，使用了首选行",
                             "factor {factor}: sources disagree; preferred row used"),
    "certificate_excluded": Label("绿证 {serial} 未计入：{reason}", "certificate {serial} not counted: {reason}"),
    "text": Label("（原文）{text}", "{text}"),
    "meters_only": Label(
        "缺少申报数据：仅由计量数据核算；未提供申报数据文件（发票、台账、过程排放源、绿电合同），"
        "没有计量表的排放源不在本清单中",
        "declared data missing: computed from meter data alone; no declared data file (invoices, ledgers, process "
        "sources, green-power contracts) was given, so sources no meter measures are not in this inventory"),
}
#: How the lines a notice concerns are appended.
LINES = Label("——涉及 {n} 行：{ids}", " — {ids}")
ON_OFF = {True: Label("零", "zero"), False: Label("电网因子", "grid factor")}


def _value(value: Any, lang: str) -> str:
    if isinstance(value, Label):
        return value.text(lang)
    if isinstance(value, Notice):
        return value.text(lang)
    if isinstance(value, (list, tuple)):
        sep = "、" if lang == "zh" else ", "
        return sep.join(_value(v, lang) for v in value)
    return str(value)


def _lines_text(lines: Sequence[str], lang: str) -> str:
    ids = ", ".join(lines[:MAX_LINES])
    if len(lines) > MAX_LINES:
        ids += " …" if lang == "zh" else f", … ({len(lines)} lines)"
    return LINES.text(lang).format(n=len(lines), ids=ids)


def render(code: str, params: dict[str, Any], lines: Sequence[str], lang: str) -> str:
    """The text of a notice in ``lang`` (``"zh"``; anything else gives English)."""
    lang = "zh" if lang.lower().startswith("zh") else "en"
    text = (NOTICES.get(code) or TRACE[code]).text(lang).format(**{k: _value(v, lang) for k, v in params.items()})
    return text + (_lines_text(list(lines), lang) if lines else "")


class Notice(str):
    """One warning: its English text as the string, with ``code``, ``params`` and the ``lines`` it concerns.

    Two notices are equal when their English texts are (the inventory groups warnings by cause).
    """

    code: str
    params: dict[str, Any]
    lines: tuple[str, ...]

    def __new__(cls, code: str, params: dict[str, Any] | None = None, lines: Sequence[str] = ()) -> Notice:
        params = dict(params or {})
        obj = super().__new__(cls, render(code, params, lines, "en"))
        obj.code, obj.params, obj.lines = code, params, tuple(lines)
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        return (Notice, (self.code, self.params, self.lines))

    def text(self, lang: str) -> str:
        """The warning in ``lang``.

        The English text is the string itself; the Chinese one is rendered once per notice (a notice is
        never changed once made, and one note or formula is shared by the figures of many lines).
        """
        if not lang.lower().startswith("zh"):
            return str.__str__(self)
        zh: str | None = self.__dict__.get("_zh")
        if zh is None:
            zh = self.__dict__["_zh"] = render(self.code, self.params, self.lines, "zh")
        return zh

    def with_lines(self, lines: Sequence[str]) -> Notice:
        """The same cause, naming the lines it concerns."""
        return Notice(self.code, self.params, lines)

    def to_dict(self) -> dict[str, Any]:
        """Code, parameters (words in both languages), lines and both texts, for JSON."""
        def plain(value: Any) -> Any:
            if isinstance(value, Label):
                return {"zh": value.zh, "en": value.en}
            if isinstance(value, (list, tuple)):
                return [plain(v) for v in value]
            return value if isinstance(value, (str, int, bool)) or value is None else str(value)
        return {"code": self.code, "params": {k: plain(v) for k, v in self.params.items()},
                "lines": list(self.lines), "zh": self.text("zh"), "en": self.text("en")}


def notice_text(warning: str, lang: str) -> str:
    """Any warning in ``lang``: a :class:`Notice` is rendered, a plain string is shown as written."""
    return warning.text(lang) if isinstance(warning, Notice) else warning


def phrase(code: str, **params: Any) -> Notice:
    """A text of the engine's trace (formula, note, a value that is words): a code of
    :data:`zerocarbon.accounting.phrases.TRACE` with its parameters; its string is the English text."""
    return Notice(code, params)


def prose(text: object, lang: str) -> str:
    """A text of the trace in ``lang``: a :class:`Notice` rendered, anything else as written (symbols,
    numbers, ids)."""
    return text.text(lang) if isinstance(text, Notice) else str(text)


def prose_dict(text: object) -> dict[str, str]:
    """A text of the trace in both languages, for JSON (``{"zh": …, "en": …}``)."""
    return {"zh": prose(text, "zh"), "en": prose(text, "en")}


def notices_dict(warnings: Sequence[str]) -> list[dict[str, Any]]:
    """The warnings for JSON: each notice's code, params and both texts; a plain string as its text."""
    return [w.to_dict() if isinstance(w, Notice) else {"code": "text", "params": {}, "lines": [], "zh": w, "en": w}
            for w in warnings]


# -- parameters in both languages ----------------------------------------------------------------

def view(key: str) -> Label:
    """An accounting view as a warning names it (the key itself when unknown)."""
    return VIEWS.get(key, Label(key, key))


def item(key: str) -> Label:
    return Label(item_label(key, "zh"), item_label(key, "en"))


def parameter(key: str) -> Label:
    return Label(parameter_label(key, "zh"), parameter_label(key, "en"))


def mode(key: str) -> Label:
    """A combustion mode, short: the label before its examples (固定源燃烧 / Stationary combustion)."""
    found = COMBUSTION_MODES.get(key)
    if found is None:
        return Label(key, key)
    return Label(found.zh.split("（")[0], found.en.split(" (")[0].lower())


_FALLBACK_PARTS: tuple[tuple[re.Pattern[str], Label], ...] = tuple((re.compile(p), label) for p, label in (
    (r"^preferred (\S+) not valid for data year (\S+) → (\S+)$",
     Label("首选因子 {0} 不适用于数据年份 {1}，改用 {2}", "preferred {0} not valid for data year {1} → {2}")),
    (r"^region (\S+) → (\S+)$", Label("地区 {p0} 无因子，改用 {p1}", "region {p0} → {p1}")),
    (r"^data year (\S+) → (\S+)$", Label("数据年份 {0} 无因子，改用 {1} 年", "data year {0} → {1}")),
    (r"^outside validity: (\S+) valid (.+), data year (\S+) \(accepted\)$",
     Label("超出有效期：{0} 的有效期为 {1}，数据年份 {2}（已按设置接受）",
           "outside validity: {0} valid {1}, data year {2} (accepted)")),
))


def fallback(text: str) -> Label:
    """A factor library's fallback note (``"preferred … → …; region 江苏 → 华东"``) in both languages;
    places are named in each language (华东 / East China)."""
    out: dict[str, list[str]] = {"zh": [], "en": []}
    for part in text.split("; "):
        for pattern, label in _FALLBACK_PARTS:
            found = pattern.match(part)
            if found:
                for lang in out:
                    places = {f"p{i}": place_label(g, lang) for i, g in enumerate(found.groups())}
                    out[lang].append(label.text(lang).format(*found.groups(), **places))
                break
        else:
            out["zh"].append(f"（原文）{part}")
            out["en"].append(part)
    return Label("；".join(out["zh"]), "; ".join(out["en"]))


def quantity(value: Decimal | str, unit: str) -> Notice:
    """An amount with its unit, the unit named in each language (万Nm³ / 10⁴ Nm³)."""
    return phrase("quantity", amount=amount(value), unit=Label(unit_label(unit, "zh"), unit_label(unit, "en")))


def place(name: str) -> Label:
    """A province or grid region in both languages (江苏 / Jiangsu)."""
    return Label(place_label(name, "zh"), place_label(name, "en"))


def amount(value: Decimal | str) -> str:
    """A figure as a warning prints it: as stated, without float noise."""
    return format(value, "f") if isinstance(value, Decimal) else str(value)
