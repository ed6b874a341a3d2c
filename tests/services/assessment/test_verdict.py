"""The zero-carbon evaluation of the sample factory, from every capability's result; located input errors."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from zerocarbon.errors import InputError
from zerocarbon.services.assessment.declaration import load_declaration
from zerocarbon.services.assessment.runs import assess_files, write_assessment
from zerocarbon.services.assessment.verdict import assess, load_ledger

DEMO = Path(__file__).parents[3] / "src" / "zerocarbon" / "demo"


@pytest.fixture(scope="module")
def sample():  # type: ignore[no-untyped-def]
    return assess_files(
        DEMO / "sample_factory.yaml",
        year=2023,
        declaration=DEMO / "sample_assessment.yaml",
        ledger=DEMO / "sample_ledger.yaml",
    )


def test_sample_verdict_and_its_gap_list(sample) -> None:  # type: ignore[no-untyped-def]
    run, result, _ = sample
    main = result.main
    assert main.criteria_set.id == "miit-2026-national"
    # 17,510.2 MWh non-fossil electricity, 3,510.2 MWh of it on site or direct: 20.05 % < 35 % at 45,309.8 MWh ≥ 5 GWh
    r = main.result("1.3-basic")
    assert r.status == "not_met"
    assert r.indicator is not None and r.indicator.value == Decimal("3510.2") / Decimal("17510.2")
    x = next(k for k in r.closers if k.kind == "traceable_mwh")
    assert x.amount is not None and abs(
        x.amount - (Decimal("0.35") * Decimal("17510.2") - Decimal("3510.2")) / Decimal("0.65")
    ) < Decimal("1e-20")
    # the intensity needs the year's equal-value coefficient, which the sample does not state: not assessable, said why
    i = main.result("1.1-basic")
    assert i.status == "not_assessable" and "供电标准煤耗" in i.reason_zh and "equal value" in i.reason_en
    assert main.level("basic").status == "not_met"
    assert [g.criterion.id for g in main.gaps][:2] == ["1.1-basic", "1.1-target"]  # missing data first
    # the ledger's 3,000 t of credits against scope 1 + scope 2 market-based
    offset = result.indicators["offset_share_scope12"].value
    assert isinstance(offset, Decimal) and abs(
        offset - Decimal(3000) / (run.inventory.totals.scope1 + run.inventory.totals.scope2_market)
    ) < Decimal("1e-20")
    assert [e.year for e in result.trend] == sorted(run.inventories)
    assert result.ledger is not None and not result.ledger.refusals


def test_missing_inputs_are_not_assessable_never_met(sample) -> None:  # type: ignore[no-untyped-def]
    run, _, _ = sample
    bare = assess(run, sets=["jiangsu-2026"])
    assert {r.status for r in bare.main.results} == {"not_assessable"}
    assert bare.main.level("conditions").status == "not_assessable"
    centre = {c.function.id: c.status for c in bare.centre}
    assert centre[8] == "evidenced" and centre[7] == "missing"  # budgets: not built


def test_outputs_in_both_languages(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run, result, _ = sample
    files = write_assessment(result, tmp_path, run.data.factory.name_zh, synthetic=True)
    names = sorted(p.name for p in files)
    assert names == [
        "zero_carbon_evaluation.en.html",
        "zero_carbon_evaluation.json",
        "zero_carbon_evaluation.zh-CN.html",
    ]
    zh = (tmp_path / "zero_carbon_evaluation.zh-CN.html").read_text("utf-8")
    assert "未达到" in zh and "差距清单" in zh and "not met" not in zh


def test_declaration_errors_all_at_once_located(tmp_path: Path) -> None:
    bad = tmp_path / "decl.yaml"
    bad.write_text(
        "factory: F\nyear: x\ngreen_factory: {holds: true}\nsupply_chain_measures: [1, 9]\ncolour: red\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        load_declaration(bad)
    text = err.value.message("zh")
    assert "decl.yaml" in text and "year" in text and "green_factory" in text and "colour" in text
    assert "不认识的字段" in text


def test_ledger_file_errors_are_located(tmp_path: Path) -> None:
    bad = tmp_path / "ledger.yaml"
    bad.write_text("holder: F\nevents:\n  - {event: retire, date: 2024-01-01}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_ledger(bad)
    assert err.value.file == "ledger.yaml" and "events.0" in (err.value.field or "")


def test_declaration_of_another_factory_is_refused(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run, _, _ = sample
    other = tmp_path / "d.yaml"
    other.write_text("factory: OTHER\nyear: 2023\n", encoding="utf-8")
    with pytest.raises(InputError):
        assess(run, declaration=load_declaration(other))
