"""Bulk import of meter-reading files (CSV, XLSX), long or wide, resumable, through the one pipeline.

    file → chunks of ~100k rows (pyarrow CSV stream / openpyxl read-only) → text columns
         → readings (meter, ts UTC, value, unit, location) + rows that could not be read
         → :func:`zerocarbon.ingest.pipeline.ingest_table` (validation, store, rejects)

The file's columns are found from its header (:mod:`zerocarbon.ingest.file_layouts`). Nothing is
dropped: a time or number that cannot be read is rejected with its location (file, sheet, row and,
for wide files, column). After every chunk the batch records how many data rows are committed
(``resume_offset``) next to the file's sha256, so an interrupted import continues where it stopped
(``resume=True``); importing a finished file again only finds duplicates. See
``docs/meter-data-format.md``.
"""

from __future__ import annotations

import hashlib
import math
import signal
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import date, datetime, time
from pathlib import Path
from types import FrameType
from typing import Any

import pyarrow as pa
from sqlalchemy import func, select, update

from zerocarbon.errors import InputError
from zerocarbon.ingest.csv_source import CsvSource, check_text
from zerocarbon.ingest.file_layouts import FileLayout, check_timezone, find_header_row, resolve
from zerocarbon.ingest.file_rows import Chunk, ReadContext, to_readings
from zerocarbon.ingest.pipeline import IngestReport, close_batch, ingest_table, open_batch
from zerocarbon.model.metering import MeterRow
from zerocarbon.store import schema as s
from zerocarbon.store.batches import rejects_of_file as known_rejects
from zerocarbon.store.db import transaction
from zerocarbon.store.factories import load_meters

__all__ = ["CHUNK_ROWS", "FileLayout", "detect_layout", "file_hash", "ingest_file"]

CHUNK_ROWS = 100_000
SOURCE = "file"
_SNIFF_ROWS = 30


