"""Issue 10: no silent period changes (services/inventory/runs.py, the year selection of run_loaded).

Found: a line dated 2024-12 in a 2023 file flipped the inventory year to 2024 (230.73 t printed,
exit 0); with ``--year 2023`` December's gas silently disappeared. Now a line outside the
inventory's year is an error naming it, unless the user asks for a multi-year file and a year;
then the results list what was left out. The base year's lines (``factory.base_year``) belong in
the file (the sample holds 2022 and 2023).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from zerocarbon.errors import InputError, InputErrors
from zerocarbon.ingest.activity_file import LoadedInput, load_activity_file
from zerocarbon.services.inventory.runs import run_inventory, run_loaded


@pytest.fixture(scope="module")
def doc(sample_path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(sample_path.read_text(encoding="utf-8"))
    return data


def _with_line_in(doc: dict[str, Any], period: str, path: Path) -> Path:
    changed = copy.deepcopy(doc)
    line = copy.deepcopy(next(a for a in changed["activity"] if str(a["period"]).startswith("2023-12")))
    line["id"], line["period"] = "LATE-01", period
    changed["activity"].append(line)
    path.write_text(yaml.safe_dump(changed, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_the_sample_with_its_base_year_runs(sample_path: Path) -> None:
    run = run_inventory(sample_path, mc_draws=0)
    assert run.year == 2023 and run.left_out == []
    assert run_inventory(sample_path, 2022, mc_draws=0).year == 2022  # the base year can be reported too


def test_a_line_of_another_year_does_not_flip_the_year(doc: dict[str, Any], tmp_path: Path) -> None:
    path = _with_line_in(doc, "2024-12", tmp_path / "late.yaml")
    with pytest.raises(InputError) as info:
        run_inventory(path, mc_draws=0)
    exc = info.value
    assert not isinstance(exc, InputErrors)
    assert exc.file == str(path) and exc.field is not None and exc.field.endswith(".period")
    assert "LATE-01" in exc.message_zh and "2024-12" in exc.message_en and "2023" in exc.message_en


def test_with_year_the_other_years_line_is_named_not_dropped(doc: dict[str, Any], tmp_path: Path) -> None:
    path = _with_line_in(doc, "2024-12", tmp_path / "late.yaml")
    with pytest.raises(InputError) as info:
        run_inventory(path, 2023, mc_draws=0)
    assert "LATE-01" in info.value.message_en


def test_multi_year_with_a_year_lists_what_was_left_out(doc: dict[str, Any], tmp_path: Path) -> None:
    path = _with_line_in(doc, "2024-12", tmp_path / "late.yaml")
    run = run_inventory(path, 2023, mc_draws=0, multi_year=True)
    assert run.year == 2023
    assert [(r["id"], r["period"]) for r in run.left_out] == [("LATE-01", "2024-12")]
    assert run.to_dict()["left_out"][0]["id"] == "LATE-01"
    plain = run_inventory(_with_line_in(doc, "2023-12", tmp_path / "same.yaml"), 2023, mc_draws=0)
    assert "LATE-01" in {r.line.id for r in plain.inventory.lines}
    with pytest.raises(InputError):  # a multi-year file needs the year to report
        run_inventory(path, mc_draws=0, multi_year=True)


def test_an_excel_line_outside_the_year_names_sheet_and_row(sample_path: Path, doc: dict[str, Any],
                                                             tmp_path: Path) -> None:
    from zerocarbon.ingest.template import write_template

    yaml_path = _with_line_in(doc, "2024-12", tmp_path / "late.yaml")
    xlsx = write_template(tmp_path / "late.xlsx", load_activity_file(yaml_path).data)
    with pytest.raises(InputError) as info:
        run_inventory(xlsx, 2023, mc_draws=0)
    assert info.value.sheet == "活动数据" and info.value.row is not None and info.value.field == "期间"


def test_no_activity_lines_is_an_input_error_not_an_index_error(sample_path: Path) -> None:
    """Found by the fuzz: ``activity: []`` ended in IndexError in the inventory service."""
    loaded = load_activity_file(sample_path)
    empty = LoadedInput(loaded.data.model_copy(update={"activity": []}), loaded.path, {})
    with pytest.raises(InputError) as info:
        run_loaded(empty, mc_draws=0)
    assert info.value.field == "activity"
