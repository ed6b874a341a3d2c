"""Criteria sets as data: the shipped file validates, every criterion cites a findable source."""

from __future__ import annotations

from pathlib import Path

import pytest

from zerocarbon.assessment.criteria import criteria_set, load_criteria
from zerocarbon.errors import InputError


def test_shipped_sets_validate_and_cite_sources() -> None:
    f = load_criteria()
    ids = [s.id for s in f.sets]
    assert ids[0] == "miit-2026-national" and {
        "ndrc-2025-park",
        "hunan-2025",
        "jiangsu-2026",
        "zhejiang-2023",
        "ceca-0171-2022",
    } <= set(ids)
    for s in f.sets:
        for src in s.sources.values():
            assert src.url or src.repo or src.confidence in ("local", "S"), (s.id, src.text)
            assert "memory" not in src.text.lower()
        for c in s.criteria:
            assert c.source in s.sources
    national = criteria_set()
    assert national.default and national.confidence == "S"  # thresholds from one secondary report: labelled


def test_a_threshold_is_a_data_change(tmp_path: Path) -> None:
    text = (Path(__file__).parents[2] / "src/zerocarbon/assessment/data/criteria_sets.yaml").read_text("utf-8")
    changed = text.replace('threshold: "1.8"', 'threshold: "1.6"', 1)
    path = tmp_path / "criteria.yaml"
    path.write_text(changed, encoding="utf-8")
    c = next(c for c in criteria_set("miit-2026-national", path).criteria if c.id == "1.1-basic")
    assert str(c.threshold) == "1.6"


def test_bad_files_are_located_errors(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("schema_version: 1\nversion: x\nsets:\n  - id: a\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_criteria(path)
    assert err.value.file == str(path) and "sets" in (err.value.field or "")
    path.write_text("sets: [", encoding="utf-8")
    with pytest.raises(InputError):
        load_criteria(path)
    with pytest.raises(InputError) as unknown:
        criteria_set("nope")
    assert "miit-2026-national" in unknown.value.message_en
