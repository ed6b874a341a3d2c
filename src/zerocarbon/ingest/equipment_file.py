"""The equipment register file (设备能效台账): the XLSX template with Chinese headers, and its importer.

One sheet per declared entity (:data:`SHEETS`); the columns are the entity's attributes, so the
template, the reader, the model and the API schema cannot drift apart:

=============  ===============================================  ==================
sheet          entity                                           rows
=============  ===============================================  ==================
设备台账       :data:`zerocarbon.energy.equipment.EQUIPMENT`     one per device
参数           :data:`zerocarbon.energy.register.SETTINGS`       one per setting (字段, Field, 值)
限额指标       :data:`zerocarbon.energy.register.QUOTA_ROWS`     one per indicator
能量转换       :data:`zerocarbon.energy.register.CONVERSIONS`    one per conversion unit
=============  ===============================================  ==================

Row 1 of a table sheet holds the Chinese headers, row 2 the attribute names (English); data start
in row 3. A header is matched by either. The same structure is accepted as YAML or JSON (keys
``devices``, ``settings``, ``quota``, ``conversions``). Every error names the file, sheet, row and
field, in Chinese and English; nothing is fixed silently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from pydantic import ValidationError

from zerocarbon.energy.equipment import EQUIPMENT
from zerocarbon.energy.register import CONVERSIONS, QUOTA_ROWS, SETTINGS, EfficiencyRegister
from zerocarbon.errors import InputError
from zerocarbon.ingest.equipment_vocab import HEADER_WORDS, VALUE_WORDS, value_word
from zerocarbon.model.entities import Attribute, Entity


@dataclass(frozen=True)
class SheetSpec:
    key: str
    zh: str
    entity: Entity
    table: bool


SHEETS = (
    SheetSpec("devices", "设备台账", EQUIPMENT, True),
    SheetSpec("settings", "参数", SETTINGS, False),
    SheetSpec("quota", "限额指标", QUOTA_ROWS, True),
    SheetSpec("conversions", "能量转换", CONVERSIONS, True),
)
#: Chinese words for the device kinds (the internal value is accepted too); all value words: equipment_vocab.
KIND_ZH = VALUE_WORDS["kind"]


def entity_is_equipment(attr: Attribute) -> bool:
    """Whether ``attr`` is a device attribute (the other sheets' values take no Chinese words)."""
    return any(a is attr for a in EQUIPMENT)
HEAD = Font(bold=True, color="FFFFFF")
HEAD_FILL = PatternFill("solid", fgColor="2F6B4F")
SUB = Font(italic=True, color="666666")


# ------------------------------------------------------------------------------------------ reading
def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _convert(attr: Attribute, raw: Any, where: dict[str, Any]) -> Any:
    """A cell's value as the attribute's kind; raises an InputError naming the cell."""
    text = _text(raw)
    if text is None:
        return None
    if attr.kind == "decimal":
        try:
            # a float cell goes through its shortest repr, never through binary arithmetic
            value = Decimal(repr(raw) if isinstance(raw, float) else text)
        except InvalidOperation as exc:
            raise InputError(f"不是数字：{text!r}", f"not a number: {text!r}", field=attr.name,
                             expected=f"{attr.en} [{attr.unit}]", **where) from exc
        if not value.is_finite():
            raise InputError(f"不是有限数：{text!r}", f"not a finite number: {text!r}", field=attr.name, **where)
        return value
    if attr.kind == "integer":
        try:
            number = Decimal(repr(raw) if isinstance(raw, float) else text)
        except InvalidOperation as exc:
            raise InputError(f"不是整数：{text!r}", f"not an integer: {text!r}", field=attr.name, **where) from exc
        if number != number.to_integral_value():
            raise InputError(f"不是整数：{text!r}", f"not an integer: {text!r}", field=attr.name, **where)
        return int(number)
    mapped = value_word(attr.name, text) if entity_is_equipment(attr) else text
    if attr.values and "…" not in attr.values and mapped not in attr.values:
        raise InputError(f"取值无效：{text!r}", f"invalid value {text!r}", field=attr.name,
                         expected=" | ".join(attr.values), **where)
    return mapped


def _record(entity: Entity, raw: dict[str, Any], where: dict[str, Any]) -> dict[str, Any]:
    known = {a.name for a in entity}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise InputError(f"未知字段：{unknown}", f"unknown fields {unknown}", field=unknown[0],
                         expected=", ".join(sorted(known)), **where)
    return {name: value for name, value in ((a.name, _convert(a, raw.get(a.name), where)) for a in entity)
            if value is not None}


def _header_map(entity: Entity, zh_row: tuple[Any, ...], en_row: tuple[Any, ...], where: dict[str, Any]
                ) -> dict[int, Attribute]:
    by_label: dict[str, Attribute] = dict(HEADER_WORDS) if entity is EQUIPMENT else {}
    for a in entity:
        by_label[a.name] = a
        by_label[a.zh] = a
    out: dict[int, Attribute] = {}
    for idx, (zh, en) in enumerate(zip(zh_row, en_row, strict=False)):
        label = _text(en) or _text(zh)
        if label is None:
            continue
        attr = by_label.get(label)
        if attr is not None and _text(zh) is not None and by_label.get(_text(zh) or "") is not attr:
            attr = None  # the two header rows name different attributes: refuse rather than guess
        if attr is None:
            raise InputError(f"未知列：{label!r}", f"unknown column {label!r}", row=1, field=label,
                             expected=", ".join(a.name for a in entity), **where)
        if attr in out.values():
            raise InputError(f"列重复：{label!r}", f"column repeated: {label!r}", row=1, field=attr.name, **where)
        out[idx] = attr
    missing = [a.name for a in entity if a.required and a not in out.values()]
    if missing:
        raise InputError(f"缺少必填列：{missing}", f"missing required columns {missing}", row=1, field=missing[0],
                         **where)
    return out


def _table_rows(ws: Any, spec: SheetSpec, file: str) -> list[tuple[int, dict[str, Any]]]:
    rows = list(ws.iter_rows(values_only=True))
    where: dict[str, Any] = {"file": file, "sheet": spec.zh}
    if len(rows) < 2:
        raise InputError("表头不完整（第1行中文、第2行英文）", "the header rows are incomplete (row 1 zh, row 2 en)",
                         **where)
    header = _header_map(spec.entity, rows[0], rows[1], where)
    out = []
    for row_no, values in enumerate(rows[2:], start=3):
        if all(_text(v) is None for v in values):
            continue
        raw = {attr.name: values[idx] for idx, attr in header.items() if idx < len(values)}
        out.append((row_no, _record(spec.entity, raw, {**where, "row": row_no})))
    return out


def _settings_rows(ws: Any, spec: SheetSpec, file: str) -> tuple[dict[str, Any], dict[str, int]]:
    where: dict[str, Any] = {"file": file, "sheet": spec.zh}
    raw: dict[str, Any] = {}
    rows: dict[str, int] = {}
    labels = {a.zh: a for a in spec.entity} | {a.name: a for a in spec.entity}
    for row_no, values in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        key = _text(values[1] if len(values) > 1 else None) or _text(values[0])
        if key is None:
            continue
        attr = labels.get(key) or labels.get(_text(values[0]) or "")
        if attr is None:
            raise InputError(f"未知参数：{key!r}", f"unknown setting {key!r}", row=row_no, field=key,
                             expected=", ".join(a.name for a in spec.entity), **where)
        raw[attr.name] = values[2] if len(values) > 2 else None
        rows[attr.name] = row_no
    record = {}
    for name, value in raw.items():
        converted = _convert(spec.entity[name], value, {**where, "row": rows[name]})
        if converted is not None:
            record[name] = converted
    return record, rows


def _validate(doc: dict[str, Any], file: str, rows: dict[tuple[str, int], tuple[str, int | None]]
              ) -> EfficiencyRegister:
    """Build the register; a validation error is located by sheet, row and field."""
    codes: dict[str, int] = {}
    for idx, device in enumerate(doc.get("devices", [])):
        code = str(device.get("code", ""))
        if code in codes:
            dup_sheet, dup_row = rows.get(("devices", idx), ("设备台账", None))
            raise InputError(f"设备编号 {code} 重复（首次出现于第 {codes[code]} 行）",
                             f"device code {code} repeated (first in row {codes[code]})", file=file, sheet=dup_sheet,
                             row=dup_row, field="code")
        codes[code] = rows.get(("devices", idx), ("", idx + 1))[1] or idx + 1
    try:
        return EfficiencyRegister.model_validate(doc)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        loc = tuple(first["loc"])
        part = str(loc[0]) if loc else ""
        index = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
        field = next((str(p) for p in loc[1:] if isinstance(p, str)), None)
        if part == "settings":
            sheet, row = rows.get(("settings", -1), ("参数", None))
        else:
            sheet, row = rows.get((part, index if index is not None else -1), (part, None))
        more = len(errors) - 1
        msg = str(first["msg"]).removeprefix("Value error, ")
        raise InputError(f"数据无效：{msg}" + (f"（另有 {more} 处错误）" if more else ""),
                         f"invalid data: {msg}" + (f" ({more} more errors)" if more else ""),
                         file=file, sheet=sheet, row=row, field=field,
                         details={"errors": [{"loc": list(e["loc"]), "msg": e["msg"]} for e in errors]}) from exc


def read_equipment_xlsx(path: Path, display_name: str | None = None) -> EfficiencyRegister:
    """Read a register workbook (the template's sheets); the settings and device sheets are required."""
    file = display_name or Path(path).name
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a file that is not a workbook
        raise InputError("无法读取 Excel 文件", f"cannot read the Excel file: {exc}", file=file,
                         expected=".xlsx") from exc
    doc: dict[str, Any] = {}
    rows: dict[tuple[str, int], tuple[str, int | None]] = {}
    for spec in SHEETS:
        if spec.zh not in wb.sheetnames:
            if spec.key in ("devices", "settings"):
                raise InputError(f"缺少工作表 {spec.zh}", f"sheet {spec.zh} is missing", file=file, sheet=spec.zh)
            continue
        ws = wb[spec.zh]
        if spec.table:
            records = _table_rows(ws, spec, file)
            doc[spec.key] = [r for _, r in records]
            rows.update({(spec.key, i): (spec.zh, row_no) for i, (row_no, _) in enumerate(records)})
        else:
            doc[spec.key], setting_rows = _settings_rows(ws, spec, file)
            rows[("settings", -1)] = (spec.zh, min(setting_rows.values(), default=None))
    wb.close()
    return _validate(doc, file, rows)


def read_equipment_mapping(doc: Any, file: str) -> EfficiencyRegister:
    """Read the register from parsed YAML/JSON (the same keys as the sheets)."""
    if not isinstance(doc, dict):
        raise InputError("文件须为一个映射（devices, settings …）", "the file must be a mapping (devices, settings …)",
                         file=file)
    unknown = sorted(set(doc) - {s.key for s in SHEETS} - {"factory_id"})
    if unknown:
        raise InputError(f"未知部分：{unknown}", f"unknown parts {unknown}", file=file, field=unknown[0])
    out: dict[str, Any] = {"factory_id": str(doc.get("factory_id", ""))}
    rows: dict[tuple[str, int], tuple[str, int | None]] = {}
    for spec in SHEETS:
        part = doc.get(spec.key)
        if part is None:
            continue
        if spec.table:
            if not isinstance(part, list):
                raise InputError(f"{spec.key} 须为列表", f"{spec.key} must be a list", file=file, sheet=spec.key)
            out[spec.key] = [_record(spec.entity, dict(r) if isinstance(r, dict) else {"?": r},
                                     {"file": file, "sheet": spec.key, "row": i + 1}) for i, r in enumerate(part)]
            rows.update({(spec.key, i): (spec.key, i + 1) for i in range(len(part))})
        else:
            if not isinstance(part, dict):
                raise InputError(f"{spec.key} 须为映射", f"{spec.key} must be a mapping", file=file, sheet=spec.key)
            out[spec.key] = _record(spec.entity, part, {"file": file, "sheet": spec.key})
            rows[("settings", -1)] = (spec.key, None)
    return _validate(out, file, rows)


def load_equipment_file(path: str | Path, display_name: str | None = None) -> EfficiencyRegister:
    """Read a register from .xlsx, .yaml/.yml or .json.

    Raises
    ------
    InputError
        The file is missing or of an unknown type, or a sheet, row or field is invalid.
    """
    p = Path(path)
    file = display_name or p.name
    if not p.exists():
        raise InputError("文件不存在", "file not found", file=str(path))
    suffix = p.suffix.lower()
    if suffix == ".xlsx":
        return read_equipment_xlsx(p, file)
    if suffix in (".yaml", ".yml", ".json"):
        try:
            text = p.read_text(encoding="utf-8")
            doc = json.loads(text) if suffix == ".json" else yaml.safe_load(text)
        except (ValueError, yaml.YAMLError) as exc:
            raise InputError("文件无法解析", f"cannot parse the file: {exc}", file=file) from exc
        return read_equipment_mapping(doc, file)
    raise InputError(f"不支持的文件类型 {suffix}", f"unsupported file type {suffix}", file=file,
                     expected=".xlsx, .yaml, .json")


# ----------------------------------------------------------------------------------------- template
def _cell(value: Any) -> Any:
    if value is None:
        return None
    return str(value) if isinstance(value, Decimal) else value


def write_equipment_template(path: str | Path, example: EfficiencyRegister | None = None) -> Path:
    """Write the register template to ``path`` (empty, or filled with ``example``)."""
    wb = Workbook()
    first = wb.active
    if first is not None:
        wb.remove(first)
    for spec in SHEETS:
        ws = wb.create_sheet(spec.zh)
        if spec.table:
            for idx, attr in enumerate(spec.entity, start=1):
                head = ws.cell(row=1, column=idx, value=attr.zh)
                head.font, head.fill = HEAD, HEAD_FILL
                head.comment = Comment(attr.description + (" (必填 required)" if attr.required else ""), "zerocarbon")
                ws.cell(row=2, column=idx, value=attr.name).font = SUB
                ws.column_dimensions[get_column_letter(idx)].width = max(12, min(30, len(attr.zh) * 2 + 4))
            records = getattr(example, spec.key) if example is not None else ()
            for row_no, record in enumerate(records, start=3):
                for idx, attr in enumerate(spec.entity, start=1):
                    ws.cell(row=row_no, column=idx, value=_cell(getattr(record, attr.name)))
            ws.freeze_panes = "A3"
        else:
            for idx, text in enumerate(("字段", "Field", "值 / Value", "单位 / Unit", "说明 / Help"), start=1):
                cell = ws.cell(row=1, column=idx, value=text)
                cell.font, cell.fill = HEAD, HEAD_FILL
            for row_no, attr in enumerate(spec.entity, start=2):
                value = getattr(example.settings, attr.name) if example is not None else None
                ws.append([attr.zh, attr.name, _cell(value), attr.unit,
                           attr.en + (" (必填 required)" if attr.required else "")])
                ws.cell(row=row_no, column=2).font = SUB
            for letter, width in zip("ABCDE", (24, 24, 16, 10, 60), strict=True):
                ws.column_dimensions[letter].width = width
    help_ws = wb.create_sheet("说明")
    for line in (
        ("zerocarbon 设备能效台账模板 / equipment register template",),
        ("第1行中文表头，第2行英文字段名，数据从第3行开始；设备类型可填中文（低压电动机、变压器、空压机、风机、水泵）。",),
        ("Row 1: Chinese headers; row 2: field names; data from row 3. Device kinds may be written in Chinese.",),
        ("效率按额定负载填百分数（如 93.6）；负载率为小数（如 0.75）。",),
        ("Efficiency at rated load in percent (e.g. 93.6); load factor as a fraction (e.g. 0.75).",),
    ):
        help_ws.append(list(line))
    help_ws.column_dimensions["A"].width = 100
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target
