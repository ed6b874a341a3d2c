"""Meter-reading files (CSV/XLSX, long/wide) into the store, on SQLite and the real PostgreSQL server."""

from __future__ import annotations

import itertools
import os
import signal
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from zerocarbon.errors import InputError
from zerocarbon.ingest import files
from zerocarbon.ingest.files import FileLayout, ingest_file
from zerocarbon.ingest.pipeline import ingest_table as real_ingest_table
from zerocarbon.model.metering import FactorySetup
from zerocarbon.services.metering.intake import describe_meter_file, ingest_meter_file, load_factory_setup
from zerocarbon.store import schema as s
from zerocarbon.store.db import transaction
from zerocarbon.store.factories import load_meters, save_factory_setup
from zerocarbon.store.readings import read_current

#: 2023-06-01 00:00 in Asia/Shanghai (UTC+8, no daylight saving since 1991) = 2023-05-31 16:00 UTC
MIDNIGHT = 1_685_548_800
Q = 900  # 15 minutes [s]


def setup(factory: str = "F") -> FactorySetup:
    return FactorySetup.model_validate({
        "factory": {"id": factory, "name_zh": "测试厂", "province": "江苏"},
        "meters": [
            {"code": "E1", "carrier": "electricity", "unit": "kWh", "register_kind": "interval"},
            {"code": "E2", "carrier": "electricity", "unit": "kWh", "register_kind": "interval"},
            {"code": "G1", "carrier": "natural_gas", "unit": "Nm3", "register_kind": "cumulative"},
        ],
    })


def hhmm(seconds: int) -> str:
    """Local wall-clock text of MIDNIGHT + seconds (the day has no clock change)."""
    return f"2023-06-01 {seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def write_csv(path: Path, rows: list[list[Any]], encoding: str = "utf-8", sep: str = ",") -> Path:
    path.write_bytes("\n".join(sep.join("" if c is None else str(c) for c in r) for r in rows).encode(encoding)
                     + b"\n")
    return path


def write_xlsx(path: Path, rows: list[list[Any]], sheet: str = "读数") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def stored(url: str, factory: str = "F") -> list[tuple[str, int, float]]:
    codes = {m.id: code for code, m in load_meters(factory, url).items()}
    table = read_current(list(codes), url=url)
    return sorted((codes[r["meter_id"]], r["ts"], r["value"]) for r in table.to_pylist())


def rejects(url: str, batch_id: int | None = None) -> dict[str, tuple[str, str]]:
    query = select(s.rejected.c.location, s.rejected.c.field, s.rejected.c.reason)
    if batch_id is not None:
        query = query.where(s.rejected.c.batch_id == batch_id)
    with transaction(url) as conn:
        return {loc: (fld, why) for loc, fld, why in conn.execute(query)}


def batch(url: str, batch_id: int) -> dict[str, Any]:
    with transaction(url) as conn:
        return dict(conn.execute(select(s.batches).where(s.batches.c.id == batch_id)).mappings().one())


LONG_ROWS = [["E1", hhmm(i * Q), 1.0 + i] for i in range(4)] + [["G1", hhmm(i * Q), 100.0 + 10 * i] for i in range(4)]
EXPECTED = sorted([("E1", MIDNIGHT + i * Q, 1.0 + i) for i in range(4)]
                  + [("G1", MIDNIGHT + i * Q, 100.0 + 10 * i) for i in range(4)])


# ------------------------------------------------------------------------------------ the four forms
def test_long_csv_english_headers(store_url: str, tmp_path: Path) -> None:
    save_factory_setup(setup(), store_url)
    rows = [[*r, "MWh" if i == 1 else ""] for i, r in enumerate(LONG_ROWS)]
    path = write_csv(tmp_path / "long.csv", [["meter_code", "timestamp", "value", "unit"], *rows])
    report = ingest_meter_file(path, "F", url=store_url)
    assert (report.received, report.accepted, report.rejected, report.duplicates) == (8, 8, 0, 0)
    expected = [(c, t, 2000.0 if (c, t) == ("E1", MIDNIGHT + Q) else v) for c, t, v in EXPECTED]
    assert stored(store_url) == expected
    assert batch(store_url, report.batch_id)["status"] == "done"


