"""PACT documents of the footprint service: suppliers' files read in, products' footprints written out.

The PACT schemas are read where they are kept (never shipped): ``ZEROCARBON_PACT_REFERENCE`` (a
folder holding ``v3/openapi.yaml``, the unaltered ``spec/v3`` of wbcsd/data-exchange-protocol), or
``../shared/reference/pact`` beside the checkout. Without them documents are read and written but
not validated, and the result says so.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from zerocarbon.errors import InputError
from zerocarbon.footprint.pact import (
    PactFootprint,
    export_v3,
    import_document,
    load_schema,
    read_documents,
    validation_errors,
)
from zerocarbon.services.footprint.records import Item, Study

SPEC = "3.0.3"


def reference_dir() -> Path | None:
    """The folder of the PACT reference schemas, or None when it is not there."""
    env = os.environ.get("ZEROCARBON_PACT_REFERENCE")
    here = Path(__file__).resolve()
    candidates = [Path(env)] if env else [here.parents[5] / "shared" / "reference" / "pact"] \
        if len(here.parents) > 5 else []
    return next((c for c in candidates if (c / "v3" / "openapi.yaml").exists()), None)


def schema(version: str = "v3") -> dict[str, Any] | None:
    """The ProductFootprint JSON schema of ``version`` (v3, v2), or None without the reference files."""
    ref = reference_dir()
    return load_schema(ref / version / "openapi.yaml") if ref and (ref / version / "openapi.yaml").exists() else None


def validate(doc: Mapping[str, Any], file: str | None = None) -> str:
    """``"valid"`` or ``"not validated (…)"``; raises :class:`InputError` listing the problems of an invalid doc."""
    version = "v2" if str(doc.get("specVersion", "")).startswith("2.") else "v3"
    sch = schema(version)
    if sch is None:
        return "not validated (PACT reference schemas not found; set ZEROCARBON_PACT_REFERENCE)"
    errors = validation_errors(doc, sch, strict=version == "v3")
    if errors:
        raise InputError(f"PACT 文档不符合 {version} 模式：{'; '.join(errors[:5])}",
                         f"the PACT document does not validate against {version}: {'; '.join(errors[:5])}",
                         file=file, field=errors[0].split(":", 1)[0], expected=f"a PACT {version} ProductFootprint",
                         details={"errors": errors})
    return f"valid (PACT {version} schema)"


def import_file(path: Path, product: str | None = None) -> list[tuple[PactFootprint, str]]:
    """The footprints of a PACT JSON file (validated when the schemas are there), optionally one product (URN)."""
    out = []
    for i, doc in enumerate(read_documents(path)):
        try:
            status = validate(doc, str(path))
        except InputError as exc:
            raise exc.with_location(row=i + 1) from exc
        out.append((import_document(doc, str(path)), status))
    if product is not None:
        out = [(fp, st) for fp, st in out if product in fp.product_ids]
        if not out:
            raise InputError(f"PACT 文件中没有产品 {product}", f"the PACT file has no footprint of product {product}",
                             file=str(path), field="productIds", expected=product)
    return out


def supplier_footprints(study: Study) -> tuple[dict[str, PactFootprint], dict[str, str]]:
    """Each supplier's PACT footprint (by supplier id) and its validation status."""
    found: dict[str, PactFootprint] = {}
    status: dict[str, str] = {}
    for s in study.suppliers:
        if s.pact_file is None:
            continue
        try:
            items = import_file(s.pact_file, s.pact_product)
        except InputError as exc:
            raise exc.with_location(file=str(s.pact_file)) from exc
        if len(items) != 1:
            raise InputError(f"供应商 {s.id} 的 PACT 文件含 {len(items)} 个足迹，请用 pact_product 指定产品",
                             f"supplier {s.id}: the PACT file holds {len(items)} footprints; name one with "
                             "pact_product", file=str(study.path), row=s.line, field=f"suppliers.{s.id}.pact_product",
                             expected="a product URN of the file")
        found[s.id], status[s.id] = items[0]
    return found, status


def decimal(value: float, places: int = 4) -> Decimal:
    """A float result as a decimal for exchange (half-even, ``places`` decimals)."""
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places))


def product_footprint(study: Study, item: Item, values: Mapping[str, float], quality: Mapping[str, Any],
                      created: str | None = None) -> PactFootprint:
    """The PACT v3 footprint of one product of the study.

    ``values`` [kgCO2e per declared unit]: ``total``, ``fossil``, ``biogenic``, ``biogenic_removal``;
    ``quality``: ``primary_data_share`` [%] and the three DQRs [1..5] (rolled up by footprint/dqr.py).
    """
    ident = str(uuid.uuid5(uuid.NAMESPACE_URL, f"zerocarbon:{study.id}:{item.id}:{study.year}"))
    when = created or study.created or datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    total, removal = decimal(values["total"]), decimal(values["biogenic_removal"])
    stages = ", ".join(study.stages)
    return PactFootprint(
        id=ident, spec_version=SPEC, created=when, status="Active", company_name=study.company_name,
        company_ids=study.company_ids, product_description=f"{item.name_en} / {item.name_zh}",
        product_ids=item.product_ids or (f"urn:zerocarbon:product:{study.id}:{item.id}",),
        product_name=item.name_en, declared_unit=item.pact_unit, declared_unit_amount=Decimal(1),
        product_mass_per_declared_unit=item.mass_kg,
        reference_period_start=f"{study.year}-01-01T00:00:00+08:00",
        reference_period_end=f"{study.year + 1}-01-01T00:00:00+08:00",
        pcf_excluding_biogenic_uptake=total - removal, pcf_including_biogenic_uptake=total,
        fossil_ghg_emissions=decimal(values["fossil"]), fossil_carbon_content=item.fossil_carbon_kgc,
        biogenic_co2_uptake=removal, ipcc_characterization_factors=(study.gwp,),
        cross_sectoral_standards=("ISO14067",),
        exempted_emissions_percent=Decimal(study.cut_off["excluded_total_pct"]),
        primary_data_share=Decimal(quality["primary_data_share"]),
        dqi={"technologicalDQR": Decimal(quality["technological"]),
             "geographicalDQR": Decimal(quality["geographical"]), "temporalDQR": Decimal(quality["temporal"])},
        extra={"comment": f"{study.standard} study {study.id}; boundary {study.boundary} ({stages})"
                          + ("; SYNTHETIC sample data" if study.synthetic else "")},
        pcf_extra={"geographyCountry": "CN",
                   "boundaryProcessesDescription": f"{study.boundary}: {stages}",
                   "allocationRulesDescription": f"{study.allocation_basis}: {study.allocation_reason_en}",
                   "exemptedEmissionsDescription": study.cut_off["rule_en"]})


def write_documents(docs: Sequence[Mapping[str, Any]], path: Path) -> Path:
    """Write PACT documents as a JSON list (UTF-8, two-space indent)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(list(docs), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def export_documents(footprints: Sequence[PactFootprint]) -> list[dict[str, Any]]:
    """The v3 documents of ``footprints``, each validated when the schemas are there."""
    docs = [export_v3(fp) for fp in footprints]
    for doc in docs:
        validate(doc)
    return docs
