"""A query reads only the parts whose statistics say they may hold its meters and times."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from zerocarbon.store import columnar


def _part(path: Path, meters: list[int], ts: list[int], statistics: bool = True) -> str:
    table = pa.table({"meter_id": pa.array(meters, pa.int64()), "ts": pa.array(ts, pa.int64()),
                      "value": pa.array([1.0] * len(meters)), "flags": pa.array([0] * len(meters), pa.int64())})
    pq.write_table(table, path, write_statistics=statistics, row_group_size=2)
    return str(path)


def test_parts_outside_the_meters_or_times_are_left_out(tmp_path: Path) -> None:
    a = _part(tmp_path / "part-a.parquet", [1, 2, 3], [100, 200, 300])      # meters 1..3, ts 100..300
    b = _part(tmp_path / "part-b.parquet", [10, 12], [100, 900])            # meters 10..12, ts 100..900
    c = _part(tmp_path / "part-c.parquet", [5, 6], [100, 200], statistics=False)
    files = [a, b, c]
    assert columnar.part_range(a) == (1, 3, 100, 300)
    assert columnar.part_range(c) is None                      # no statistics: always read
    assert columnar.overlapping(files, None, None, None) == files
    assert columnar.overlapping(files, [2], None, None) == [a, c]
    assert columnar.overlapping(files, [4, 11], None, None) == [b, c]   # 11 lies inside b's range
    assert columnar.overlapping(files, [4, 9, 13], None, None) == [c]   # none inside a's or b's range
    assert columnar.overlapping(files, [], None, None) == [c]
    assert columnar.overlapping(files, None, 301, None) == [b, c]       # a ends at 300
    assert columnar.overlapping(files, None, None, 100) == [c]          # [.., 100) ends before every part
    assert columnar.overlapping(files, None, 300, 301) == [a, b, c]


def test_a_query_through_the_cache_is_unchanged_by_the_choice_of_parts(tmp_path: Path) -> None:
    """The readings a meter subset gets are those of a filter over every part."""
    import duckdb

    files = [_part(tmp_path / f"part-{i}.parquet", [2 * i + 1, 2 * i + 2], [100 * i, 100 * i + 50]) for i in range(6)]
    con = duckdb.connect()
    for ids, lo, hi in (([3, 4, 9], 0, 10_000), ([1, 12], 100, 500), ([7], 0, 50)):
        cond = f"meter_id IN ({','.join(map(str, ids))}) AND ts >= {lo} AND ts < {hi}"
        every = con.sql(f"SELECT * FROM read_parquet({files!r}) WHERE {cond} ORDER BY ALL").fetchall()
        chosen = columnar.overlapping(files, ids, lo, hi)
        some = con.sql(f"SELECT * FROM read_parquet({chosen!r}) WHERE {cond} ORDER BY ALL").fetchall() if chosen \
            else []
        assert some == every
