"""The device sheet of the equipment register (设备台账), read for the store: every problem at once.

Reads the sheet ``设备台账`` of the register template (:mod:`zerocarbon.ingest.equipment_file`; the
other sheets, if present, are not read here), or the ``devices`` list of a YAML/JSON register (a bare
list is accepted too). Row 1 holds the headers — the attribute names, their Chinese labels or the
header words of :mod:`zerocarbon.ingest.equipment_vocab`; a second header row of attribute names (the
template's row 2) is recognised and skipped. Cells may use the Chinese value words (风冷, 变频, 轴流 …).

Unlike the whole-register reader, this one does not stop at the first problem: every bad cell, row and
repeated code is collected and raised together as one :class:`~zerocarbon.errors.InputErrors` naming the
file, sheet, row and field of each (:class:`zerocarbon.ingest.problems.Problems`).
"""

from __future__ import annotations

import io
import json
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from openpyxl import load_workbook
from pydantic import ValidationError

from zerocarbon.energy.equipment import EQUIPMENT, Equipment
from zerocarbon.errors import InputError
from zerocarbon.ingest.equipment_vocab import HEADER_WORDS, value_word
from zerocarbon.ingest.problems import Problems, shown, translate
from zerocarbon.model.entities import Attribute

SHEET = "设备台账"


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _cell(attr: Attribute, raw: Any) -> Any:
    """A cell as the attribute's kind; raises ValueError with (zh, en) as its args."""
    text = _text(raw)
    if text is None:
        return None
    if attr.kind in ("decimal", "integer"):
        if isinstance(raw, bool):
            raise ValueError(f"“{shown(text)}” 不是数字", f"'{shown(text)}' is not a number")
        try:
            # a float cell goes through its shortest repr, never through binary arithmetic
            value = Decimal(repr(raw) if isinstance(raw, float) else text)
        except InvalidOperation:
            value = Decimal("NaN")
        if not value.is_finite():
            raise ValueError(f"“{shown(text)}” 不是数字", f"'{shown(text)}' is not a number")
        if attr.kind == "integer":
            if value != value.to_integral_value():
                raise ValueError(f"“{shown(text)}” 不是整数", f"'{shown(text)}' is not a whole number")
            return int(value)
        return value
    word = value_word(attr.name, text)
    if attr.values and word not in attr.values:
        raise ValueError(f"“{shown(text)}” 不是可选的值；可填：{' | '.join(attr.values)}",
                         f"'{shown(text)}' is not one of the choices; write one of: {' | '.join(attr.values)}")
    return word


def _validate_rows(records: list[tuple[int, dict[str, Any]]], problems: Problems) -> list[Equipment]:
    devices: list[Equipment] = []
    first_row: dict[str, int] = {}
    for index, (row_no, record) in enumerate(records):
        code = record.get("code")
        if isinstance(code, str) and code in first_row:
            problems.add((index, "code"), f"设备编号 {code} 重复（首次出现于第 {first_row[code]} 行）",
                         f"device code {code} repeated (first in row {first_row[code]})", row=row_no,
                         field="code")
            continue
        if isinstance(code, str):
            first_row[code] = row_no
        try:
            devices.append(Equipment.model_validate(record))
        except ValidationError as exc:
            for error in exc.errors():
                loc = tuple(error["loc"])
                field = str(loc[0]) if loc else "?"
                msg = str(error.get("msg", "")).removeprefix("Value error, ")
                if error.get("type") == "value_error" and " / " in msg:  # the model's own "English / 中文"
                    en, zh = msg.split(" / ", 1)
                else:
                    zh, en = translate(dict(error), (index, field), None)
                problems.add((index, field), zh, en, row=row_no, field=field)
    return devices


