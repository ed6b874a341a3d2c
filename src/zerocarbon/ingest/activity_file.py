"""Read a factory's activity-data file (YAML, JSON or the Excel template) into one model.

Every problem of the file is found in one reading and raised together: one
:class:`~zerocarbon.errors.InputError` when there is one, else :class:`~zerocarbon.errors.InputErrors`
listing each, with file, sheet, row, the column header as the file spells it (or the field path
``activity[3].amount`` in YAML/JSON), the value found and what to write instead, in Chinese and
English. Nothing is silently defaulted, and no other exception escapes for a bad file. The location
of every activity line is returned alongside, so that the accounting engine can point at the cell
when a factor or unit problem surfaces later.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from zerocarbon.errors import InputError
from zerocarbon.ingest.activity_checks import check_fields, check_references, check_strings, validate
from zerocarbon.ingest.cells import CellProblem, cell_text, convert
from zerocarbon.ingest.columns import ACTIVITY, FACTORY_FIELDS, FACTORY_SHEET, MEASURED, TABLE_SHEETS, Column, Sheet
from zerocarbon.ingest.problems import Key, Problems, field_path
from zerocarbon.model.inventory_input import InventoryInput

Location = dict[str, Any]


@dataclass
class LoadedInput:
    """The parsed input and where each part came from."""

    data: InventoryInput
    path: Path
    locations: dict[str, Location] = field(default_factory=dict)  # activity line id → file/sheet/row


def load_activity_file(path: str | Path) -> LoadedInput:
    """Read ``path`` (``.yaml``/``.yml``/``.json``/``.xlsx``) into an :class:`InventoryInput`.

    Raises
    ------
    InputError
        Every problem of the file (an :class:`~zerocarbon.errors.InputErrors` when there are several).
    """
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


def _finish(raw: dict[str, Any], problems: Problems) -> InventoryInput:
    check_strings(raw, problems)
    check_fields(raw, problems)
    check_references(raw, problems)
    data = validate(raw, problems)
    problems.raise_if_any()
    assert data is not None  # validate adds a problem whenever it returns None
    return data


# ---------------------------------------------------------------------------------------- YAML/JSON
def _read_text(file: Path) -> str:
    """The file's text: UTF-8 (with or without BOM), else GB18030 (what Chinese Windows editors save)."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InputError(f"无法读取文件：{exc.strerror}", f"cannot read the file: {exc.strerror}",
                         file=str(file)) from exc
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("文件不是 UTF-8 或 GB18030 编码的文本", "the file is not text in UTF-8 or GB18030",
                     file=str(file), expected="UTF-8 or GB18030 text")


class _DecimalLoader(yaml.SafeLoader):
    """YAML loader that keeps floats as their text (the model parses them into Decimal)."""


def _float_as_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _float_as_text)


def _parse(file: Path, text: str) -> Any:
    try:
        if file.suffix.lower() == ".json":
            # Numbers stay text to reach Decimal without a float; NaN/Infinity stay text to be refused.
            return json.loads(text, parse_float=str, parse_constant=str)
        return yaml.load(text, _DecimalLoader)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else getattr(exc, "lineno", None)
        reason = str(getattr(exc, "problem", None) or getattr(exc, "msg", None) or "syntax")[:200]
        raise InputError(f"文件格式错误：{reason}", f"malformed file: {reason}", file=str(file), row=line) from exc
    except RecursionError as exc:
        raise InputError("文件嵌套层次过深", "the file is nested too deeply", file=str(file)) from exc
    except (ValueError, TypeError, OverflowError, MemoryError) as exc:  # odd scalars (dates, ints) of YAML
        raise InputError(f"文件中有无法读取的值：{str(exc)[:200]}", f"the file holds a value that cannot be read: "
                         f"{str(exc)[:200]}", file=str(file)) from exc


def _load_structured(file: Path) -> LoadedInput:
    raw = _parse(file, _read_text(file))
    if not isinstance(raw, dict):
        raise InputError("文件顶层应为映射（字典）", "the top level must be a mapping", file=str(file))
    for key in ("activity", "certificates"):
        if raw.get(key) is not None and not isinstance(raw[key], list):
            raise InputError(f"{key} 应为列表", f"'{key}' must be a list of entries, not {type(raw[key]).__name__}",
                             file=str(file), field=key)

    def locate(key: Key) -> dict[str, Any]:
        return {"field": field_path(key) or None}

    data = _finish(raw, Problems(str(file), locate))
    locations: dict[str, Location] = {
        line.id: {"file": str(file), "sheet": None, "row": None, "entry": f"activity[{i + 1}]"}
        for i, line in enumerate(data.activity)}
    for i, cert in enumerate(data.certificates):
        locations[f"certificate:{cert.serial}"] = {"file": str(file), "sheet": None, "row": None,
                                                   "entry": f"certificates[{i + 1}]"}
    return LoadedInput(data, file, locations)


