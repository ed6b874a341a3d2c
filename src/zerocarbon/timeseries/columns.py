"""Small helpers between Python rows and Arrow columns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def transpose(rows: Sequence[Sequence[Any]], width: int) -> list[list[Any]]:
    """Rows of ``width`` values → ``width`` column lists (empty columns when there are no rows)."""
    columns: list[list[Any]] = [[] for _ in range(width)]
    for row in rows:
        for i in range(width):
            columns[i].append(row[i])
    return columns
