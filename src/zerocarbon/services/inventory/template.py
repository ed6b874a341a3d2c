"""Use case: the Excel template of activity data (Chinese headers, English second row), empty or filled.

The CLI writes it to a file (``zerocarbon template``), the API serves the blank one
(GET /activity-template.xlsx). The columns and their vocabulary are the importer's
(:mod:`zerocarbon.ingest.columns`), so a filled template reads back as the input it was written from.
"""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

from zerocarbon.ingest.template import write_template as _write_template
from zerocarbon.model.inventory_input import InventoryInput

__all__ = ["blank_template", "write_template"]


def write_template(path: str | Path, example: InventoryInput | None = None) -> Path:
    """Write the template to ``path`` (.xlsx); with ``example`` its sheets are filled with that input.

    Returns
    -------
    Path
        The file written.
    """
    return _write_template(path, example)


@cache
def blank_template(name: str = "zerocarbon-activity-template.xlsx") -> bytes:
    """The bytes of the blank template (written once per process under the file name ``name``)."""
    with tempfile.TemporaryDirectory(prefix="zerocarbon-template-") as folder:
        return _write_template(Path(folder) / name).read_bytes()

