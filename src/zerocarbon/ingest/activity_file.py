"""Read a factory's activity-data file (YAML, JSON or the Excel template) into one model.

Every problem raises :class:`~zerocarbon.errors.InputError` naming the file, sheet, row and field;
nothing is silently defaulted. The location of every activity line is returned alongside, so that
the accounting engine can point at the cell when a factor or unit problem surfaces later.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from zerocarbon.errors import InputError
from zerocarbon.ingest.columns import (
    ACTIVITY,
    BOOL_FALSE,
    BOOL_TRUE,
    FACTORY_FIELDS,
    FACTORY_SHEET,
    MEASURED,
    TABLE_SHEETS,
    Column,
    Sheet,
    enum_value,
)
from zerocarbon.model.inventory_input import InventoryInput

Location = dict[str, Any]


@dataclass
class LoadedInput:
    """The parsed input and where each part came from."""

    data: InventoryInput
    path: Path
    locations: dict[str, Location] = field(default_factory=dict)  # activity line id → file/sheet/row


def load_activity_file(path: str | Path) -> LoadedInput:
    """Read ``path`` (``.yaml``/``.yml``/``.json``/``.xlsx``) into an :class:`InventoryInput`."""
    file = Path(path)
    if not file.exists():
        raise InputError(f"找不到文件 {file}", f"file {file} does not exist", file=str(file))
    suffix = file.suffix.lower()
    if suffix in (".yaml", ".yml", ".json"):
        return _load_structured(file)
    if suffix in (".xlsx", ".xlsm"):
        return _load_workbook(file)
    raise InputError(f"不支持的文件类型 {suffix}", f"unsupported file type {suffix}", file=str(file),
                     expected=".yaml, .yml, .json or .xlsx")


# ---------------------------------------------------------------------------------------- YAML/JSON
def _read_text(file: Path) -> str:
    """The file's text: UTF-8 (with or without BOM), else GB18030 (what Chinese Windows editors save)."""
    data = file.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("文件不是 UTF-8 或 GB18030 编码的文本", "the file is not text in UTF-8 or GB18030",
                     file=str(file))


def _load_structured(file: Path) -> LoadedInput:
    text = _read_text(file)
    try:
        # Numbers are read as text first so they reach Decimal without a float detour.
        raw = json.loads(text, parse_float=str) if file.suffix.lower() == ".json" else yaml.load(text, _DecimalLoader)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        raise InputError(f"文件格式错误：{exc}", f"malformed file: {exc}", file=str(file)) from exc
    if not isinstance(raw, dict):
        raise InputError("文件顶层应为映射（字典）", "the top level must be a mapping", file=str(file))
    for key in ("activity", "certificates"):
        if raw.get(key) is not None and not isinstance(raw[key], list):
            raise InputError(f"{key} 应为列表", f"'{key}' must be a list of entries, not {type(raw[key]).__name__}",
                             file=str(file), field=key)
    activity = raw.get("activity") or []
    locations = {str(a.get("id")): {"file": str(file), "sheet": None, "row": None, "entry": f"activity[{i + 1}]"}
                 for i, a in enumerate(activity) if isinstance(a, dict)}
    for i, c in enumerate(raw.get("certificates") or []):
        if isinstance(c, dict):
            locations[f"certificate:{c.get('serial')}"] = {"file": str(file), "sheet": None, "row": None,
                                                           "entry": f"certificates[{i + 1}]"}
    data = _validate(raw, file, lambda loc: (None, None))
    return LoadedInput(data, file, locations)


class _DecimalLoader(yaml.SafeLoader):
    """YAML loader that keeps floats as their text (the model parses them into Decimal)."""


def _float_as_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _float_as_text)


_SECTION_PATH = re.compile(r"^([a-z_]+)\[(\d+)\]\.([a-z_.]+): (.*)$", re.S)
_FIELD_PATH = re.compile(r"^([a-z_.]+): (.*)$", re.S)


