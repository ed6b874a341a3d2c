"""The shipped sample file is exactly what the seeded generator makes."""

from __future__ import annotations

from pathlib import Path

from zerocarbon.demo.generator import SAMPLE_FILE, render
from zerocarbon.ingest.activity_file import load_activity_file


def test_shipped_sample_equals_generator() -> None:
    assert SAMPLE_FILE.read_text(encoding="utf-8") == render()


def test_sample_covers_the_issue(sample_path: Path) -> None:
    data = load_activity_file(sample_path).data
    cats = {a.category.value for a in data.activity}
    assert cats >= {"fuel_combustion", "process_carbonate", "electricity_purchased", "electricity_exported",
                    "heat_purchased", "onsite_renewable"}
    items = {a.item for a in data.activity if a.item}
    assert {"天然气", "柴油", "液化石油气", "Na2CO3"} <= items
    assert data.factory.province == "江苏" and data.factory.synthetic
    assert len(data.factory.products) == 2 and data.certificates
    assert any(a.electricity_kind == "green_power" for a in data.activity)
    assert data.years() == [2022, 2023]