def file_hash(path: str | Path) -> str:
    """sha256 of the file's bytes (hex): the identity of a file for resuming."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ------------------------------------------------------------------------------------------ sources
def _header_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class _XlsxSource:
    """A worksheet read row by row (openpyxl read-only, values as cached by Excel)."""

    def __init__(self, file: Path, layout: FileLayout) -> None:
        import openpyxl

        self.layout = layout
        try:
            self.wb = openpyxl.load_workbook(file, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several types for a broken file
            raise InputError(f"无法读取 Excel 文件：{str(exc)[:200]}", f"cannot read the workbook: {str(exc)[:200]}",
                             file=file.name, expected="an .xlsx file saved by Excel or WPS") from exc
        if layout.sheet is not None and layout.sheet not in self.wb.sheetnames:
            self.wb.close()
            raise InputError(f"没有工作表 “{layout.sheet}”", f"no sheet '{layout.sheet}'", file=file.name,
                             field="sheet", expected=f"one of {self.wb.sheetnames}")
        self.ws = self.wb[layout.sheet] if layout.sheet else self.wb.worksheets[0]
        self.where = f"{file.name} {self.ws.title}"
        rows: list[list[str]] = []
        try:
            for r in self.ws.iter_rows(max_row=_SNIFF_ROWS, values_only=True):
                rows.append([_header_text(v) for v in r])
        except Exception as exc:  # a broken part of the workbook (bad date, truncated XML …)
            self.wb.close()
            raise self._unreadable(exc, len(rows) + 1) from exc
        at = find_header_row(rows, layout)
        self.header = rows[at] if at < len(rows) else []
        self.header_row = at + 1
        self.size: int | None = None
        max_row = self.ws.max_row
        self.total_rows = max(max_row - self.header_row, 0) if isinstance(max_row, int) else None
        self.time_index = self.date_index = -1

    def position(self) -> int:
        return 0

    def _unreadable(self, exc: BaseException, row: int) -> InputError:
        text = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        return InputError(f"无法读取该行：{text}", f"the row cannot be read: {text}", file=self.where, row=row,
                          expected="cells as Excel or WPS save them")

    def close(self) -> None:
        self.wb.close()

    def chunks(self, needed: list[int], offset: int, chunk_rows: int) -> Iterator[Chunk]:
        first = self.header_row + offset + 1
        cells: dict[int, list[str | None]] = {i: [] for i in needed}
        held = 0
        rows = self.ws.iter_rows(min_row=first, values_only=True)
        while True:
            try:
                values = next(rows, None)
            except Exception as exc:  # a broken part of the workbook (bad date, truncated XML …)
                raise self._unreadable(exc, first + held) from exc
            if values is None:
                break
            for i in needed:
                cells[i].append(self._text(values[i] if i < len(values) else None, i))
            held += 1
            if held == chunk_rows:
                yield Chunk({i: pa.array(c, pa.string()) for i, c in cells.items()}, first, held)
                first += held
                cells, held = {i: [] for i in needed}, 0
        if held:
            yield Chunk({i: pa.array(c, pa.string()) for i, c in cells.items()}, first, held)

    def _text(self, value: Any, index: int) -> str | None:
        """A cell as text; dates and times as the text the time parser expects."""
        if value is None:
            return None
        fmt = self.layout.time_format
        if isinstance(value, datetime):
            if index == self.date_index and value.time() == time(0):
                return value.strftime("%Y-%m-%d")
            if fmt == "excel":
                from openpyxl.utils.datetime import to_excel

                return repr(float(to_excel(value)))
            return value.strftime(fmt if fmt and "%" in fmt else "%Y-%m-%d %H:%M:%S")
        if isinstance(value, date):
            return value.strftime("%Y-%m-%d")
        if isinstance(value, time):
            return value.strftime("%H:%M:%S")
        if isinstance(value, bool):
            return str(value).upper()
        if isinstance(value, float) and not math.isfinite(value):
            return repr(value)
        if isinstance(value, int | float):
            if index == self.time_index and fmt is None:
                from openpyxl.utils.datetime import from_excel

                return _excel_serial_text(value, from_excel)
            return repr(value) if isinstance(value, float) else str(value)
        text = str(value).strip()
        return text or None


def _excel_serial_text(value: float, from_excel: Any) -> str:
    """A number in a time column without a format is an Excel serial date (days since 1899-12-30)."""
    try:
        moment = from_excel(value)
    except (ValueError, OverflowError, ArithmeticError, TypeError):
        return repr(value)
    return moment.strftime("%Y-%m-%d %H:%M:%S") if isinstance(moment, datetime) else repr(value)


def _open(file: Path, layout: FileLayout) -> CsvSource | _XlsxSource:
    if not file.exists():
        raise InputError(f"找不到文件 {file}", f"file {file} does not exist", file=str(file))
    suffix = file.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return CsvSource(file, layout)
    if suffix in (".xlsx", ".xlsm"):
        return _XlsxSource(file, layout)
    raise InputError(f"不支持的文件类型 {suffix}", f"unsupported file type {suffix}", file=file.name,
                     expected=".csv or .xlsx")


def _close(source: CsvSource | _XlsxSource) -> None:
    if isinstance(source, _XlsxSource):
        source.close()


# ------------------------------------------------------------------------------------------ batches
def _factory_timezone(factory_id: str, url: str | None) -> str | None:
    with transaction(url) as conn:
        found = conn.execute(select(s.factories.c.timezone).where(s.factories.c.id == factory_id)).scalar()
    return str(found) if found is not None else None


def _batch_name(factory_id: str, file: Path) -> str:
    return f"{factory_id}:{file.resolve()}"


def _resumable(digest: str, factory_id: str, url: str | None) -> tuple[IngestReport, int] | None:
    """The newest batch of this file for this factory, with its counts and offset, when unfinished."""
    with transaction(url) as conn:
        row = conn.execute(select(s.batches).where(s.batches.c.content_hash == digest, s.batches.c.source == SOURCE,
                                                   s.batches.c.factory_id == factory_id)
                           .order_by(s.batches.c.id.desc()).limit(1)).mappings().first()
        if row is None or row["status"] == "done":
            return None
        reasons = conn.execute(select(s.rejected.c.reason, func.count()).where(s.rejected.c.batch_id == row["id"])
                               .group_by(s.rejected.c.reason)).all()
        conn.execute(update(s.batches).where(s.batches.c.id == row["id"]).values(status="running", finished_at=None))
    counts = {k: int(row[k]) for k in ("accepted", "duplicates", "rejected", "flagged")}
    report = IngestReport(batch_id=int(row["id"]), received=counts["accepted"] + counts["duplicates"]
                          + counts["rejected"], reasons={str(k): int(v) for k, v in reasons}, **counts)
    return report, int(row["resume_offset"])


def _save_progress(report: IngestReport, offset: int, url: str | None) -> None:
    with transaction(url) as conn:
        conn.execute(update(s.batches).where(s.batches.c.id == report.batch_id).values(
            resume_offset=offset, accepted=report.accepted, duplicates=report.duplicates,
            rejected=report.rejected, flagged=report.flagged))


@contextmanager
def _interrupt_after_commit() -> Iterator[None]:
    """Hold a Ctrl-C until the chunk and its offset are committed (a second Ctrl-C acts at once).

    Without this a Ctrl-C between storing a chunk and recording the offset would, on resume, store
    that chunk's rejects a second time and count its readings as duplicates.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.getsignal(signal.SIGINT)

    def hold(signum: int, _frame: FrameType | None) -> None:
        if caught:
            raise KeyboardInterrupt
        caught.append(signum)

    signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