def test_wide_csv(store_url: str, tmp_path: Path) -> None:
    save_factory_setup(setup(), store_url)
    rows = [[hhmm(i * Q), 1.0 + i, 100.0 + 10 * i] for i in range(4)]
    path = write_csv(tmp_path / "wide.csv", [["time", "E1", "G1"], *rows])
    assert describe_meter_file(path, "F", url=store_url).layout == "wide"
    report = ingest_meter_file(path, "F", url=store_url)
    assert (report.accepted, report.rejected) == (8, 0)
    assert stored(store_url) == EXPECTED


def test_long_xlsx_chinese_headers_after_a_title(store_url: str, tmp_path: Path) -> None:
    save_factory_setup(setup(), store_url)
    rows = [[code, datetime.strptime(str(t), "%Y-%m-%d %H:%M"), v, "kWh" if code == "E1" else None]
            for code, t, v in LONG_ROWS]
    title = ["某厂计量数据导出 2023年6月"]
    path = write_xlsx(tmp_path / "long.xlsx", [title, ["表计编号", "时间", "读数", "单位"], *rows])
    report = ingest_meter_file(path, "F", url=store_url)
    assert (report.accepted, report.rejected) == (8, 0)
    assert stored(store_url) == EXPECTED


def test_wide_xlsx_chinese_headers(store_url: str, tmp_path: Path) -> None:
    save_factory_setup(setup(), store_url)
    day = datetime(2023, 6, 1)
    rows = [[i + 1, day, f"{i * Q // 3600:02d}:{i * Q % 3600 // 60:02d}", 1.0 + i, 100.0 + 10 * i, "正常"]
            for i in range(4)]
    path = write_xlsx(tmp_path / "wide.xlsx", [["序号", "日期", "时刻", "E1", "G1(Nm3)", "备注"], *rows])
    layout = describe_meter_file(path, "F", url=store_url)
    assert (layout.layout, layout.date_column, layout.time_column) == ("wide", "日期", "时刻")
    assert layout.meter_columns == {"E1": "E1", "G1(Nm3)": "G1"}
    report = ingest_meter_file(path, "F", url=store_url)
    assert (report.accepted, report.rejected) == (8, 0)
    assert stored(store_url) == EXPECTED


# --------------------------------------------------------------------------------------------- time
def test_end_labels_give_the_same_store_as_start_labels(store_url: str, tmp_path: Path) -> None:
    """00:15 labelling 00:00–00:15 (timestamp_is: end) is stored as the interval start; 24:00 is the next midnight.

    Cumulative registers are read at an instant: their times are not shifted.
    """
    save_factory_setup(setup("A"), store_url)
    save_factory_setup(setup("B"), store_url)
    starts = [94, 95]  # the intervals 23:30–23:45 and 23:45–24:00
    head = ["时间", "E1", "G1"]
    start_file = write_csv(tmp_path / "start.csv", [head, *[[hhmm(k * Q), k, None] for k in starts],
                                                    ["2023-06-01 23:45", None, 5.0], ["2023-06-02 00:00", None, 6.0]])
    end_file = write_csv(tmp_path / "end.csv", [head, ["2023-06-01 23:45", 94, 5.0], ["2023-06-01 24:00", 95, 6.0]])
    ingest_meter_file(start_file, "A", url=store_url)
    ingest_meter_file(end_file, "B", {"timestamp_is": "end"}, url=store_url)
    assert stored(store_url, "A") == stored(store_url, "B") == [
        ("E1", MIDNIGHT + 94 * Q, 94.0), ("E1", MIDNIGHT + 95 * Q, 95.0),
        ("G1", MIDNIGHT + 95 * Q, 5.0), ("G1", MIDNIGHT + 96 * Q, 6.0)]


