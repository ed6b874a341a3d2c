"""What became of the data sent in: ingest batches, rejected records and dead letters of a factory.

Rows as stored, newest first, a page at a time (the API's lists); the dashboard's data-quality page
(:func:`zerocarbon.services.dashboard.data_quality`) lists rejected records through the same functions.
The rows come from the store's repository :mod:`zerocarbon.store.batches`.

Which factory a batch or a rejected record belongs to is stored with it, never read from a name:
``ingest_batches.factory_id`` (set when the batch is opened, :func:`zerocarbon.ingest.pipeline.open_batch`)
and ``rejected_records.factory_id`` (set on every write, :func:`zerocarbon.store.readings.write_rejects`).
The batches of an MQTT subscriber over every factory's topics hold several factories' readings and
belong to none: no factory's list shows them. Dead letters have no such column: they are selected
by their topic, ``zerocarbon/<factory>/…`` (:func:`dead_letter_filter`).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from zerocarbon.errors import InputError
from zerocarbon.store import batches as repo
from zerocarbon.store.batches import batch_filter, dead_letter_filter, rejected_filter

__all__ = ["batch_filter", "batches", "dead_letter_filter", "dead_letters", "export_rejects", "reason_text",
           "reject_list", "rejected", "rejected_filter", "rejected_reasons", "rest_batch_name"]


def rest_batch_name(factory_id: str, actor: str) -> str:
    """The name of a REST batch, for people reading the list (which factory it is for is ``factory_id``)."""
    return f"{factory_id}:rest:{actor}"


def batches(factory_id: str, limit: int, offset: int, url: str | None = None) -> tuple[int, list[dict[str, Any]]]:
    """(total, a page of) the factory's ingest batches, newest first."""
    return repo.batch_page(factory_id, limit, offset, url)


def rejected(factory_id: str, limit: int, offset: int, url: str | None = None, batch_id: int | None = None
             ) -> tuple[int, list[dict[str, Any]]]:
    """(total, a page of) the factory's rejected records (of one batch if given), newest first."""
    return repo.rejected_page(factory_id, limit, offset, url, batch_id)


def rejected_reasons(factory_id: str, url: str | None = None, most: int = 20) -> list[tuple[str, int]]:
    """(reason, count) of the factory's rejected records, the ``most`` commonest first."""
    return repo.rejected_reason_counts(factory_id, url, most)


def dead_letters(factory_id: str, limit: int, offset: int, url: str | None = None) -> tuple[int, list[dict[str, Any]]]:
    """(total, a page of) the MQTT messages of the factory's topics that could not be read at all, newest first."""
    return repo.dead_letter_page(factory_id, limit, offset, url)


# ------------------------------------------------------------------------------- rejects a person reads
_REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), zh) for p, zh in (
    (r"^no meter code$", "缺少表计编号"),
    (r"^no time$", "缺少时间"),
    (r"^no value$", "缺少读数"),
    (r"^not a time \(expected (.*)\)$", "不是时间（应为 {0}）"),
    (r"^not a time in (.*) \(clocks were set forward\)$", "该时刻在 {0} 不存在（夏令时拨快）"),
    (r"^not a time$", "不是时间"),
    (r"^not a number$", "不是数字"),
    (r"^not a finite number$", "不是有限的数"),
    (r"^in the future$", "时间在未来"),
    (r"^unknown meter '(.*)'$", "未知表计 “{0}”（未在工厂定义中登记）"),
    (r"^meter '(.*)' is virtual .*$", "表计 “{0}” 是虚拟表计（由其他表计计算），不接受读数"),
    (r"^unit '(.*)' has the wrong dimension for meter '(.*)' \((.*)\)$", "单位 “{0}” 与表计 “{1}” 的单位 {2} 量纲不同"),
    (r"^before meter '(.*)' was commissioned$", "早于表计 “{0}” 的投用时间"),
    (r"^before meter '(.*)' is valid$", "早于表计 “{0}” 的生效时间"),
    (r"^after meter '(.*)' stopped being valid$", "晚于表计 “{0}” 的失效时间"),
    (r"^not aligned to the (\d+)-minute intervals of meter '(.*)'$", "未对齐表计 “{1}” 的 {0} 分钟间隔"),
    (r"^negative value on a (\S+) register$", "{0} 型寄存器的读数为负"),
    (r"^conflicts with the accepted value .*$", "与该表计该时刻已接受的读数不同（请用 readings correct 更正）"),
    (r"^the row has (\d+) fields, the header (\d+)$", "该行有 {0} 个字段，表头有 {1} 个"),
))
_FIELDS_ZH = {"meter": "表计编号", "ts": "时间", "value": "读数", "unit": "单位", "row": "整行"}


