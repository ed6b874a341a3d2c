"""The columnar cache of the embedded store never changes a figure, whatever happens to it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pytest

from zerocarbon.ingest.pipeline import IngestReport, close_batch, ingest_table, open_batch
from zerocarbon.model.metering import FactorySetup
from zerocarbon.store import columnar
from zerocarbon.store.factories import save_factory_setup
from zerocarbon.store.readings import correct_reading, read_current

T0 = 1_700_000_100
SETUP = FactorySetup.model_validate({
    "factory": {"id": "F", "name_zh": "测试厂", "province": "江苏"},
    "meters": [{"code": f"E{i}", "carrier": "electricity", "unit": "kWh", "register_kind": "interval"}
               for i in range(3)]})


def _rows(n: int, offset: int = 0) -> dict[str, list[object]]:
    return {"meter": [f"E{i % 3}" for i in range(n)], "ts": [T0 + 900 * (offset + i // 3) for i in range(n)],
            "value": [float(offset + i) for i in range(n)]}


def _load(url: str, n: int, offset: int = 0, close: bool = True) -> int:
    batch = open_batch("test", "t", url=url, factory_id="F")
    report = ingest_table(_rows(n, offset), "F", batch, "test", url, now=T0 + 10**7)
    if close:
        close_batch(report, url=url)
    return batch


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    from zerocarbon.store.db import migrate

    url = f"sqlite:///{tmp_path / 'c.db'}"
    migrate(url)
    save_factory_setup(SETUP, url)
    return url


def test_cache_matches_store_and_server(sqlite_url: str, store_url: str) -> None:
    """The same data read through the cache (SQLite) and straight from the table (PostgreSQL or a
    second SQLite) is identical, including an open batch and a correction."""
    save_factory_setup(SETUP, store_url)
    for url in (sqlite_url, store_url):
        _load(url, 300)
        _load(url, 90, offset=100, close=False)  # still open: read live
        correct_reading(1, T0, 42.0, "test", url=url)
    a, b = read_current(url=sqlite_url), read_current(url=store_url)
    assert a.num_rows == 300 + 90 and a.equals(b)
    root = columnar.cache_dir(sqlite_url)
    assert root is not None and any(root.glob("batch-*/COMPLETE.json"))


def test_lost_part_is_re_exported(sqlite_url: str) -> None:
    batch = _load(sqlite_url, 300, close=False)
    expected_rows = 300
    root = columnar.cache_dir(sqlite_url)
    assert root is not None
    for part in (root / f"batch-{batch:08d}").glob("part-*.parquet"):
        part.unlink()  # as if the process died between the commit and the part write
    close_batch(IngestReport(batch_id=batch), url=sqlite_url)
    assert read_current(url=sqlite_url).num_rows == expected_rows


def test_stray_part_is_discarded(sqlite_url: str) -> None:
    batch = _load(sqlite_url, 30, close=False)
    columnar.write_part(batch, pa.table({"meter_id": [1], "ts": [T0 + 10**6], "value": [1.0], "flags": [0]}),
                        sqlite_url)  # a part whose rows never committed
    close_batch(IngestReport(batch_id=batch), url=sqlite_url)
    assert read_current(url=sqlite_url).num_rows == 30


def test_deleted_cache_is_rebuilt(sqlite_url: str) -> None:
    _load(sqlite_url, 60)
    before = read_current(url=sqlite_url)
    root = columnar.cache_dir(sqlite_url)
    assert root is not None
    shutil.rmtree(root)
    assert read_current(url=sqlite_url).equals(before)


def test_filters(sqlite_url: str) -> None:
    _load(sqlite_url, 300)
    part = read_current([1], T0, T0 + 900 * 10, sqlite_url)
    assert part.num_rows == 10 and set(part.column("meter_id").to_pylist()) == {1}


def test_batch_that_inserted_nothing_closes(sqlite_url: str) -> None:
    """A re-sent batch inserts no rows and has no parts; closing it must still mark it complete."""
    _load(sqlite_url, 30)
    _load(sqlite_url, 30)
    assert read_current(url=sqlite_url).num_rows == 30
