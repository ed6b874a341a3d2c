"""Study files: the sample reads; every problem of a broken file is reported with its line and field."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from zerocarbon.errors import InputError, InputErrors
from zerocarbon.services.footprint.study import load_study


def test_sample_study_reads(sample_study: Path) -> None:
    s = load_study(sample_study)
    assert s.synthetic and s.year == 2023 and s.boundary == "cradle-to-grave"
    assert s.stages == ("raw_materials", "production", "distribution", "end_of_life")  # use stage excluded
    assert s.allocation_shares == {"EVP": D("0.7407"), "ESP": D("0.2593")}
    assert isinstance(s.datasets[0].fossil, D)  # numbers read from the text, never through float
    assert [p.id for p in s.products] == ["EVP", "ESP"] and s.suppliers[0].pact_file is not None


def test_errors_are_located(tmp_path: Path, sample_study: Path) -> None:
    text = sample_study.read_text(encoding="utf-8")
    text = (text.replace("{id: bms, quantity: '1', unit: piece}", "{id: nothing, quantity: '1', unit: piece}")
            .replace("{id: copper, quantity: '9', unit: kg}", "{id: copper, quantity: '9', unit: kWh}")
            .replace("dqr: {technological: '4', geographical: '3', temporal: '3'}",
                     "dqr: {technological: '7', geographical: '3', temporal: '3'}", 1)
            .replace("activity_file: sample_factory.yaml", "activity_file: ../demo/sample_factory.yaml")
            .replace("pact_file: sample_supplier_pact.json", "pact_file: missing.json"))
    bad = tmp_path / "study.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(InputErrors) as err:
        load_study(bad)
    by_field = {p.field: p for p in err.value.problems}
    assert "products[0].inputs[2].id" in by_field
    assert "products[0].inputs[3].unit" in by_field
    assert "datasets[3].dqr.technological" in by_field
    assert "suppliers[0].pact_file" in by_field
    lines = text.splitlines()
    nothing = by_field["products[0].inputs[2].id"]
    assert nothing.file == str(bad) and "nothing" in lines[(nothing.row or 0) - 1]
    assert "1..5" in (by_field["datasets[3].dqr.technological"].expected or "")
    en = err.value.message("en")
    assert "input nothing is not defined" in en and "输入 nothing 未定义" in err.value.message("zh")


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "study.yaml"
    bad.write_text("study:\n  id: x\n  title: a: b\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_study(bad)
    assert err.value.row == 3


def test_cut_off_over_its_limit_is_refused(tmp_path: Path, sample_study: Path) -> None:
    text = sample_study.read_text(encoding="utf-8").replace("estimate_pct: '0.4'", "estimate_pct: '2.5'")
    bad = tmp_path / "study.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(InputErrors) as err:
        load_study(bad)
    assert any(p.field == "study.cut_off.excluded" for p in err.value.problems)