def reason_text(reason: str, lang: str = "zh") -> str:
    """A stored reason (English, as the validation wrote it) in ``lang``; unknown reasons as stored."""
    if lang != "zh":
        return reason
    for pattern, zh in _REASONS:
        found = pattern.match(reason)
        if found:
            return zh.format(*found.groups())
    return reason


def split_location(location: str) -> tuple[str, int | None, str | None]:
    """``"r.csv row 12 col C"`` → ``("r.csv", 12, "C")``; a location without a row as it is."""
    found = re.match(r"^(.*) row (\d+)(?: col ([A-Z]+))?$", location)
    if not found:
        return location, None, None
    return found.group(1), int(found.group(2)), found.group(3)


def reject_list(factory_id: str, url: str | None = None, batch_id: int | None = None, reason: str | None = None,
                lang: str = "zh", limit: int | None = None) -> list[dict[str, Any]]:
    """The factory's rejected records, oldest first, each with file, row, column, field and reason in
    ``lang`` (``reason`` filters on the stored reason or its translation, case-insensitive)."""
    rows = repo.rejected_rows(factory_id, url, batch_id, None, None)
    out: list[dict[str, Any]] = []
    wanted = reason.casefold() if reason else None
    for row in rows:
        stored = str(row["reason"] or "")
        shown = reason_text(stored, lang)
        if wanted and wanted not in stored.casefold() and wanted not in reason_text(stored, "zh").casefold():
            continue
        file, number, column = split_location(str(row["location"] or ""))
        field = str(row["field"] or "")
        out.append({"batch": row["batch_id"], "file": file, "row": number, "column": column,
                    "field": _FIELDS_ZH.get(field, field) if lang == "zh" else field, "reason": shown,
                    "raw": row["raw"]})
    out.sort(key=lambda r: (r["batch"] or 0, r["file"], r["row"] or 0, r["column"] or ""))
    return out[:limit] if limit is not None else out


REJECT_HEADERS = {"zh": ("批次", "文件", "行", "列", "字段", "原因", "原始数据"),
                  "en": ("batch", "file", "row", "column", "field", "reason", "raw")}


def export_rejects(rows: list[dict[str, Any]], path: str | Path, lang: str = "zh") -> Path:
    """Write rejected records (:func:`reject_list`) to ``.csv`` (UTF-8 with BOM, Excel opens it) or ``.xlsx``."""
    target = Path(path)
    keys = ("batch", "file", "row", "column", "field", "reason", "raw")
    heads = REJECT_HEADERS["zh" if lang == "zh" else "en"]
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = "拒绝记录" if lang == "zh" else "Rejects"
        ws.append(list(heads))
        for r in rows:
            ws.append([r[k] for k in keys])
        wb.save(target)
        return target
    if target.suffix.lower() != ".csv":
        raise InputError(f"不支持的导出格式 {target.suffix}", f"unsupported export format {target.suffix}",
                         file=str(target), field="out", expected=".csv or .xlsx")
    with open(target, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(heads)
        writer.writerows([[r[k] if r[k] is not None else "" for k in keys] for r in rows])
    return target
