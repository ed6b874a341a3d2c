"""Issue 10: every bad input ends in the project's own error with its place, never another exception.

Hypothesis mutates a small valid activity file (YAML, JSON, the Excel template) and a valid meter
CSV, one field, cell, line or byte range at a time, with the values that crashed the importers
before (NaN, INF, ``1,5``, ``0x1F``, ``1E+400``, lone surrogates, deep nesting, units such as ``(``
or ``1/0``, dates such as ``2023-13-45`` …), and runs each file through the service functions the
CLI and API use. Each run either succeeds or raises a :class:`~zerocarbon.errors.ZerocarbonError`
naming the file and a place in it; a refused meter file leaves nothing in the store.

The default run is a few seconds (a fixed seed, a few dozen files of each kind); the ``slow``
variant (``pytest -m slow``) tries many more.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from zerocarbon.errors import InputErrors, ZerocarbonError
from zerocarbon.ingest.activity_file import load_activity_file
from zerocarbon.ingest.template import write_template
from zerocarbon.model.metering import FactorySetup
from zerocarbon.services.inventory.runs import run_loaded
from zerocarbon.services.metering.intake import ingest_meter_file
from zerocarbon.store import schema as s
from zerocarbon.store.db import migrate, transaction
from zerocarbon.store.factories import save_factory_setup

NASTY: list[Any] = [
    "", " ", "abc", "NaN", "nan", "INF", "-Infinity", "1,5", "1,234.5", "0x1F", "1E+400", "1e-400", "-1", "0",
    "yes", "是", "2023-13-45", "2023-13", "0000", "2024-12", "99999", "(", "kWh)", "'", "1/0", "kg**99",
    "万m3", "mwh", "\ud800", "a\x00b", "k" * 5000, "燃料燃烧", "green_power", -1, 0, 10**30, 1.5, float("nan"),
    float("inf"), True, None, [], {}, [[[[["deep"]]]]], {"x": 1},
]
XLSX_NASTY = [v for v in NASTY if not (isinstance(v, str) and any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF
                                                                     for c in v))
              and not isinstance(v, list | dict) and v is not None]
FAST = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure prints its file at once
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SLOW = settings(max_examples=400, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def small_doc(sample_path: Path) -> dict[str, Any]:
    """The sample cut to a few lines (fast to check), still valid."""
    doc: dict[str, Any] = yaml.safe_load(sample_path.read_text(encoding="utf-8"))
    doc["activity"] = [a for a in doc["activity"] if str(a["period"]).startswith("2023")][:6]
    doc["certificates"] = [c for c in doc.get("certificates", []) if not c.get("bundled_with")][:1]
    doc["production"] = doc.get("production", [])[:2]
    return doc


@pytest.fixture(scope="module")
def small_template(small_doc: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz")
    source = folder / "small.yaml"
    source.write_text(yaml.safe_dump(small_doc, allow_unicode=True), encoding="utf-8")
    return write_template(folder / "small.xlsx", load_activity_file(source).data)


def _check_run(path: Path) -> None:
    """Read and compute as the CLI does; only the project's own located errors may come out."""
    try:
        run_loaded(load_activity_file(path), mc_draws=0)
    except ZerocarbonError as exc:
        str(exc).encode("utf-8")
        problems = exc.problems if isinstance(exc, InputErrors) else []
        for p in [exc, *problems]:  # a file that cannot be read at all is named by the file alone
            assert p.file == str(path), f"file not named: {p!s}"
        for p in problems:
            assert p.field or p.row or p.sheet, f"no place named: {p!s}"


