"""Hour roll-ups written by the engine into files (no Arrow on the way) and joined with the factors where they lie:
the same rows as the whole scan's hours in Arrow, and the same hourly carbon, whatever the chunks and ranges."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest
from tests.services.metering.test_activity import _load

from zerocarbon.factors import default_library
from zerocarbon.services.metering import activity as mi
from zerocarbon.services.metering import rollups as kept
from zerocarbon.services.metering import year as metered
from zerocarbon.store import rollup_files
from zerocarbon.timeseries import carbon as tc
from zerocarbon.timeseries import year as core_year


def _carbon_rows(table: pa.Table) -> list[dict[str, object]]:
    cols = [c for c in tc.CARBON_COLUMNS]
    return [{k: (v.as_py() if hasattr(v, "as_py") else v) for k, v in r.items()}
            for r in table.select(cols).to_pylist()]


@pytest.mark.parametrize("one_meter_chunks", [False, True])
def test_kept_hour_files_equal_the_whole_scan(store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              one_meter_chunks: bool) -> None:
    monkeypatch.setenv(rollup_files.ENV, str(tmp_path / "rollups"))
    _load(store_url)
    whole = metered.metered_year("F1", 2023, store_url, estimate="linear", hourly=True)  # hours in Arrow
    if one_meter_chunks:
        monkeypatch.setattr(core_year, "CHUNK_READINGS", 1)  # a file per meter and month
    cold = kept.kept_year("F1", 2023, store_url, hourly=True)
    assert cold.hour_parts and cold.hourly_values is None  # written by the engine, not brought into Python
    folder = Path(cold.hour_parts[0]).parent
    manifest = json.loads((folder / rollup_files.MANIFEST).read_text(encoding="utf-8"))
    assert sorted(manifest["months"], key=int) == [str(m) for m in range(12)]
    assert sorted(p.name for p in folder.glob("*.parquet")) == sorted(Path(p).name for p in cold.hour_parts)
    if one_meter_chunks:  # real meters with readings in January: one file each
        assert len(manifest["months"]["0"]) >= 4
    ordered = whole.hourly().sort_by([("meter_id", "ascending"), ("ts", "ascending")])
    assert cold.hourly().equals(ordered)  # read back on demand: the same rows, columns and types, in order
    warm = kept.kept_year("F1", 2023, store_url, hourly=True)
    assert warm.hour_parts and warm.hourly_values is None and warm.hourly().equals(ordered)
    # hourly carbon joined over the files (in ranges of one meter) = the join over the whole scan's Arrow
    lib = default_library()
    factors = tc.annual_factors(whole.factory.meters, 2023, whole.factory.province, library=lib)
    reference = tc.hourly_carbon(whole.hourly(), factors.table)
    assert warm.hour_parts is not None
    ranged = tc.hourly_carbon(warm.hour_parts, factors.table, rows_per_query=1)
    assert _carbon_rows(ranged) == _carbon_rows(reference)
    served = mi.hourly_carbon("F1", 2023, store_url, estimate="linear", library=lib)
    assert _carbon_rows(served) == _carbon_rows(reference)


def test_replaced_hour_files_go_after_the_grace_period(store_url: str, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(rollup_files.ENV, str(tmp_path / "rollups"))
    _load(store_url)
    first = kept.kept_year("F1", 2023, store_url, hourly=True)
    assert first.hour_parts
    folder = Path(first.hour_parts[0]).parent
    # a new whole scan (the kept state forgotten): the old files stay for readers within the grace period
    (folder / rollup_files.MANIFEST).write_text("{}", encoding="utf-8")
    second = kept.kept_year("F1", 2023, store_url, hourly=True)
    assert second.hour_parts and set(second.hour_parts).isdisjoint(first.hour_parts)
    assert all(Path(p).exists() for p in first.hour_parts)
    assert first.hourly().equals(second.hourly())
    monkeypatch.setattr(rollup_files, "GRACE", -1)
    (folder / rollup_files.MANIFEST).write_text("{}", encoding="utf-8")
    third = kept.kept_year("F1", 2023, store_url, hourly=True)
    assert third.hour_parts
    left = sorted(p.name for p in folder.iterdir())
    assert left == sorted([rollup_files.MANIFEST, *(Path(p).name for p in third.hour_parts)])
    assert not list(folder.parent.glob(".stage-*"))  # the staging folders are gone