def test_local_time_offsets_and_zones(store_url: str, tmp_path: Path) -> None:
    save_factory_setup(setup("A"), store_url)
    save_factory_setup(setup("B"), store_url)
    path = write_csv(tmp_path / "t.csv", [
        ["meter", "time", "value"],
        ["G1", "2023-06-01 08:00", 1],             # factory time: 00:00 UTC
        ["G1", "2023-06-01T08:15:00+08:00", 2],    # explicit offset: 00:15 UTC
        ["G1", "2023-06-01 00:30Z", 3],            # UTC
        ["G1", "2023/6/1 8:45:00", 4],             # slashes, no padding
        ["G1", "2023年6月1日 09:00", 5],
    ])
    ingest_meter_file(path, "A", url=store_url)
    utc = 1_685_577_600  # 2023-06-01T00:00:00Z
    assert [t for _, t, _ in stored(store_url, "A")] == [utc + k * Q for k in range(5)]
    ingest_meter_file(path, "B", {"timezone": "UTC"}, url=store_url)  # only offset-less times move
    assert [t for _, t, _ in stored(store_url, "B")] == sorted(
        [utc + 8 * 3600, utc + Q, utc + 2 * Q, utc + 8 * 3600 + 3 * Q, utc + 9 * 3600])


# ------------------------------------------------------------------------------------------ rejects
def test_bad_rows_are_rejected_with_their_location(store_url: str, tmp_path: Path) -> None:
    save_factory_setup(setup(), store_url)
    path = write_csv(tmp_path / "bad.csv", [
        ["表计编号", "时间", "数值"],
        ["E1", hhmm(0), 1],           # row 2 ok
        ["X9", hhmm(0), 1],           # row 3 unknown meter
        ["E1", hhmm(Q), "abc"],       # row 4 not a number
        ["E1", "2023-13-01", 1],      # row 5 not a time
        ["E1", hhmm(2 * Q), -5],      # row 6 negative on an interval register
        ["G1", hhmm(0), '"1,234.5"'],  # row 7 ok (thousands separator, quoted)
        ["G1", "2023-02-30 00:00", 1],  # row 8 not a date
    ])
    report = ingest_meter_file(path, "F", url=store_url)
    assert (report.received, report.accepted, report.rejected, report.duplicates) == (7, 2, 5, 0)
    assert stored(store_url) == [("E1", MIDNIGHT, 1.0), ("G1", MIDNIGHT, 1234.5)]
    found = rejects(store_url)
    assert set(found) == {f"bad.csv row {n}" for n in (3, 4, 5, 6, 8)}
    assert found["bad.csv row 3"] == ("meter", "unknown meter 'X9'")
    assert found["bad.csv row 4"] == ("value", "not a number")
    assert found["bad.csv row 5"][0] == "ts" and found["bad.csv row 5"][1].startswith("not a time")
    assert found["bad.csv row 6"] == ("value", "negative value on a interval register")
    assert found["bad.csv row 8"][0] == "ts"
    assert batch(store_url, report.batch_id)["rejected"] == 5


def test_bad_cells_of_a_wide_sheet_name_the_column(store_url: str, tmp_path: Path) -> None:
    save_factory_setup(setup(), store_url)
    path = write_xlsx(tmp_path / "w.xlsx", [
        ["时间", "E1", "E2", "X9"],
        [hhmm(0), 1, 2, None],          # row 2 ok (empty cell: no reading)
        [hhmm(Q), "abc", -1, 3],        # row 3: B not a number, C negative, D unknown meter
        ["2023-13-01", 1, None, None],  # row 4: B bad time
    ], sheet="读数")
    report = ingest_meter_file(path, "F", url=store_url)
    assert (report.received, report.accepted, report.rejected) == (6, 2, 4)
    found = rejects(store_url)
    assert found["w.xlsx 读数 row 3 col B"] == ("value", "not a number")
    assert found["w.xlsx 读数 row 3 col C"][0] == "value"
    assert found["w.xlsx 读数 row 3 col D"] == ("meter", "unknown meter 'X9'")
    assert found["w.xlsx 读数 row 4 col B"][0] == "ts"


