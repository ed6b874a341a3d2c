"""A meter-reading CSV file read as chunks of text columns (pyarrow's streaming reader).

The encoding is UTF-8 or GB18030 (or the layout's), checked for the whole file before anything is
written (:func:`check_text`); the delimiter and header row are found from the first lines. A row
with the wrong number of fields is set aside as a reject naming its row, and reading goes on; the
rows after it keep the numbers the file gives them (:class:`_Numbering`).
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from zerocarbon.errors import InputError
from zerocarbon.ingest.file_layouts import FileLayout, check_encoding, find_header_row, role_of
from zerocarbon.ingest.file_rows import Chunk

_SNIFF_BYTES = 1 << 16
_SNIFF_ROWS = 30
_DELIMITERS = (",", ";", "\t", "|")
#: Bytes pyarrow's streaming reader parses at a time: the reader holds a few blocks and at most one
#: chunk of rows, never the file.
BLOCK_BYTES = 1 << 22


class CsvSource:
    """A CSV file read as text columns through pyarrow's streaming reader."""

    def __init__(self, file: Path, layout: FileLayout) -> None:
        self.file, self.layout, self.where = file, layout, file.name
        self.size = file.stat().st_size
        self.total_rows: int | None = None
        with open(file, "rb") as fh:
            sample = fh.read(_SNIFF_BYTES)
        self.encoding = check_encoding(layout.encoding) if layout.encoding else _guess_encoding(sample, self.where)
        text = codecs.getincrementaldecoder(self.encoding)(errors="replace").decode(sample, final=False)
        text = text.removeprefix("\ufeff")
        lines = text.splitlines()
        if len(sample) == _SNIFF_BYTES and lines:
            lines = lines[:-1]  # the last line may be cut
        lines = lines[:_SNIFF_ROWS]
        best: tuple[tuple[bool, int], str, int, list[str]] | None = None
        for d in [layout.delimiter] if layout.delimiter else _DELIMITERS:
            rows = [[c.strip() for c in r] for r in csv.reader(lines, delimiter=d)]
            at = find_header_row(rows, layout)
            header = rows[at] if at < len(rows) else []
            score = (any(role_of(h) in ("time", "date") for h in header), len(header))
            if best is None or score > best[0]:
                best = (score, d, at, header)
        assert best is not None
        _, self.delimiter, at, self.header = best
        self.header_row = at + 1
        self._fh: Any = None
        # bytes after the header row (pyarrow cannot skip a header that has no newline after it)
        self.data_bytes = _bytes_after_lines(file, self.header_row)

    def position(self) -> int:
        return int(self._fh.tell()) if self._fh is not None else 0

    def chunks(self, needed: list[int], offset: int, chunk_rows: int) -> Iterator[Chunk]:
        """Chunks of text columns; a row with the wrong number of fields is set aside as a reject
        (with its row) and reading goes on."""
        width = len(self.header)
        names = [f"c{i}" for i in range(width)]
        invalid: list[tuple[int | None, int, str]] = []

        def on_invalid(row: Any) -> str:
            invalid.append((row.number, int(row.actual_columns), str(row.text)[:500]))
            return "skip"

        read = pacsv.ReadOptions(skip_rows=self.header_row, column_names=names, skip_rows_after_names=offset,
                                 encoding="utf8" if self.encoding == "utf-8" else self.encoding,
                                 block_size=BLOCK_BYTES, use_threads=False)
        parse = pacsv.ParseOptions(delimiter=self.delimiter, ignore_empty_lines=False, invalid_row_handler=on_invalid)
        convert = pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                       include_columns=[names[i] for i in needed], null_values=[""],
                                       strings_can_be_null=True, quoted_strings_can_be_null=True)
        if self.data_bytes == 0:
            return  # a header and nothing else: no readings (pyarrow cannot skip a header without newline)
        self._fh = pa.OSFile(str(self.file))
        numbering = _Numbering(self.header_row + offset + 1, invalid, width, self.where)
        try:
            try:
                reader = pacsv.open_csv(self._fh, read_options=read, parse_options=parse, convert_options=convert)
            except (pa.ArrowInvalid, pa.ArrowException) as exc:
                raise self._unreadable(exc) from exc
            pending: list[pa.RecordBatch] = []
            held = 0
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    break
                except (pa.ArrowInvalid, pa.ArrowException, UnicodeDecodeError) as exc:
                    raise self._unreadable(exc) from exc
                pending.append(batch)
                held += batch.num_rows
                while held >= chunk_rows:
                    table = pa.Table.from_batches(pending)
                    piece, rest = table.slice(0, chunk_rows), table.slice(chunk_rows)
                    yield numbering.chunk({i: piece.column(names[i]).combine_chunks() for i in needed},
                                          piece.num_rows)
                    pending, held = rest.to_batches(), rest.num_rows
            if held or invalid:
                table = pa.Table.from_batches(pending, schema=reader.schema)
                yield numbering.chunk({i: table.column(names[i]).combine_chunks() for i in needed},
                                      table.num_rows, final=True)
        finally:
            self._fh.close()
            self._fh = None

    def _unreadable(self, exc: BaseException) -> InputError:
        text = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        return InputError(f"无法读取 CSV 文件：{text}", f"the CSV file cannot be read: {text}", file=self.where,
                          expected=f"text in {self.encoding}, one row per line")


