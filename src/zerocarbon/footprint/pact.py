"""PACT ProductFootprint documents: export (v3.0) and import (v3.0, v2.3), mapped onto one internal record.

The exchange format is the PACT Technical Specifications (WBCSD Partnership for Carbon
Transparency), ``spec/v3/openapi.yaml`` (Tech Spec 3.0.3) and ``spec/v2/openapi.yaml`` (2.3.3) of
github.com/wbcsd/data-exchange-protocol. This module is a separate work implementing them; it
holds no copy of their schemas, which the caller loads (:func:`load_schema`) from where they are
kept (the tests read the official files when they are beside the checkout, and skip otherwise).
Licence notice: see docs/footprints.md.

The internal record :class:`PactFootprint` names the fields zerocarbon computes or reads
(in the house's vocabulary, numbers as Decimals [kgCO2e per declared unit]); every other
property of a document is kept verbatim in ``extra`` / ``pcf_extra`` so that
``export_v3(import_document(doc)) == doc`` for any v3 document (tested on the official examples).
v2.3 documents are mapped field by field (``declaredUnit`` → unit, ``unitaryProductAmount`` →
amount, ``pCfExcludingBiogenic`` / ``pCfIncludingBiogenic`` → the v3 pair,
``biogenicCarbonWithdrawal`` → ``biogenicCO2Uptake``, ``primaryDataShare`` number → Decimal);
v2-only properties are kept in ``v2_extra`` and not exported to v3 (their meaning or scale differs,
e.g. v2 DQRs are 1..3 and v3 DQRs 1..5, and no conversion is defined). A v2 footprint lacking a
property v3 requires (``productMassPerDeclaredUnit``, ``pcfIncludingBiogenicUptake``) cannot be
exported to v3: the error names the property.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from zerocarbon.errors import InputError

SPEC_VERSION = "3.0.3"
DECIMAL_RE = re.compile(r"^[+-]?\d+(\.\d+)?$")
#: RFC 3339 date-time (section 5.6), as the ``format: date-time`` of the PACT schemas.
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

# v3 CarbonFootprint property → internal field, for the Decimal-valued fields.
PCF_DECIMALS = {"declaredUnitAmount": "declared_unit_amount",
                "productMassPerDeclaredUnit": "product_mass_per_declared_unit",
                "pcfExcludingBiogenicUptake": "pcf_excluding_biogenic_uptake",
                "pcfIncludingBiogenicUptake": "pcf_including_biogenic_uptake",
                "fossilGhgEmissions": "fossil_ghg_emissions", "fossilCarbonContent": "fossil_carbon_content",
                "biogenicCarbonContent": "biogenic_carbon_content", "biogenicCO2Uptake": "biogenic_co2_uptake",
                "exemptedEmissionsPercent": "exempted_emissions_percent", "primaryDataShare": "primary_data_share"}
PCF_REQUIRED = ("declaredUnitOfMeasurement", "declaredUnitAmount", "productMassPerDeclaredUnit",
                "referencePeriodStart", "referencePeriodEnd", "pcfExcludingBiogenicUptake",
                "pcfIncludingBiogenicUptake", "fossilGhgEmissions", "fossilCarbonContent",
                "ipccCharacterizationFactors", "crossSectoralStandards", "exemptedEmissionsPercent")
PF_REQUIRED = ("id", "specVersion", "created", "status", "companyName", "companyIds", "productDescription",
               "productIds", "productNameCompany", "pcf")
PF_FIELDS = {"id": "id", "specVersion": "spec_version", "created": "created", "status": "status",
             "companyName": "company_name", "productDescription": "product_description",
             "productNameCompany": "product_name"}
DQI_FIELDS = ("technologicalDQR", "geographicalDQR", "temporalDQR")


@dataclass(frozen=True)
class PactFootprint:
    """One product footprint in the house's vocabulary (the fields of PACT v3 zerocarbon uses).

    Attributes
    ----------
    id : str
        UUID of the footprint (any change makes a new id, PACT v3 ADR-41).
    spec_version : str
        ``specVersion`` of the document (``3.0.x``; ``2.x.y`` when imported from v2).
    created, status, company_name, product_description, product_name : str
        As in PACT (``status``: ``Active`` | ``Deprecated``).
    company_ids, product_ids : tuple of str
        URNs.
    declared_unit : str
        ``declaredUnitOfMeasurement`` (``kilogram``, ``kilowatt hour``, ``piece`` …).
    declared_unit_amount : Decimal
        Amount of the declared unit [declared unit].
    product_mass_per_declared_unit : Decimal or None
        [kg per declared unit].
    reference_period_start, reference_period_end : str
        RFC 3339 date-times (start inclusive, end exclusive).
    pcf_excluding_biogenic_uptake, pcf_including_biogenic_uptake : Decimal or None
        [kgCO2e per declared unit].
    fossil_ghg_emissions : Decimal
        [kgCO2e per declared unit].
    fossil_carbon_content, biogenic_carbon_content : Decimal or None
        [kgC per declared unit].
    biogenic_co2_uptake : Decimal or None
        [kgCO2e per declared unit], ≤ 0.
    ipcc_characterization_factors, cross_sectoral_standards : tuple of str
        E.g. ``("AR6",)``, ``("ISO14067", "PACT-3.0")``.
    exempted_emissions_percent : Decimal
        [%].
    primary_data_share : Decimal or None
        [%].
    dqi : mapping of str to Decimal, or None
        ``technologicalDQR``, ``geographicalDQR``, ``temporalDQR`` [1..5].
    extra, pcf_extra : dict
        Other properties of the document and of its ``pcf``, verbatim.
    v2_extra : dict
        Properties of a v2 document with no v3 counterpart (kept, not exported to v3).
    """

    id: str
    spec_version: str
    created: str
    status: str
    company_name: str
    company_ids: tuple[str, ...]
    product_description: str
    product_ids: tuple[str, ...]
    product_name: str
    declared_unit: str
    declared_unit_amount: Decimal
    product_mass_per_declared_unit: Decimal | None
    reference_period_start: str
    reference_period_end: str
    pcf_excluding_biogenic_uptake: Decimal | None
    pcf_including_biogenic_uptake: Decimal | None
    fossil_ghg_emissions: Decimal | None
    fossil_carbon_content: Decimal | None
    biogenic_carbon_content: Decimal | None = None
    biogenic_co2_uptake: Decimal | None = None
    ipcc_characterization_factors: tuple[str, ...] = ("AR6",)
    cross_sectoral_standards: tuple[str, ...] = ("ISO14067",)
    exempted_emissions_percent: Decimal | None = Decimal(0)
    primary_data_share: Decimal | None = None
    dqi: Mapping[str, Decimal] | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    pcf_extra: Mapping[str, Any] = field(default_factory=dict)
    v2_extra: Mapping[str, Any] = field(default_factory=dict)


def decimal_text(value: Decimal) -> str:
    """A Decimal as PACT's decimal string (``^[+-]?\\d+(\\.\\d+)?$``: no exponent, no trailing point)."""
    text = format(value, "f")
    return text[:-1] if text.endswith(".") else text


