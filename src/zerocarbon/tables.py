"""Reference tables shipped as CSV with their provenance in ``#`` header lines.

Every reference table of the core (equipment efficiency grades, quota levels, CBAM default values …) is a
CSV whose first lines, starting with ``#``, say where its values were read (document, edition, table,
URL or public repository path and commit), and whose rows each carry a ``status``: ``verified`` (a
second independent source agrees) or ``unverified`` (one source). This module reads them; it sits below
every core package so that any of them can use it without importing another.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from zerocarbon.errors import FactorError

#: The statuses a reference row may carry.
STATUSES = ("verified", "unverified")


def table_reader(path: Path, columns: tuple[str, ...]) -> csv.DictReader[str]:
    """The rows of a reference CSV, its ``#`` lines (the header that carries the table's provenance) left out,
    after checking that it has ``columns``.

    Raises
    ------
    FactorError
        A column is missing.
    """
    text = "".join(line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
                   if not line.startswith("#"))
    reader = csv.DictReader(io.StringIO(text))
    missing = set(columns) - set(reader.fieldnames or ())
    if missing:
        raise FactorError(f"参考数据缺少列：{sorted(missing)}", f"reference data lacks columns {sorted(missing)}",
                          file=path.name)
    return reader