def test_chinese_excel_csv_gb18030_semicolon_decimal_comma(store_url: str, tmp_path: Path) -> None:
    save_factory_setup(setup(), store_url)
    path = write_csv(tmp_path / "gbk.csv", [["表计编号", "时间", "读数(MWh)"], ["E1", hhmm(0), "1.234,5"]],
                     encoding="gb18030", sep=";")
    report = ingest_meter_file(path, "F", {"decimal_comma": True}, url=store_url)
    assert report.accepted == 1
    assert stored(store_url) == [("E1", MIDNIGHT, 1_234_500.0)]


def test_a_ragged_csv_row_is_rejected_naming_the_row_and_the_import_goes_on(store_url: str, tmp_path: Path) -> None:
    """Issue 10: a row with the wrong number of fields is a reject (with its row), not the end of the import;
    the rows after it keep their own row numbers."""
    save_factory_setup(setup(), store_url)
    path = tmp_path / "ragged.csv"
    path.write_text(f"meter,time,value\nE1,{hhmm(0)},1\nE1,{hhmm(Q)}\nE1,{hhmm(2 * Q)},3,9\nE1,{hhmm(3 * Q)},x\n"
                    f"E1,{hhmm(4 * Q)},5\n", encoding="utf-8")
    report = ingest_meter_file(path, "F", url=store_url)
    assert (report.accepted, report.rejected) == (2, 3)
    found = rejects(store_url, report.batch_id)
    assert found["ragged.csv row 3"][0] == "row" and found["ragged.csv row 4"][0] == "row"
    assert found["ragged.csv row 5"][0] == "value"  # numbered as in the file, after the set-aside rows