def _parse_decimal(value: Any, where: str, file: str | None, numbers: bool = False) -> Decimal:
    """A PACT decimal string as a Decimal; JSON numbers only where v2.x used them (``numbers``)."""
    if numbers and isinstance(value, (int, float)) and not isinstance(value, bool):
        return Decimal(str(value))
    text = value
    if not isinstance(text, str) or not DECIMAL_RE.match(text):
        raise InputError(f"{where} 不是十进制数字符串：{value!r}", f"{where} is not a decimal string: {value!r}",
                         file=file, field=where, expected="a decimal string such as \"1.63\"")
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only valid decimals
        raise InputError(f"{where} 无法解析", f"{where} cannot be parsed", file=file, field=where) from exc


def _require(doc: Mapping[str, Any], keys: tuple[str, ...], prefix: str, file: str | None) -> None:
    for key in keys:
        if key not in doc:
            raise InputError(f"缺少必填字段 {prefix}{key}", f"required property {prefix}{key} is missing",
                             file=file, field=f"{prefix}{key}", expected="present (PACT)")


def import_document(doc: Mapping[str, Any], file: str | None = None) -> PactFootprint:
    """A ProductFootprint (v3.0 or v2.x, by ``specVersion``) as a :class:`PactFootprint`.

    Raises
    ------
    InputError
        A required property is missing or a number is not a decimal string (naming the property).
    """
    if not isinstance(doc, Mapping) or not isinstance(doc.get("pcf"), Mapping):
        raise InputError("不是 PACT ProductFootprint 对象", "not a PACT ProductFootprint object", file=file,
                         field="pcf", expected="an object with a pcf object")
    version = str(doc.get("specVersion", ""))
    if version.startswith("2."):
        return _import_v2(doc, file)
    if not version.startswith("3."):
        raise InputError(f"不支持的 specVersion {version!r}", f"unsupported specVersion {version!r}", file=file,
                         field="specVersion", expected="3.0.x or 2.x.y")
    _require(doc, PF_REQUIRED, "", file)
    pcf = doc["pcf"]
    _require(pcf, PCF_REQUIRED, "pcf.", file)
    decimals = {name: _parse_decimal(pcf[key], f"pcf.{key}", file) if key in pcf else None
                for key, name in PCF_DECIMALS.items()}
    dqi = None
    if "dqi" in pcf:
        _require(pcf["dqi"], DQI_FIELDS, "pcf.dqi.", file)
        dqi = {k: _parse_decimal(pcf["dqi"][k], f"pcf.dqi.{k}", file) for k in DQI_FIELDS}
        if set(pcf["dqi"]) != set(DQI_FIELDS):  # keep anything else verbatim: lossless
            dqi = None
    mapped_pf = set(PF_FIELDS) | {"companyIds", "productIds", "pcf"}
    mapped_pcf = set(PCF_DECIMALS) | {"declaredUnitOfMeasurement", "referencePeriodStart", "referencePeriodEnd",
                                      "ipccCharacterizationFactors", "crossSectoralStandards"}
    if dqi:
        mapped_pcf.add("dqi")
    return PactFootprint(
        **{name: doc[key] for key, name in PF_FIELDS.items()},
        company_ids=tuple(doc["companyIds"]), product_ids=tuple(doc["productIds"]),
        declared_unit=pcf["declaredUnitOfMeasurement"], reference_period_start=pcf["referencePeriodStart"],
        reference_period_end=pcf["referencePeriodEnd"],
        ipcc_characterization_factors=tuple(pcf["ipccCharacterizationFactors"]),
        cross_sectoral_standards=tuple(pcf["crossSectoralStandards"]), dqi=dqi,
        extra={k: v for k, v in doc.items() if k not in mapped_pf},
        pcf_extra={k: v for k, v in pcf.items() if k not in mapped_pcf},
        **decimals)  # type: ignore[arg-type]


