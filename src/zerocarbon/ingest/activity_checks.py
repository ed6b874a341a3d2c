"""Checks of an activity-data file that need more than one field, run before the model's validation.

The model (:class:`~zerocarbon.model.inventory_input.InventoryInput`) checks references only when
every field is valid; these checks run on the raw data, so that a file with a bad number and a
duplicate id reports both in one run. They also read every number, period and unit with the rules
of :mod:`zerocarbon.ingest.cells` and :mod:`zerocarbon.units` (a YAML ``1,5`` or ``1E+400`` is
refused as in Excel), and name the row or entry where a duplicate id was first used.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from zerocarbon.errors import UnitError
from zerocarbon.ingest.cells import CellProblem, parse_number, parse_period
from zerocarbon.ingest.columns import choices
from zerocarbon.ingest.problems import Key, Problems, choice_list, field_path, shown, translate
from zerocarbon.model.inventory_input import InventoryInput
from zerocarbon.units import parse_unit

_NUMBERS = {
    "activity": ("amount", "uncertainty_pct", "purity", "calcination_fraction"),
    "production": ("amount",),
    "certificates": ("mwh",),
}
_PERIODS = {"activity": ("period",), "production": ("period",), "certificates": ("generation_period", "retired_for")}
_MAX_DEPTH = 20


def _entries(raw: dict[str, Any], section: str) -> Iterator[tuple[int, dict[str, Any]]]:
    items = raw.get(section)
    if isinstance(items, list):
        for i, entry in enumerate(items):
            if isinstance(entry, dict):
                yield i, entry


def _place(problems: Problems, key: Key, lang: str) -> str:
    where = problems.locate(key)
    if where.get("row") is not None:
        return f"第 {where['row']} 行" if lang == "zh" else f"row {where['row']}"
    return field_path(key)


def _text(value: Any) -> str | None:
    return str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else None


def check_strings(raw: Any, problems: Problems) -> None:
    """Text a file cannot hold (lone surrogates) and nesting no activity file has, named by path."""
    stack: list[tuple[Key, Any]] = [((), raw)]
    while stack:
        key, value = stack.pop()
        if len(key) > _MAX_DEPTH:
            problems.add(key[:_MAX_DEPTH], "嵌套层次过深", f"nested deeper than {_MAX_DEPTH} levels")
            continue
        if isinstance(value, str) and any(0xD800 <= ord(c) <= 0xDFFF for c in value):
            problems.add(key, "文本含有无效字符（孤立的代理码位）",
                         "the text holds an invalid character (a lone surrogate)")
        elif isinstance(value, dict):
            for k, v in value.items():
                if isinstance(k, str) and any(0xD800 <= ord(c) <= 0xDFFF for c in k):
                    problems.add((*key, "?"), "字段名含有无效字符", "a field name holds an invalid character")
                    continue
                stack.append(((*key, k), v))
        elif isinstance(value, list):
            stack.extend(((*key, i), v) for i, v in enumerate(value))


def check_fields(raw: dict[str, Any], problems: Problems) -> None:
    """Numbers, periods and units of every entry, read with the importer's rules."""
    for section, keys in _NUMBERS.items():
        for i, entry in _entries(raw, section):
            for name in keys:
                if entry.get(name) is not None and not isinstance(entry.get(name), dict | list):
                    try:
                        parse_number(entry[name])
                    except CellProblem as exc:
                        problems.add((section, i, name), exc.zh, exc.en)
            for name in _PERIODS[section]:
                if entry.get(name) is not None and not isinstance(entry.get(name), dict | list):
                    try:
                        parse_period(entry[name])
                    except CellProblem as exc:
                        problems.add((section, i, name), exc.zh, exc.en)
    tiers = choices("data_quality")
    for i, line in _entries(raw, "activity"):
        tier = line.get("data_quality")
        if isinstance(tier, str) and tier.strip() and tier.strip() not in tiers:
            problems.add(("activity", i, "data_quality"),
                         f"数据质量 “{shown(tier)}” 不是可选的值；可填：{choice_list('data_quality', 'zh')}",
                         f"data quality '{shown(tier)}' is not one of the choices; write one of: "
                         f"{', '.join(tiers)}")
        units: list[tuple[Key, Any]] = [(("activity", i, "unit"), line.get("unit"))]
        measured = line.get("measured")
        if isinstance(measured, dict):
            units += [(("activity", i, "measured", p, "unit"), m.get("unit")) for p, m in measured.items()
                      if isinstance(m, dict)]
        for key, unit in units:
            if isinstance(unit, str) and unit.strip():
                try:
                    parse_unit(unit)
                except UnitError as exc:
                    problems.add_error(key, exc)