def _close_after(exc: BaseException, report: IngestReport, offset: int, url: str | None) -> None:
    """Record the batch as interrupted (Ctrl-C) or failed; a failure to do so never hides ``exc``."""
    try:
        close_batch(report, "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed", offset, url)
    except Exception as closing:
        exc.add_note(f"closing batch {report.batch_id} failed too: {closing!r}")


def _progress_bar(enabled: bool, source: CsvSource | _XlsxSource) -> AbstractContextManager[Any]:
    if not enabled:
        return nullcontext(None)
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeRemainingColumn(),
                    console=Console(stderr=True))


# ---------------------------------------------------------------------------------------- public API
def detect_layout(path: str | Path, meter_codes: list[str], layout: FileLayout | None = None) -> FileLayout:
    """The layout of ``path`` with every column named (what :func:`ingest_file` will read)."""
    file = Path(path)
    given = layout or FileLayout()
    source = _open(file, given)
    try:
        r = resolve(source.header, given, meter_codes, source.where, source.header_row)
    finally:
        _close(source)
    h = source.header
    named: dict[str, Any] = {"layout": r.kind, "time_column": h[r.time], "header_row": source.header_row,
                             "date_column": h[r.date] if r.date is not None else None}
    if r.kind == "long":
        named |= {"meter_column": h[r.meter] if r.meter is not None else None,
                  "value_column": h[r.value] if r.value is not None else None,
                  "unit_column": h[r.unit] if r.unit is not None else None}
    else:
        named["meter_columns"] = {h[m.index]: m.code for m in r.meters}
    if isinstance(source, CsvSource):
        named |= {"delimiter": source.delimiter, "encoding": source.encoding}
    elif given.sheet is None:
        named["sheet"] = source.ws.title
    return given.model_copy(update=named)