V2_MAP = {"declaredUnit": None, "unitaryProductAmount": "declared_unit_amount",
          "productMassPerDeclaredUnit": "product_mass_per_declared_unit",
          "pCfExcludingBiogenic": "pcf_excluding_biogenic_uptake",
          "pCfIncludingBiogenic": "pcf_including_biogenic_uptake",
          "fossilGhgEmissions": "fossil_ghg_emissions", "fossilCarbonContent": "fossil_carbon_content",
          "biogenicCarbonContent": "biogenic_carbon_content", "biogenicCarbonWithdrawal": "biogenic_co2_uptake",
          "exemptedEmissionsPercent": "exempted_emissions_percent", "primaryDataShare": "primary_data_share"}
# v2 properties with the same name and meaning in v3 (copied to pcf_extra / extra).
V2_SAME_PCF = ("geographyRegionOrSubregion", "geographyCountry", "geographyCountrySubdivision",
               "boundaryProcessesDescription", "aircraftGhgEmissions", "packagingEmissionsIncluded",
               "packagingGhgEmissions", "productOrSectorSpecificRules", "exemptedEmissionsDescription",
               "allocationRulesDescription", "secondaryEmissionFactorSources")
V2_SAME_PF = ("precedingPfIds", "validityPeriodStart", "validityPeriodEnd", "productClassifications", "comment",
              "extensions")


def _import_v2(doc: Mapping[str, Any], file: str | None) -> PactFootprint:
    """A v2.x ProductFootprint (Tech Spec 2.3.3 data model) mapped onto the v3 record."""
    _require(doc, ("id", "specVersion", "created", "status", "companyName", "companyIds", "productDescription",
                   "productIds", "productNameCompany", "pcf"), "", file)
    pcf = doc["pcf"]
    _require(pcf, ("declaredUnit", "unitaryProductAmount", "referencePeriodStart", "referencePeriodEnd",
                   "pCfExcludingBiogenic", "fossilGhgEmissions", "fossilCarbonContent",
                   "ipccCharacterizationFactorsSources"), "pcf.", file)
    decimals = {name: _parse_decimal(pcf[key], f"pcf.{key}", file, numbers=True) if key in pcf else None
                for key, name in V2_MAP.items() if name}
    standards = pcf.get("crossSectoralStandards") or pcf.get("crossSectoralStandardsUsed") or []
    used = set(V2_MAP) | set(V2_SAME_PCF) | {"referencePeriodStart", "referencePeriodEnd",
                                            "ipccCharacterizationFactorsSources", "crossSectoralStandards"}
    return PactFootprint(
        **{name: doc[key] for key, name in PF_FIELDS.items()},
        company_ids=tuple(doc["companyIds"]), product_ids=tuple(doc["productIds"]),
        declared_unit=pcf["declaredUnit"], reference_period_start=pcf["referencePeriodStart"],
        reference_period_end=pcf["referencePeriodEnd"],
        ipcc_characterization_factors=tuple(pcf["ipccCharacterizationFactorsSources"]),
        cross_sectoral_standards=tuple(standards),
        extra={k: doc[k] for k in V2_SAME_PF if k in doc},
        pcf_extra={k: pcf[k] for k in V2_SAME_PCF if k in pcf},
        v2_extra={**{k: v for k, v in doc.items() if k not in set(PF_FIELDS) | set(V2_SAME_PF)
                     | {"companyIds", "productIds", "pcf"}},
                  **{f"pcf.{k}": v for k, v in pcf.items() if k not in used}},
        **decimals)  # type: ignore[arg-type]


