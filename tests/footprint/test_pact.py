"""PACT ProductFootprint: the official examples validate, the invalid one is refused, round trips are lossless.

The schemas and examples are the PACT Tech Specs (wbcsd/data-exchange-protocol, commit cf4ebed:
spec/v3 = 3.0.3, spec/v2 = 2.3.3), read from ../shared/reference/pact/ (never copied into the
repository); ``ZEROCARBON_PACT_REFERENCE`` may point elsewhere. Without them the tests skip.
"""

from __future__ import annotations

import copy
import json
import os
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from zerocarbon.errors import InputError
from zerocarbon.footprint.pact import (
    PactFootprint,
    export_v3,
    import_document,
    load_schema,
    read_documents,
    validation_errors,
)

REFERENCE = Path(os.environ.get("ZEROCARBON_PACT_REFERENCE",
                                Path(__file__).resolve().parents[3] / "shared" / "reference" / "pact"))
pytestmark = pytest.mark.skipif(not (REFERENCE / "v3" / "openapi.yaml").exists(),
                                reason=f"PACT reference schemas not found at {REFERENCE} "
                                       "(set ZEROCARBON_PACT_REFERENCE)")
pytest.importorskip("jsonschema", reason="jsonschema (test dependency) is not installed")

V3_EXAMPLES = ["example-1.json", "example-2.json", "example-3.json", "example-4.json", "get-footprint-response.json",
               "list-footprints-response.json"]


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return load_schema(REFERENCE / "v3" / "openapi.yaml")


def docs(name: str, version: str = "v3") -> list[dict[str, Any]]:
    return read_documents(REFERENCE / version / "examples" / name)


@pytest.mark.parametrize("name", V3_EXAMPLES)
def test_official_examples_validate(name: str, schema: dict[str, Any]) -> None:
    for doc in docs(name):
        assert validation_errors(doc, schema) == []


def test_invalid_example_is_rejected(schema: dict[str, Any]) -> None:
    (doc,) = docs("invalid-response-all-properties.json")
    errors = validation_errors(doc, schema)
    assert any(e.startswith("updated") for e in errors), errors


def test_schema_catches_a_broken_document(schema: dict[str, Any]) -> None:
    (doc,) = docs("example-1.json")
    bad = copy.deepcopy(doc)
    bad["pcf"]["pcfExcludingBiogenicUptake"] = "1e3"
    del bad["companyName"]
    errors = validation_errors(bad, schema)
    assert any("companyName" in e for e in errors) and any("pcfExcludingBiogenicUptake" in e for e in errors)


@pytest.mark.parametrize("name", V3_EXAMPLES)
def test_round_trip_is_lossless(name: str, schema: dict[str, Any]) -> None:
    """export(import(doc)) == doc, and import(export(fp)) == fp."""
    for doc in docs(name):
        fp = import_document(doc)
        again = export_v3(fp)
        assert again == doc
        assert import_document(again) == fp
        assert validation_errors(again, schema) == []


def test_internal_record_to_v3_and_back(schema: dict[str, Any]) -> None:
    """A footprint computed here (Decimals, the fields zerocarbon fills) exports valid and returns unchanged."""
    fp = PactFootprint(
        id="3fa85f64-5717-4562-b3fc-2c963f66afa6", spec_version="3.0.3", created="2026-12-02T00:00:00Z",
        status="Active", company_name="示例电池厂 Sample Battery Co.", company_ids=("urn:uscc:91320000000000000X",),
        product_description="LFP battery pack 75 kWh", product_ids=("urn:sample:product:lfp75",),
        product_name="LFP-75", declared_unit="kilowatt hour", declared_unit_amount=D("1"),
        product_mass_per_declared_unit=D("6.4"), reference_period_start="2025-01-01T00:00:00Z",
        reference_period_end="2026-01-01T00:00:00Z", pcf_excluding_biogenic_uptake=D("70.66666666666666666666666667"),
        pcf_including_biogenic_uptake=D("70.6"), fossil_ghg_emissions=D("70.1"), fossil_carbon_content=D("0"),
        biogenic_carbon_content=D("0"), biogenic_co2_uptake=D("0"), ipcc_characterization_factors=("AR6",),
        cross_sectoral_standards=("ISO14067",), exempted_emissions_percent=D("0.5"), primary_data_share=D("72.0"),
        dqi={"technologicalDQR": D("1.5"), "geographicalDQR": D("1.9"), "temporalDQR": D("1.7")},
        extra={"comment": "GB/T 24067-2024; grid factor 0.5777 kgCO2e/kWh (2024)"})
    doc = export_v3(fp)
    assert validation_errors(doc, schema) == []
    assert doc["pcf"]["dqi"] == {"technologicalDQR": "1.5", "geographicalDQR": "1.9", "temporalDQR": "1.7"}
    assert import_document(json.loads(json.dumps(doc, ensure_ascii=False))) == fp


def test_v2_documents_import(schema: dict[str, Any]) -> None:
    """v2.3 example: 1.63 / 1.85 kgCO2e per liter, withdrawal -1.5 → biogenicCO2Uptake, PDS 12.9 (a v2 number)."""
    (doc,) = docs("list-footprints-response.json", "v2")
    fp = import_document(doc)
    assert fp.declared_unit == "liter" and fp.declared_unit_amount == D("1")
    assert fp.pcf_excluding_biogenic_uptake == D(doc["pcf"]["pCfExcludingBiogenic"])
    assert fp.biogenic_co2_uptake == D(doc["pcf"]["biogenicCarbonWithdrawal"])
    assert fp.primary_data_share == D("12.9")
    assert fp.dqi is None and "pcf.dqi" in fp.v2_extra  # v2 DQRs (1..3) are not v3 DQRs (1..5)
    if fp.product_mass_per_declared_unit is None:
        with pytest.raises(InputError, match="productMassPerDeclaredUnit"):
            export_v3(fp)
        fp = PactFootprint(**{**fp.__dict__, "product_mass_per_declared_unit": D("0.79")})
    assert validation_errors(export_v3(fp), schema) == []


def test_bad_documents_are_named() -> None:
    (doc,) = docs("example-3.json")
    bad = copy.deepcopy(doc)
    bad["pcf"]["fossilGhgEmissions"] = 1.5e-3
    with pytest.raises(InputError) as err:
        import_document(bad, file="supplier.json")
    assert err.value.field == "pcf.fossilGhgEmissions" and err.value.file == "supplier.json"
    with pytest.raises(InputError, match="specVersion"):
        import_document({**doc, "specVersion": "9.0.0"})
    del bad["pcf"]["crossSectoralStandards"]
    with pytest.raises(InputError, match="crossSectoralStandards"):
        import_document(bad)