def test_bad_setup_and_unknown_factory_are_input_errors(store_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "setup.yaml"
    bad.write_text("factory: {id: F, name_zh: 厂, province: 江苏}\nmeters:\n"
                   "  - {code: E1, carrier: electricity, unit: kWh, register_kind: monthly}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_factory_setup(bad, store_url)
    assert err.value.field == "meters[1].register_kind" and err.value.file == str(bad)
    bad.write_text("factory: {id: F, name_zh: 厂, province: 江苏}\nmeters:\n"
                   "  - {code: E1, carrier: electricity, unit: kWh, register_kind: interval}\n"
                   "  - {code: E1, carrier: electricity, unit: kWh, register_kind: interval}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_factory_setup(bad, store_url)
    assert err.value.field == "meters[1].code"  # the model names the first of the two
    with pytest.raises(InputError):
        load_factory_setup(tmp_path / "missing.yaml", store_url)
    good = tmp_path / "good.json"
    good.write_text(setup().model_dump_json(), encoding="utf-8")
    assert set(load_factory_setup(good, store_url)) == {"E1", "E2", "G1"}
    csv_file = write_csv(tmp_path / "x.csv", [["meter", "time", "value"], ["E1", hhmm(0), 1]])
    with pytest.raises(InputError):
        ingest_meter_file(csv_file, "NOPE", url=store_url)
    with pytest.raises(InputError):
        ingest_meter_file(write_csv(tmp_path / "y.csv", [["a", "time", "b"], ["1", hhmm(0), 2]]), "F",
                          url=store_url)


# ------------------------------------------------------------------------------ idempotence, resume
def test_reimporting_a_file_only_finds_duplicates(store_url: str, tmp_path: Path) -> None:
    save_factory_setup(setup(), store_url)
    path = write_csv(tmp_path / "long.csv", [["meter", "time", "value"], *LONG_ROWS])
    first = ingest_meter_file(path, "F", url=store_url)
    before = stored(store_url)
    again = ingest_meter_file(path, "F", url=store_url)
    resumed = ingest_meter_file(path, "F", url=store_url, resume=True)  # finished: a new batch, all duplicates
    assert (first.accepted, first.duplicates) == (8, 0)
    for r in (again, resumed):
        assert (r.accepted, r.duplicates, r.rejected) == (0, 8, 0)
    assert len({first.batch_id, again.batch_id, resumed.batch_id}) == 3
    assert stored(store_url) == before == EXPECTED


def _resume_file(tmp_path: Path) -> Path:
    rows = [["E1" if k % 3 else "G1", hhmm(k * Q), float(k)] for k in range(21)]
    rows[7][2] = "abc"   # data row 8
    rows[16][0] = "X9"   # data row 17
    return write_csv(tmp_path / "resume.csv", [["meter", "time", "value"], *rows])


def test_resume_after_an_interruption_equals_one_clean_run(store_url: str, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    save_factory_setup(setup("A"), store_url)
    save_factory_setup(setup("CLEAN"), store_url)
    path = _resume_file(tmp_path)
    clean = ingest_file(path, "CLEAN", url=store_url, chunk_rows=5)

    real = real_ingest_table
    calls = itertools.count(1)

    def flaky(*args: Any, **kwargs: Any) -> Any:
        if next(calls) == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(files, "ingest_table", flaky)
    with pytest.raises(KeyboardInterrupt):
        ingest_file(path, "A", url=store_url, chunk_rows=5)
    monkeypatch.setattr(files, "ingest_table", real)
    with transaction(store_url) as conn:
        halted = dict(conn.execute(select(s.batches).where(s.batches.c.name.like("A:%"))).mappings().one())
    assert (halted["status"], halted["resume_offset"]) == ("interrupted", 10)
    assert halted["accepted"] == 9 and halted["rejected"] == 1  # rows 1–10, one of them 'abc'

    done = ingest_file(path, "A", url=store_url, chunk_rows=5, resume=True)
    assert done.batch_id == halted["id"]
    assert done.to_dict() | {"batch_id": 0} == clean.to_dict() | {"batch_id": 0}
    assert (done.received, done.accepted, done.rejected) == (21, 19, 2)
    final = batch(store_url, done.batch_id)
    assert (final["status"], final["resume_offset"], final["accepted"], final["rejected"]) == ("done", 21, 19, 2)
    assert stored(store_url, "A") == stored(store_url, "CLEAN")
    assert rejects(store_url, done.batch_id) == rejects(store_url, clean.batch_id)
    with transaction(store_url) as conn:
        count = conn.execute(select(func.count()).select_from(s.rejected)
                             .where(s.rejected.c.batch_id == done.batch_id)).scalar_one()
    assert count == 2


def test_ctrl_c_waits_for_the_chunk_to_commit(store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A SIGINT during a chunk lets that chunk and its offset commit, then stops."""
    save_factory_setup(setup(), store_url)
    path = _resume_file(tmp_path)
    real = real_ingest_table
    calls = itertools.count(1)

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        if next(calls) == 2:
            os.kill(os.getpid(), signal.SIGINT)
        return real(*args, **kwargs)

    monkeypatch.setattr(files, "ingest_table", interrupted)
    with pytest.raises(KeyboardInterrupt):
        ingest_file(path, "F", url=store_url, chunk_rows=5)
    with transaction(store_url) as conn:
        row = conn.execute(select(s.batches.c.status, s.batches.c.resume_offset)).one()
    assert tuple(row) == ("interrupted", 10)
    assert len(stored(store_url)) == 9


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(range(len(LONG_ROWS))), chunk_rows=st.integers(1, len(LONG_ROWS)))
def test_row_order_and_chunking_do_not_change_the_store(store_url: str, tmp_path: Path, order: list[int],
                                                        chunk_rows: int) -> None:
    factory = f"H{next(_FACTORIES)}"
    save_factory_setup(setup(factory), store_url)
    path = write_csv(tmp_path / f"{factory}.csv", [["meter", "time", "value"], *[LONG_ROWS[i] for i in order]])
    report = ingest_file(path, factory, FileLayout(layout="long"), url=store_url, chunk_rows=chunk_rows)
    assert (report.accepted, report.rejected) == (len(LONG_ROWS), 0)
    assert stored(store_url, factory) == EXPECTED


_FACTORIES = itertools.count()