def _error_location(loc: tuple[Any, ...], msg: str) -> tuple[tuple[Any, ...], str]:
    """Point an error at its field: model-level checks start their message with a path (see the model)."""
    text = msg.removeprefix("Value error, ")
    section = _SECTION_PATH.match(text)
    if section:
        name, number, field_name, rest = section.groups()
        return (*loc, name, int(number) - 1, *field_name.split(".")), rest
    field_only = _FIELD_PATH.match(text)
    if field_only:
        return (*loc, *field_only.group(1).split(".")), field_only.group(2)
    return loc, text


def _validate(raw: dict[str, Any], file: Path, where: Any) -> InventoryInput:
    try:
        return InventoryInput.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        loc, msg = _error_location(tuple(first["loc"]), str(first["msg"]))
        sheet, row = where(loc)
        field_path = "".join(f"[{p + 1}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".") or None
        more = len(errors) - 1
        raise InputError(
            f"数据无效：{msg}" + (f"（另有 {more} 处错误）" if more else ""),
            f"invalid data: {msg}" + (f" ({more} more errors)" if more else ""),
            file=str(file), sheet=sheet, row=row, field=field_path,
            details={"errors": [{"loc": list(e["loc"]), "msg": e["msg"]} for e in errors]},
        ) from exc


# ---------------------------------------------------------------------------------------- Excel
def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m")
    if isinstance(value, float):
        return repr(value)
    return str(value).strip()


def _convert(column: Column, value: Any, where: Location) -> Any:
    text = _cell_text(value)
    if column.kind == "number":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        try:
            return Decimal(text.replace(",", ""))
        except ArithmeticError as exc:
            raise InputError(f"“{text}” 不是数字", f"'{text}' is not a number", field=column.zh,
                             expected="a number", **where) from exc
    if column.kind == "bool":
        low = text.lower()
        if isinstance(value, bool):
            return value
        if low in BOOL_TRUE:
            return True
        if low in BOOL_FALSE:
            return False
        raise InputError(f"“{text}” 不是 是/否", f"'{text}' is not yes/no", field=column.zh, expected="是 | 否",
                         **where)
    if column.kind == "list":
        return [p.strip() for p in text.split("|") if p.strip()]
    if column.kind == "enum":
        return enum_value(column, text)
    if column.key in ("period", "generation_period", "retired_for") and isinstance(value, int | float):
        return str(int(value))
    return text


def _set(target: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value


def _header_map(sheet: Sheet, header: Iterable[Any], file: Path) -> dict[int, Column]:
    by_label = {c.zh: c for c in sheet.columns} | {c.en: c for c in sheet.columns}
    mapping: dict[int, Column] = {}
    for idx, label in enumerate(header):
        text = _cell_text(label)
        if not text:
            continue
        column = by_label.get(text)
        if column is None:
            raise InputError(f"未知列 “{text}”", f"unknown column '{text}'", file=str(file), sheet=sheet.zh, row=1,
                             field=text, expected="a column of the zerocarbon template (`zerocarbon template`)")
        mapping[idx] = column
    missing = [c.zh for c in sheet.columns if c.required and c not in mapping.values()]
    if missing:
        raise InputError(f"缺少必填列 {missing}", f"missing required columns {missing}", file=str(file),
                         sheet=sheet.zh, row=1, field="、".join(missing))
    return mapping


def _read_table(wb: Any, sheet: Sheet, file: Path) -> tuple[list[dict[str, Any]], list[int], str]:
    name = sheet.zh if sheet.zh in wb.sheetnames else sheet.en if sheet.en in wb.sheetnames else None
    if name is None:
        return [], [], sheet.zh
    rows = list(wb[name].iter_rows(values_only=True))
    if not rows:
        return [], [], name
    mapping = _header_map(sheet, rows[0], file)
    start = 1
    if len(rows) > 1 and all(_cell_text(rows[1][i]) in ("", col.en) for i, col in mapping.items() if i < len(rows[1])) \
            and any(_cell_text(v) for v in rows[1]):
        start = 2  # the template's second header row, in English
    records: list[dict[str, Any]] = []
    row_numbers: list[int] = []
    for offset, values in enumerate(rows[start:], start=start + 1):
        if not any(_cell_text(v) for v in values):
            continue
        where: Location = {"file": str(file), "sheet": name, "row": offset}
        record: dict[str, Any] = {}
        for idx, column in mapping.items():
            value = values[idx] if idx < len(values) else None
            if _cell_text(value) == "":
                continue  # empty cell: the model's default applies, or the required check below fires
            _set(record, column.key, _convert(column, value, where))
        for column in sheet.columns:
            if column.required and not _has(record, column.key):
                raise InputError(f"必填字段 “{column.zh}” 为空", f"required field '{column.en}' is empty",
                                 field=column.zh, expected=column.help_zh or "a value", **where)
        if sheet is ACTIVITY:
            _fold_measured(record)
        records.append(record)
        row_numbers.append(offset)
    return records, row_numbers, name


def _has(record: dict[str, Any], dotted: str) -> bool:
    target: Any = record
    for part in dotted.split("."):
        if not isinstance(target, dict) or part not in target:
            return False
        target = target[part]
    return True


def _fold_measured(record: dict[str, Any]) -> None:
    """Turn the measured-value column pairs into ``measured: {param: {value, unit, evidence}}``."""
    evidence = record.pop("measured_evidence", "")
    measured = record.get("measured", {})
    for key, _, _ in MEASURED:
        if key in measured:
            measured[key]["evidence"] = evidence
    if measured:
        record["measured"] = measured


def _load_workbook(file: Path) -> LoadedInput:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a broken file
        raise InputError(f"无法读取 Excel 文件：{exc}", f"cannot read the workbook: {exc}", file=str(file)) from exc
    raw: dict[str, Any] = {"factory": {}, "settings": {}}
    sheet_name = next((n for n in FACTORY_SHEET if n in wb.sheetnames), None)
    if sheet_name is None:
        raise InputError("缺少工作表 “企业信息”", "missing sheet 'Factory' (企业信息)", file=str(file))
    by_label = {c.zh: c for c in FACTORY_FIELDS} | {c.en: c for c in FACTORY_FIELDS}
    for row_no, values in enumerate(wb[sheet_name].iter_rows(values_only=True), start=1):
        label = _cell_text(values[0]) if values else ""
        if not label or label in ("字段", "Field") or label not in by_label:
            continue
        value = values[2] if len(values) > 2 else None  # columns: 字段 | Field | 值
        if _cell_text(value) == "":
            continue
        column = by_label[label]
        _set(raw, column.key, _convert(column, value, {"file": str(file), "sheet": sheet_name, "row": row_no}))
    rows_of: dict[str, list[int]] = {}
    sheet_names: dict[str, str] = {}
    for sheet in TABLE_SHEETS:
        records, rows, used_name = _read_table(wb, sheet, file)
        rows_of[sheet.key] = rows
        sheet_names[sheet.key] = used_name
        if sheet.key in ("facilities", "products"):
            raw["factory"][sheet.key] = records
        else:
            raw[sheet.key] = records
    wb.close()
    locations = {str(rec.get("id")): {"file": str(file), "sheet": sheet_names["activity"], "row": row}
                 for rec, row in zip(raw.get("activity", []), rows_of["activity"], strict=True)}
    for rec, row in zip(raw.get("certificates", []), rows_of["certificates"], strict=True):
        locations[f"certificate:{rec.get('serial')}"] = {"file": str(file), "sheet": sheet_names["certificates"],
                                                         "row": row}

    def where(loc: tuple[Any, ...]) -> tuple[str | None, int | None]:
        if len(loc) >= 2 and loc[0] in ("activity", "certificates", "production") and isinstance(loc[1], int):
            return sheet_names[str(loc[0])], rows_of[str(loc[0])][loc[1]]
        if len(loc) >= 3 and loc[0] == "factory" and loc[1] in ("facilities", "products") and isinstance(loc[2], int):
            return sheet_names[str(loc[1])], rows_of[str(loc[1])][loc[2]]
        if loc and loc[0] in ("factory", "settings"):
            return sheet_name, None
        return None, None

    return LoadedInput(_validate(raw, file, where), file, locations)