class _Numbering:
    """Rows of the file for each chunk, around the rows set aside for their number of fields."""

    def __init__(self, first: int, invalid: list[tuple[int | None, int, str]], width: int, where: str) -> None:
        self.next, self.invalid, self.width, self.where = first, invalid, width, where

    def chunk(self, columns: dict[int, pa.Array], num_rows: int, final: bool = False) -> Chunk:
        skipped = sorted(n for n, _, _ in self.invalid if n is not None)
        rows: list[int] = []
        at, k = self.next, 0
        while len(rows) < num_rows:
            while k < len(skipped) and skipped[k] < at:
                k += 1
            if k < len(skipped) and skipped[k] == at:
                at += 1
                continue
            rows.append(at)
            at += 1
        last = at - 1
        taken = [r for r in self.invalid if final or (r[0] is not None and r[0] <= last)]
        self.invalid[:] = [r for r in self.invalid if r not in taken]
        if final and taken:
            last = max([last, *(n for n, _, _ in taken if n is not None)])
        rejects = [{"location": f"{self.where} row {n}" if n is not None else self.where, "field": "row",
                    "reason": f"the row has {count} fields, the header {self.width}",
                    "raw": {"text": text}} for n, count, text in taken]
        first, self.next = self.next, last + 1
        return Chunk(columns, first, num_rows, row_numbers=np.array(rows, dtype=np.int64),
                     span=last + 1 - first, rejects=rejects)


def _guess_encoding(sample: bytes, where: str) -> str:
    """UTF-8 when the sample decodes as UTF-8, else GB18030 (Excel's 'CSV' on Chinese Windows);
    InputError when it is neither."""
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    raise InputError("文件不是 UTF-8 或 GB18030 编码的文本", "the file is not text in UTF-8 or GB18030", file=where,
                     field="encoding", expected="UTF-8 or GB18030 text (or name the encoding in the layout)")


def check_text(file: Path, encoding: str, where: str) -> None:
    """Every byte of ``file`` decodes in ``encoding`` (one streaming pass), else InputError naming the
    line: a file that cannot be read whole is refused before anything is written."""
    decoder = codecs.getincrementaldecoder(encoding)()
    line = 1
    with open(file, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            try:
                text = decoder.decode(block)
            except UnicodeDecodeError as exc:
                line += block[:exc.start].count(b"\n")
                raise InputError(f"第 {line} 行的字节不是 {encoding} 编码的文本", f"the bytes of line {line} are not "
                                 f"{encoding} text", file=where, row=line, field="encoding",
                                 expected="UTF-8 or GB18030 text (or name the encoding in the layout)") from exc
            line += text.count("\n")


def _bytes_after_lines(file: Path, lines: int) -> int:
    """How many bytes follow the first ``lines`` newline-terminated lines (0 when there are fewer)."""
    with open(file, "rb") as fh:
        for _ in range(lines):
            if not fh.readline().endswith(b"\n"):
                return 0
        return max(0, file.stat().st_size - fh.tell())
