"""The sample study end to end: supplier PACT used, stages add up, battery declaration, PACT export.

Hand figures (the sample's own synthetic inputs, src/zerocarbon/demo/sample_footprint.yaml and
sample_supplier_pact.json): the EV pack holds 4 modules × 17 cells; the supplier's PACT footprint is
52.6 kgCO2e per cell (pcfExcludingBiogenicUptake), so the cells contribute 4 × 17 × 52.6 = 3,576.8
kgCO2e per pack; the ESS pack 8 × 39 × 52.6 = 16,411.2.
"""

from __future__ import annotations

import math
from decimal import Decimal as D
from pathlib import Path

import pytest

from zerocarbon.footprint.pact import export_v3, import_document
from zerocarbon.services.footprint import StudyResult
from zerocarbon.services.footprint.exchange import schema, validate
from zerocarbon.services.footprint.outputs import write_study_outputs


def _product(result: StudyResult, pid: str):  # type: ignore[no-untyped-def]
    return next(p for p in result.products if p.item.id == pid)


def test_supplier_pact_footprint_is_used(sample_result: StudyResult) -> None:
    for pid, cells in (("EVP", 68), ("ESP", 312)):
        p = _product(sample_result, pid)
        supplier = {c.key: c.amount for c in p.processes}["supplier:cell-lfp"]
        assert supplier == pytest.approx(cells * 52.6, rel=1e-12)
        assert p.suppliers[0].amount == pytest.approx(cells * 52.6, rel=1e-12)
    assert sample_result.to_dict()["suppliers"][0]["values"]["fossil"] == "52.1"


def test_stages_and_contributions_add_up(sample_result: StudyResult) -> None:
    for p in sample_result.products:
        assert sum(p.stages.values()) == pytest.approx(p.total, rel=1e-12)
        assert sum(c.amount for c in p.processes) == pytest.approx(p.total, rel=1e-12)
        assert p.fossil + p.biogenic + p.biogenic_removal + p.other == pytest.approx(p.total, rel=1e-12)
        assert "use" not in p.stages  # excluded with its reason
        gate = sum(float(g.kg_per_unit) for g in sample_result.gate.of(p.item.id))
        assert p.stages["production"] == pytest.approx(gate, rel=1e-12)


def test_quality_and_uncertainty(sample_result: StudyResult) -> None:
    p = _product(sample_result, "EVP")
    assert D(0) < p.quality.primary_data_share < D(100)
    assert D(1) <= p.quality.technological <= D(5)
    mc = p.monte_carlo
    assert mc is not None and mc["iterations"] == 40 and math.isfinite(mc["std"]) and mc["std"] > 0


def test_battery_declaration(sample_result: StudyResult) -> None:
    """CN-4: Σ four stages / lifetime energy (120,000 kWh, the study's stated basis)."""
    ev = _product(sample_result, "EVP")
    assert ev.battery is not None and _product(sample_result, "ESP").battery is None
    stages = ev.battery.stages
    assert ev.battery.total_kgco2e == sum(stages.values())
    assert ev.battery.per_kwh == ev.battery.total_kgco2e / D(120000)
    assert float(ev.battery.total_kgco2e) == pytest.approx(ev.total, rel=1e-9)
    assert ev.battery.phase == "trial"  # declared 2026-06-30


def test_pact_export_round_trip(sample_result: StudyResult) -> None:
    docs = sample_result.pact_documents()
    assert len(docs) == 2
    for doc, p in zip(docs, sample_result.products, strict=True):
        assert export_v3(import_document(doc)) == doc
        assert D(doc["pcf"]["pcfIncludingBiogenicUptake"]) == D(repr(p.total)).quantize(D("0.0001"))
    if schema() is None:
        pytest.skip("PACT reference schemas not found (set ZEROCARBON_PACT_REFERENCE)")
    assert all(validate(d).startswith("valid") for d in docs)


def test_outputs_written(sample_result: StudyResult, tmp_path: Path) -> None:
    names = {f.name for f in write_study_outputs(sample_result, tmp_path)}
    assert {"footprint.json", "footprint_report.zh-CN.html", "footprint_report.en.html", "footprint.zh-CN.xlsx",
            "footprint_pact.json", "battery_declaration_EVP.json"} <= names