def _mutated(doc: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    changed = copy.deepcopy(doc)
    for _ in range(data.draw(st.integers(1, 3))):
        section = data.draw(st.sampled_from(["activity", "factory", "settings", "production", "certificates", "top"]))
        # a copy: the same {} drawn twice (put at the top, then into itself) made a circular document and
        # changed NASTY for every later example
        value = copy.deepcopy(data.draw(st.sampled_from(NASTY)))
        if section == "top":
            key = data.draw(st.sampled_from(["activity", "factory", "certificates", "schema_version", "extra"]))
            changed[key] = value
            continue
        target = changed.get(section)
        if isinstance(target, list) and target:
            target = target[data.draw(st.integers(0, len(target) - 1))]
        if not isinstance(target, dict):
            continue
        key = data.draw(st.sampled_from([*sorted(target), "unknown_field"]))
        if data.draw(st.booleans()) and key in target:
            del target[key]
        else:
            target[key] = value
    return changed


@given(data=st.data())
@FAST
def test_mutated_yaml_and_json(small_doc: dict[str, Any], tmp_path: Path, data: st.DataObject) -> None:
    changed = _mutated(small_doc, data)
    as_json = tmp_path / "f.json"
    as_json.write_text(json.dumps(changed, ensure_ascii=True, default=str), encoding="utf-8")
    _check_run(as_json)
    try:
        text = yaml.safe_dump(changed, allow_unicode=False)
    except yaml.YAMLError:
        return
    as_yaml = tmp_path / "f.yaml"
    as_yaml.write_text(text, encoding="utf-8")
    _check_run(as_yaml)


@given(data=st.data())
@settings(FAST, max_examples=12)
def test_mutated_templates(small_template: Path, tmp_path: Path, data: st.DataObject) -> None:
    path = tmp_path / "t.xlsx"
    shutil.copy(small_template, path)
    wb = openpyxl.load_workbook(path)
    for _ in range(data.draw(st.integers(1, 3))):
        ws = wb[data.draw(st.sampled_from(["企业信息", "活动数据", "活动数据", "绿证", "产量", "设施"]))]
        row = data.draw(st.integers(1, max(4, ws.max_row)))
        col = data.draw(st.integers(1, max(3, ws.max_column)))
        ws.cell(row=row, column=col).value = data.draw(st.sampled_from(XLSX_NASTY))
    wb.save(path)
    if data.draw(st.booleans()):  # sometimes a file cut short
        raw = path.read_bytes()
        path.write_bytes(raw[: len(raw) * data.draw(st.integers(0, 999)) // 1000])
    _check_run(path)


# ---------------------------------------------------------------------------------------- meter files
METER_LINES = [f"E1,2023-01-01 {h:02d}:{m:02d},{h * 4 + m // 15 + 1},kWh" for h in range(3) for m in (0, 15, 30, 45)]
METER_NASTY = ["", ",,,", "E1", "E1,2023-01-01 00:00", "E1,2023-01-01 00:00,1,kWh,9", "E9,2023-01-01 00:00,1,kWh",
               "E1,2023-13-45 00:00,1,kWh", "E1,2023-01-01 00:00,NaN,kWh", "E1,2023-01-01 00:00,1E+400,kWh",
               "E1,2023-01-01 00:00,0x1F,kWh", "E1,2023-01-01 00:00,1,(", "E1,2023-01-01 00:00,1,1/0",
               "E1,2023-01-01 00:00,1," + "k" * 20000, '"E1,2023', "E1,2023-01-01 00:00,-5,kWh", "\t\t", "💥,💥,💥"]


@pytest.fixture(scope="module")
def meter_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzzstore') / 'store.db'}"
    migrate(url)
    save_factory_setup(FactorySetup.model_validate({
        "factory": {"id": "F", "name_zh": "厂", "province": "江苏"},
        "meters": [{"code": "E1", "carrier": "electricity", "unit": "kWh", "register_kind": "interval"}]}), url)
    return url


def _counts(url: str) -> tuple[int, int]:
    with transaction(url) as conn:
        return (int(conn.execute(select(func.count()).select_from(s.readings)).scalar() or 0),
                int(conn.execute(select(func.count()).select_from(s.rejected)).scalar() or 0))


@given(data=st.data())
@FAST
def test_mutated_meter_files(meter_store: str, tmp_path: Path, data: st.DataObject) -> None:
    lines = ["meter,time,value,unit", *METER_LINES]
    for _ in range(data.draw(st.integers(1, 4))):
        lines[data.draw(st.integers(0, len(lines) - 1))] = data.draw(st.sampled_from(METER_NASTY))
    raw = ("\n".join(lines) + data.draw(st.sampled_from(["\n", ""]))).encode("utf-8")
    cut = data.draw(st.sampled_from(["none", "bytes", "cut"]))
    if cut == "bytes":
        at = data.draw(st.integers(0, len(raw)))
        raw = raw[:at] + data.draw(st.sampled_from([b"\xff\xfe", b"\x81\x30\xff", b"\x00", b"\r"])) + raw[at:]
    elif cut == "cut":
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    path = tmp_path / "readings.csv"
    path.write_bytes(raw)
    before = _counts(meter_store)
    try:
        ingest_meter_file(path, "F", url=meter_store)
    except ZerocarbonError as exc:
        str(exc).encode("utf-8")
        assert exc.file is not None or exc.field is not None, f"no place named: {exc!s}"
        assert _counts(meter_store) == before, "a refused file left a partial write"


@pytest.mark.slow
@given(data=st.data())
@SLOW
def test_mutated_yaml_and_json_slow(small_doc: dict[str, Any], tmp_path: Path, data: st.DataObject) -> None:
    test_mutated_yaml_and_json.hypothesis.inner_test(small_doc, tmp_path, data)  # type: ignore[attr-defined]


@pytest.mark.slow
@given(data=st.data())
@SLOW
def test_mutated_meter_files_slow(meter_store: str, tmp_path: Path, data: st.DataObject) -> None:
    test_mutated_meter_files.hypothesis.inner_test(meter_store, tmp_path, data)  # type: ignore[attr-defined]
