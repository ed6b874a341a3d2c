"""No float noise in any output of the main job (issue 9: "No float noise anywhere").

The main job (``zerocarbon demo``: :func:`zerocarbon.services.demo.main.run_demo`, run once per
session by the ``demo_store`` fixture of ``tests/conftest.py``) writes the inventory JSON, the
HTML reports (zh-CN and en), the workbook, ``metering.json`` and the other reports of later stages.
Every figure in them must be the exact decimal of its inputs or a deliberately rounded display
value. Two shapes give arithmetic noise away:

* a fraction that ends in a run of eight or more zeros or nines and then a last digit or two
  (``1406600.000000003``, ``1294399.9999999993``, ``4.754338616104000000000000001``): the residue
  of binary floats, or of 28-digit Decimal division, on a figure that is exact;
* an exponent of −10 or below printed as a figure (``4.4e-15``): a difference that is zero
  in exact arithmetic, shown as if it were a measurement.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from tests.conftest import DemoStore

NOISE = re.compile(r"(?<![\w.])-?\d+\.\d*?(?:0{8,}[1-9]\d{0,2}|9{8,}\d{1,3})(?![\d\w])")
PLOTLY_BUNDLE = re.compile(r'<script id="plotly-js">.*?</script>', re.S)
TINY_EXPONENT = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?[eE]-(?:1\d|[2-9]\d|\d{3})(?![\w])")


def noise_in(text: str) -> list[str]:
    """Every noisy number in ``text``."""
    return NOISE.findall(text) + TINY_EXPONENT.findall(text)


@pytest.mark.parametrize(("text", "found"), [
    ("1406600.000000003 kWh", ["1406600.000000003"]),
    ("1294399.9999999993", ["1294399.9999999993"]),
    ('"4.754338616104000000000000001"', ["4.754338616104000000000000001"]),
    ("largest relative difference 4.4e-15", ["4.4e-15"]),
    ("-16.660840000000018", ["-16.660840000000018"]),
    # exact and display values are not noise
    ("1406600 kWh, 1,406.60 MWh, 0.5306 tCO2/MWh, 22,763.82, 18519.01901882009599999999", []),
    ("24958.39880954213333333333333, 1.0e-3, 2e+05, 0.0e+00, 100000000.5, 8000.000", []),
])
def test_the_pattern(text: str, found: list[str]) -> None:
    assert noise_in(text) == found


def _outputs(out: Path) -> Iterator[tuple[str, str]]:
    """(where, text) for every figure-bearing output: JSON and HTML files whole, workbook cell by cell."""
    for path in sorted(out.rglob("*")):
        if path.suffix in (".json", ".html"):
            # the inline plotly bundle is the library's code (its constants), not a figure of ours
            yield path.name, PLOTLY_BUNDLE.sub("", path.read_text(encoding="utf-8"))
        elif path.suffix == ".xlsx":
            wb = load_workbook(path, read_only=True)
            for ws in wb.worksheets:
                for row in ws.iter_rows():
                    for cell in row:
                        if isinstance(cell.value, (float, str)):
                            value = repr(cell.value) if isinstance(cell.value, float) else cell.value
                            yield f"{path.name}!{ws.title}!{cell.coordinate}", value
            wb.close()


def test_no_float_noise_in_any_output_of_the_main_job(demo_store: DemoStore) -> None:
    """Render every output of the main job and search all of it for float noise."""
    out = demo_store.declared_dir.parent
    names = {p.name for p in out.iterdir()}
    assert {"inventory.json", "metering.json", "inventory_report.zh-CN.html", "inventory_report.en.html",
            "inventory.xlsx"} <= names
    found: dict[str, list[str]] = {}
    for where, text in _outputs(out):
        hits = noise_in(text)
        if hits:
            found.setdefault(where.split("!")[0], []).extend(
                f"{where.partition('!')[2] or ''} {h}".strip() for h in hits)
    summary = "; ".join(f"{name}: {len(hits)} (e.g. {', '.join(hits[:4])})" for name, hits in found.items())
    assert not found, f"float noise in the main job's outputs — {summary}"