# ---------------------------------------------------------------------------------------- Excel
def _set(target: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value


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


_FIXED = re.compile(r"^[#,]*0\.(0+)$")


def _stated(cell: Any) -> Any:
    """A cell's value; a number shown with fixed decimals (``0.0``, as the template writes ``474.0``)
    is read with those decimals, when that is the same number."""
    value = getattr(cell, "value", None)
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        fixed = _FIXED.match(str(getattr(cell, "number_format", "") or ""))
        if fixed:
            number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
            shown = number.quantize(Decimal(1).scaleb(-len(fixed.group(1))))
            if shown == number:
                return shown
    return value


class _Workbook:
    """The sheets of one workbook read into the model's shape, with the place of every key."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.sheet_names: dict[str, str] = {}          # section → sheet name as in the file
        self.rows: dict[str, list[int]] = {}           # section → row of each record
        self.labels: dict[str, dict[str, str]] = {}    # section → column key → header as in the file
        self.factory_sheet = FACTORY_SHEET[0]
        self.factory_rows: dict[str, int] = {}
        self.factory_labels: dict[str, str] = {}
        self.problems = Problems(str(file), self.locate)
        self.broken = False

    def locate(self, key: Key) -> dict[str, Any]:
        if not key:
            return {}
        section, rest = str(key[0]), key[1:]
        if section == "factory" and rest and rest[0] in ("facilities", "products"):
            section, rest = str(rest[0]), rest[1:]
        if section in self.sheet_names and rest and isinstance(rest[0], int):
            rows = self.rows.get(section, [])
            dotted = [str(p) for p in rest[1:]]
            label = None
            for n in range(len(dotted), 0, -1):
                label = self.labels.get(section, {}).get(".".join(dotted[:n]))
                if label:
                    break
            return {"sheet": self.sheet_names[section], "row": rows[rest[0]] if rest[0] < len(rows) else None,
                    "field": label or (".".join(dotted) or None)}
        if section in ("factory", "settings"):
            dotted_key = ".".join(str(p) for p in key[:2])
            return {"sheet": self.factory_sheet, "row": self.factory_rows.get(dotted_key),
                    "field": self.factory_labels.get(dotted_key, dotted_key)}
        return {}

    def _rows(self, ws: Any, sheet: str) -> Iterable[tuple[int, tuple[Any, ...]]]:
        """The rows of a sheet; a row the file cannot give (bad date, broken XML) ends the sheet, named."""
        number = 0
        try:
            for number, cells in enumerate(ws.iter_rows(), start=1):
                yield number, tuple(_stated(c) for c in cells)
        except Exception as exc:  # openpyxl raises ValueError, KeyError, ParseError … on a broken part
            self.broken = True
            self.problems.add(("sheet", sheet, number + 1), f"无法读取该行：{str(exc)[:120]}",
                              f"the row cannot be read: {str(exc)[:120]}", sheet=sheet, row=number + 1)

    def read_factory(self, wb: Any, raw: dict[str, Any]) -> None:
        name = next((n for n in FACTORY_SHEET if n in wb.sheetnames), None)
        if name is None:
            self.broken = True
            self.problems.add(("sheet", FACTORY_SHEET[0]), "缺少工作表 “企业信息”",
                              "missing sheet 'Factory' (企业信息)")
            return
        self.factory_sheet = name
        by_label = {c.zh: c for c in FACTORY_FIELDS} | {c.en: c for c in FACTORY_FIELDS}
        for row_no, values in self._rows(wb[name], name):
            label = cell_text(values[0]) if values else ""
            column = by_label.get(label)
            if column is None:
                continue
            self.factory_rows[column.key] = row_no
            self.factory_labels[column.key] = label
            value = values[2] if len(values) > 2 else None  # columns: 字段 | Field | 值
            if cell_text(value) == "":
                continue
            try:
                _set(raw, column.key, convert(column, value))
            except CellProblem as exc:
                self.problems.add(tuple(column.key.split(".")), exc.zh, exc.en)

    def _header(self, sheet: Sheet, name: str, header: tuple[Any, ...]) -> dict[int, Column]:
        by_label = {c.zh: c for c in sheet.columns} | {c.en: c for c in sheet.columns}
        mapping: dict[int, Column] = {}
        labels: dict[str, str] = {}
        for idx, label in enumerate(header):
            text = cell_text(label)
            if not text:
                continue
            column = by_label.get(text)
            if column is None:
                self.broken = True
                self.problems.add(("header", name, idx), f"未知列 “{text}”", f"unknown column '{text}'", sheet=name,
                                  row=1, field=text, expected="a column of the zerocarbon template (`zerocarbon "
                                                              "template`)")
                continue
            mapping[idx] = column
            labels[column.key] = text
        self.labels[sheet.key] = labels
        missing = [c.zh for c in sheet.columns if c.required and c not in mapping.values()]
        if missing:
            self.broken = True
            self.problems.add(("header", name, "missing"), f"缺少必填列 {'、'.join(missing)}",
                              f"missing required columns {', '.join(missing)}", sheet=name, row=1,
                              field="、".join(missing))
        return mapping

    def read_table(self, wb: Any, sheet: Sheet) -> list[dict[str, Any]]:
        name = sheet.zh if sheet.zh in wb.sheetnames else sheet.en if sheet.en in wb.sheetnames else None
        self.sheet_names[sheet.key] = name or sheet.zh
        self.rows[sheet.key] = []
        if name is None:
            return []
        rows = iter(self._rows(wb[name], name))
        first = next(rows, None)
        if first is None:
            return []
        mapping = self._header(sheet, name, first[1])
        records: list[dict[str, Any]] = []
        for offset, values in rows:
            if not any(cell_text(v) for v in values):
                continue
            if offset == 2 and all(cell_text(values[i]) in ("", c.en) for i, c in mapping.items() if i < len(values)):
                continue  # the template's second header row, in English
            index = len(records)
            self.rows[sheet.key].append(offset)
            record: dict[str, Any] = {}
            for idx, column in mapping.items():
                value = values[idx] if idx < len(values) else None
                if cell_text(value) == "":
                    continue  # empty cell: the model's default applies, or the required check below fires
                try:
                    _set(record, column.key, convert(column, value))
                except CellProblem as exc:
                    self.problems.add((sheet.key, index, *column.key.split(".")), exc.zh, exc.en)
            for column in sheet.columns:
                key = (sheet.key, index, *column.key.split("."))
                if column.required and column in mapping.values() and not _has(record, column.key) \
                        and not self.problems.has(key):
                    self.problems.add(key, f"必填字段 “{self.labels[sheet.key].get(column.key, column.zh)}” 为空",
                                      f"required field '{column.en}' is empty")
            if sheet is ACTIVITY:
                _fold_measured(record)
            records.append(record)
        return records


def _load_workbook(file: Path) -> LoadedInput:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a broken file
        raise InputError(f"无法读取 Excel 文件：{str(exc)[:200]}", f"cannot read the workbook: {str(exc)[:200]}",
                         file=str(file), expected="an .xlsx file saved by Excel, WPS or `zerocarbon template`") from exc
    book = _Workbook(file)
    raw: dict[str, Any] = {"factory": {}, "settings": {}}
    try:
        book.read_factory(wb, raw)
        for sheet in TABLE_SHEETS:
            records = book.read_table(wb, sheet)
            if sheet.key in ("facilities", "products"):
                raw["factory"][sheet.key] = records
            else:
                raw[sheet.key] = records
    finally:
        wb.close()
    if book.broken:
        book.problems.raise_if_any()  # a broken header or part: rows cannot be checked against each other
    data = _finish(raw, book.problems)
    locations: dict[str, Location] = {
        line.id: {"file": str(file), "sheet": book.sheet_names["activity"], "row": row}
        for line, row in zip(data.activity, book.rows["activity"], strict=True)}
    for cert, row in zip(data.certificates, book.rows["certificates"], strict=True):
        locations[f"certificate:{cert.serial}"] = {"file": str(file), "sheet": book.sheet_names["certificates"],
                                                   "row": row}
    return LoadedInput(data, file, locations)