def _xlsx_records(content: bytes, problems: Problems) -> list[tuple[int, dict[str, Any]]]:
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for bytes that are not a workbook
        raise InputError("无法读取 Excel 文件", f"cannot read the Excel file ({type(exc).__name__})",
                         file=problems.file, expected=".xlsx") from exc
    if SHEET not in wb.sheetnames:
        wb.close()
        raise InputError(f"缺少工作表 {SHEET}", f"sheet {SHEET} is missing", file=problems.file, sheet=SHEET,
                         expected=", ".join(wb.sheetnames))
    rows = list(wb[SHEET].iter_rows(values_only=True))
    wb.close()
    if not rows:
        raise InputError("工作表为空（第1行应为表头）", "the sheet is empty (row 1 holds the headers)",
                         file=problems.file, sheet=SHEET)
    header: dict[int, Attribute] = {}
    for idx, label in enumerate(rows[0]):
        text = _text(label)
        if text is None:
            continue
        attr = HEADER_WORDS.get(text)
        if attr is None:
            problems.add(("header", idx), f"未知列：“{shown(text)}”", f"unknown column '{shown(text)}'", row=1,
                         field=text, expected=", ".join(a.name for a in EQUIPMENT))
        elif attr in header.values():
            problems.add(("header", idx), f"列重复：“{shown(text)}”", f"column repeated: '{shown(text)}'", row=1,
                         field=attr.name)
        else:
            header[idx] = attr
    for a in EQUIPMENT:
        if a.required and a not in header.values():
            problems.add(("header", a.name), "缺少必填列", "required column missing", row=1, field=a.name)
    start = 1
    if len(rows) > 1 and header and all(_text(rows[1][i] if i < len(rows[1]) else None) == a.name
                                        for i, a in header.items()):
        start = 2  # the template's second header row (attribute names)
    records: list[tuple[int, dict[str, Any]]] = []
    for offset, values in enumerate(rows[start:]):
        row_no = start + 1 + offset
        if all(_text(v) is None for v in values):
            continue
        index = len(records)
        record: dict[str, Any] = {}
        for idx, attr in header.items():
            if idx >= len(values):
                continue
            try:
                value = _cell(attr, values[idx])
            except ValueError as exc:
                problems.add((index, attr.name), exc.args[0], exc.args[1], row=row_no, field=attr.name)
                continue
            if value is not None:
                record[attr.name] = value
        records.append((row_no, record))
    return records


def _mapping_records(content: bytes, suffix: str, problems: Problems) -> list[tuple[int, dict[str, Any]]]:
    try:
        text = content.decode("utf-8")
        doc = json.loads(text) if suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise InputError("文件无法解析", f"cannot parse the file ({type(exc).__name__})", file=problems.file) from exc
    items = doc.get("devices") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise InputError("应为设备列表（devices: [...]）", "a list of devices is expected (devices: [...])",
                         file=problems.file, field="devices")
    records: list[tuple[int, dict[str, Any]]] = []
    names = {a.name: a for a in EQUIPMENT}
    for index, item in enumerate(items):
        record: dict[str, Any] = {}
        if not isinstance(item, dict):
            problems.add((index,), "应为映射（字段: 值）", "a mapping (field: value) is expected", row=index + 1)
            records.append((index + 1, record))
            continue
        for key, raw in item.items():
            attr = names.get(str(key))
            if attr is None:
                problems.add((index, str(key)), f"未知字段 “{shown(key)}”", f"unknown field '{shown(key)}'",
                             row=index + 1, field=str(key))
                continue
            try:
                value = _cell(attr, raw)
            except ValueError as exc:
                problems.add((index, attr.name), exc.args[0], exc.args[1], row=index + 1, field=attr.name)
                continue
            if value is not None:
                record[attr.name] = value
        records.append((index + 1, record))
    return records


def read_devices(filename: str, content: bytes) -> list[Equipment]:
    """The devices of a register file (.xlsx: sheet 设备台账; .yaml/.yml/.json: ``devices``).

    Parameters
    ----------
    filename : str
        The name the file is known by (its suffix says how it is read; errors name it).
    content : bytes
        The file.

    Returns
    -------
    list of Equipment
        In the file's order.

    Raises
    ------
    InputError
        The file cannot be read at all; or :class:`~zerocarbon.errors.InputErrors` with every problem
        of every row (file, sheet, row, field, in Chinese and English).
    """
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    is_xlsx = suffix in (".xlsx", ".xlsm")
    sheet = SHEET if is_xlsx else "devices"
    problems = Problems(filename, lambda key: {"sheet": sheet})
    if is_xlsx:
        records = _xlsx_records(content, problems)
    elif suffix in (".yaml", ".yml", ".json"):
        records = _mapping_records(content, suffix, problems)
    else:
        raise InputError(f"不支持的文件类型 {suffix or filename}", f"unsupported file type {suffix or filename}",
                         file=filename, field="file", expected=".xlsx, .yaml, .yml, .json")
    devices = _validate_rows(records, problems)
    problems.raise_if_any()
    return devices