def ingest_file(path: str | Path, factory_id: str, layout: FileLayout | None = None, *, url: str | None = None,
                resume: bool = False, progress: bool = False, chunk_rows: int = CHUNK_ROWS,
                now: int | None = None, lang: str = "zh") -> IngestReport:
    """Import the readings of one CSV or XLSX file of ``factory_id``; returns the batch's report.

    Parameters
    ----------
    path : str or Path
        ``.csv`` (UTF-8 or GB18030, delimiter detected) or ``.xlsx``.
    layout : FileLayout, optional
        What differs from the defaults; empty fields are found from the header.
    resume : bool
        Continue the newest unfinished batch of this file (same sha256) for this factory from its
        ``resume_offset``; the report then covers the whole file. Without it a new batch starts
        (re-imported readings count as duplicates).
    progress : bool
        Show a progress bar on stderr (bytes for CSV, rows for XLSX), labelled in ``lang`` ("zh" or "en").
    chunk_rows : int
        Readings per call of the pipeline (and per committed step of ``resume_offset``): that many
        rows of a long file, that many divided by the number of meter columns of a wide one [rows].
    now : int, optional
        The present for the "in the future" check [s since the epoch, UTC].

    Raises
    ------
    InputError
        The file, a named column, the factory or the time zone cannot be found, or a CSV row has
        the wrong number of fields (nothing after it is imported; the batch is then 'failed').
    KeyboardInterrupt
        After recording the batch as 'interrupted' with the offset of the last committed chunk.
    """
    if chunk_rows < 1:
        raise ValueError("chunk_rows must be positive")
    file = Path(path)
    given = layout or FileLayout()
    meters: dict[str, MeterRow] = load_meters(factory_id, url)
    factory_tz = _factory_timezone(factory_id, url)
    if factory_tz is None:
        raise InputError(f"未知企业 “{factory_id}”：请先用 `zerocarbon store load 工厂定义.yaml` 导入工厂定义",
                         f"unknown factory '{factory_id}': load its setup first with `zerocarbon store load "
                         "SETUP.yaml`", field="factory_id", expected="a factory of the store")
    tz = given.timezone or factory_tz
    check_timezone(tz)
    source = _open(file, given)
    try:
        resolved = resolve(source.header, given, meters, source.where, source.header_row)
        if isinstance(source, _XlsxSource):
            source.time_index = resolved.time
            source.date_index = resolved.date if resolved.date is not None else -1
        shift = ({c: m.interval_seconds for c, m in meters.items() if m.register_kind == "interval"}
                 if given.timestamp_is == "end" else {})
        ctx = ReadContext(source.where, resolved, given, tz, shift)
        if isinstance(source, CsvSource):
            check_text(file, source.encoding, source.where)  # refused whole, before anything is written
        digest = file_hash(file)
        known = known_rejects(digest, factory_id, url)
        found = _resumable(digest, factory_id, url) if resume else None
        if found is None:
            report = IngestReport(open_batch(SOURCE, _batch_name(factory_id, file), digest, url, factory_id=factory_id))
            offset = 0
        else:
            report, offset = found
        with _progress_bar(progress, source) as bar:
            task = None
            if bar is not None:
                total = source.size if source.size is not None else source.total_rows
                task = bar.add_task(source.where, total=total, completed=0)
            try:
                per_chunk = max(1, chunk_rows // max(1, len(resolved.meters)))
                for chunk in source.chunks(resolved.needed(), offset, per_chunk):
                    table, extra = to_readings(chunk, ctx)
                    with _interrupt_after_commit():
                        if table.num_rows or extra:
                            report.add(ingest_table(table, factory_id, report.batch_id, SOURCE, url, now, extra,
                                                    known=known))
                        offset += chunk.rows_covered
                        _save_progress(report, offset, url)
                    if bar is not None and task is not None:
                        done = source.position() if source.size is not None else offset
                        label = f"{source.where}：{offset:,} 行" if lang == "zh" else f"{source.where}: {offset:,} rows"
                        bar.update(task, completed=done, description=label)
            except BaseException as exc:
                _close_after(exc, report, offset, url)
                raise
            if bar is not None and task is not None:
                bar.update(task, completed=source.size or offset)
        close_batch(report, "done", offset, url)
        return report
    finally:
        _close(source)