def check_references(raw: dict[str, Any], problems: Problems) -> None:
    """Duplicate ids (naming their first use), undeclared facilities and products, product units."""
    factory = raw.get("factory") if isinstance(raw.get("factory"), dict) else {}
    assert isinstance(factory, dict)
    facilities = {t for _, f in _entries(factory, "facilities") if (t := _text(f.get("id")))}
    products = {t: _text(p.get("unit")) for _, p in _entries(factory, "products") if (t := _text(p.get("id")))}
    first: dict[str, int] = {}
    for i, line in _entries(raw, "activity"):
        line_id = _text(line.get("id"))
        if line_id:
            if line_id in first:
                key = ("activity", first[line_id])
                problems.add(("activity", i, "id"),
                             f"编号 “{line_id}” 重复：{_place(problems, key, 'zh')} 已使用该编号",
                             f"id '{line_id}' is used twice: first in {_place(problems, key, 'en')}")
            else:
                first[line_id] = i
        facility = _text(line.get("facility"))
        if facility and isinstance(factory.get("facilities"), list) and facility not in facilities:
            shown_list = "、".join(sorted(facilities)[:10])
            problems.add(("activity", i, "facility"), f"设施 “{facility}” 未在“设施”表中声明（已声明：{shown_list}）",
                         f"facility '{facility}' is not declared (declared: {', '.join(sorted(facilities)[:10])})")
    for i, rec in _entries(raw, "production"):
        product = _text(rec.get("product"))
        if product and product not in products:
            problems.add(("production", i, "product"), f"产品 “{product}” 未在“产品”表中声明",
                         f"product '{product}' is not declared")
        elif product and products[product] and _text(rec.get("unit")) not in (None, products[product]):
            problems.add(("production", i, "unit"),
                         f"单位 “{_text(rec.get('unit'))}” 与产品 {product} 的产量单位 “{products[product]}” 不同",
                         f"unit '{_text(rec.get('unit'))}' differs from the output unit '{products[product]}' "
                         f"of product {product}")
    serials: dict[str, int] = {}
    for i, cert in _entries(raw, "certificates"):
        serial = _text(cert.get("serial"))
        if serial and serial in serials:
            key = ("certificates", serials[serial])
            problems.add(("certificates", i, "serial"),
                         f"绿证 “{serial}” 重复（重复计算）：{_place(problems, key, 'zh')} 已列出",
                         f"certificate '{serial}' appears twice (double counting): first in "
                         f"{_place(problems, key, 'en')}")
        elif serial:
            serials[serial] = i


def _enum_key(key: Key) -> str | None:
    if not key:
        return None
    if key[0] == "settings" and len(key) >= 2:
        return f"settings.{key[1]}"
    parts = [str(p) for p in key if not isinstance(p, int)]
    return parts[-1] if parts else None


def error_key(loc: tuple[Any, ...], msg: str) -> tuple[Key, str]:
    """Point an error at its field: model-level checks start their message with a path (see the model)."""
    import re

    text = msg.removeprefix("Value error, ")
    section = re.match(r"^([a-z_]+)\[(\d+)\]\.([a-z_.]+): (.*)$", text, re.S)
    if section:
        name, number, field_name, rest = section.groups()
        return (*loc, name, int(number) - 1, *field_name.split(".")), rest
    field_only = re.match(r"^([a-z_.]+): (.*)$", text, re.S)
    if field_only:
        return (*loc, *field_only.group(1).split(".")), field_only.group(2)
    return loc, text


def _unencodable(value: Any, key: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Places of text that cannot be encoded (a lone surrogate such as ``\\ud800`` from JSON escapes)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return [key]
        return []
    if isinstance(value, dict):
        return [k for name, item in value.items() for k in _unencodable(item, (*key, str(name)))]
    if isinstance(value, list):
        return [k for i, item in enumerate(value) for k in _unencodable(item, (*key, i))]
    return []


def validate(raw: dict[str, Any], problems: Problems) -> InventoryInput | None:
    """The model of ``raw``, or None with every one of its problems added (in the user's words)."""
    try:
        bad_text = _unencodable(raw)
    except RecursionError:
        bad_text = []
    if bad_text:
        for key in bad_text:
            problems.add(key, "文本含有无法编码的字符（孤立的代理码位，如 \\ud800）",
                         "the text holds a character that cannot be encoded (a lone surrogate such as \\ud800)")
        return None
    try:
        return InventoryInput.model_validate(raw)
    except RecursionError:
        problems.add(("nesting",), "嵌套层次过深", "nested too deeply")
    except ValidationError as exc:
        for error in exc.errors():
            key, msg = error_key(tuple(error["loc"]), str(error["msg"]))
            if msg != error["msg"]:
                error = {**error, "msg": msg, "type": "value_error"}
            zh, en = translate(dict(error), key, _enum_key(key))
            problems.add(key, zh, en)
    return None