def export_v3(fp: PactFootprint) -> dict[str, Any]:
    """The PACT v3 ProductFootprint document of ``fp`` (properties in the schema's order, extras after).

    Raises
    ------
    InputError
        A property that v3 requires has no value (e.g. a v2 import without ``pcfIncludingBiogenicUptake``).
    """
    pcf: dict[str, Any] = {"declaredUnitOfMeasurement": fp.declared_unit}
    values = {key: getattr(fp, name) for key, name in PCF_DECIMALS.items()}
    for key in ("declaredUnitAmount", "productMassPerDeclaredUnit"):
        pcf[key] = values.pop(key)
    pcf["referencePeriodStart"], pcf["referencePeriodEnd"] = fp.reference_period_start, fp.reference_period_end
    pcf.update(values)
    pcf["ipccCharacterizationFactors"] = list(fp.ipcc_characterization_factors)
    pcf["crossSectoralStandards"] = list(fp.cross_sectoral_standards)
    if fp.dqi is not None:
        pcf["dqi"] = {k: decimal_text(fp.dqi[k]) for k in DQI_FIELDS}
    for key in PCF_REQUIRED:
        if pcf.get(key) is None:
            raise InputError(f"导出 PACT v3 时缺少必填字段 pcf.{key}",
                             f"pcf.{key} is required by PACT v3 and has no value",
                             field=f"pcf.{key}", expected="a value (PACT v3 CarbonFootprint)")
    pcf = {k: decimal_text(v) if isinstance(v, Decimal) else v for k, v in pcf.items() if v is not None}
    pcf.update(fp.pcf_extra)
    spec = fp.spec_version if fp.spec_version.startswith("3.") else SPEC_VERSION
    doc: dict[str, Any] = {"id": fp.id, "specVersion": spec, "created": fp.created, "status": fp.status,
                           "companyName": fp.company_name, "companyIds": list(fp.company_ids),
                           "productDescription": fp.product_description, "productIds": list(fp.product_ids),
                           "productNameCompany": fp.product_name, "pcf": pcf}
    doc.update(fp.extra)
    return doc


def load_schema(openapi: Path) -> dict[str, Any]:
    """A JSON Schema (2020-12) for one ProductFootprint, built from a PACT ``openapi.yaml``'s ``components``.

    The file is read where it is kept (never copied into the package).
    """
    try:
        spec = yaml.safe_load(openapi.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError("无法读取 PACT OpenAPI 文件", "cannot read the PACT OpenAPI file", file=str(openapi),
                         expected="the openapi.yaml of the PACT Tech Specs") from exc
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "components": spec["components"],
            "$ref": "#/components/schemas/ProductFootprint"}


def validation_errors(doc: Mapping[str, Any], schema: Mapping[str, Any], strict: bool = True) -> list[str]:
    """Problems of ``doc`` against ``schema`` (:func:`load_schema`), each ``path: message``; empty when valid.

    ``strict`` adds what the schema states in prose or formats but JSON Schema leaves open:
    ``date-time`` and ``uuid`` formats are checked (RFC 3339 §5.6, RFC 4122), and a property of the
    ProductFootprint that the schema does not define is refused (data beyond the schema belongs in
    ``extensions``; e.g. ``updated``, removed in v3.0 by ADR-41). The ``pcf`` object stays open, as
    the official valid examples carry properties it does not define.
    """
    import jsonschema  # test/service dependency, imported only when validating

    checker = jsonschema.FormatChecker()
    if strict:
        checker.checks("date-time")(lambda v: not isinstance(v, str) or bool(DATETIME_RE.match(v)))
        checker.checks("uuid")(lambda v: not isinstance(v, str) or bool(UUID_RE.match(v)))
    validator = jsonschema.Draft202012Validator(dict(schema), format_checker=checker)
    errors = [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in validator.iter_errors(doc)]
    if strict:
        known = schema["components"]["schemas"]["ProductFootprint"]["properties"]
        errors += [f"{k}: not a property of ProductFootprint (PACT v3)" for k in doc if k not in known]
    return errors


def read_documents(path: Path) -> list[dict[str, Any]]:
    """ProductFootprint objects of a JSON file: one object, a list, or an API response ``{"data": …}``."""
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError("无法读取 PACT JSON 文件", "cannot read the PACT JSON file", file=str(path),
                         expected="a JSON ProductFootprint, list or {\"data\": …}") from exc
    data = body.get("data", body) if isinstance(body, dict) else body
    docs = data if isinstance(data, list) else [data]
    if not all(isinstance(d, dict) for d in docs):
        raise InputError("PACT 文件中含有非对象项", "the PACT file holds an item that is not an object", file=str(path),
                         expected="ProductFootprint objects")
    return docs
