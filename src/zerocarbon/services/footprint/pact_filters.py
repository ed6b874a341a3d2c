"""The filter criteria of PACT v3 ListFootprints and RequestCreatedEvent, and matching a document against them.

PACT Technical Specifications 3.0.3 (``spec/v3/openapi.yaml``, ``components.parameters`` and the
"Filtering" section of Action ListFootprints): ``productId``, ``companyId``, ``geography``,
``classification`` (each one or more values: OR within a criterion), ``validOn``, ``validAfter``,
``validBefore``, ``status``; different criteria combine with AND; matches are case-insensitive.
The validity period of a footprint is ``validityPeriodStart`` … ``validityPeriodEnd``, and without
them the 3 years after ``pcf.referencePeriodEnd`` (``ProductFootprint.validityPeriodStart``'s
description). ``validOn``: start ≤ t ≤ end; ``validAfter``: start > t; ``validBefore``: end < t.
A ``status`` that is neither Active nor Deprecated matches nothing (conformance test case 37 expects
an empty list, not an error). Parameters named ``x-…`` (implementors' extensions) are not offered
here and are ignored, as the spec allows a host to ignore criteria it does not offer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from zerocarbon.errors import InputError
from zerocarbon.footprint.pact import DATETIME_RE

LIST_CRITERIA = ("productId", "companyId", "geography", "classification")
TIME_CRITERIA = ("validOn", "validAfter", "validBefore")
#: The documented default validity after the reference period's end [years] (PACT v3 validityPeriodStart).
DEFAULT_VALIDITY_YEARS = 3


@dataclass(frozen=True)
class Criteria:
    """Filter criteria, values lower-cased for case-insensitive matching; empty means no filter."""

    product_id: tuple[str, ...] = ()
    company_id: tuple[str, ...] = ()
    geography: tuple[str, ...] = ()
    classification: tuple[str, ...] = ()
    valid_on: datetime | None = None
    valid_after: datetime | None = None
    valid_before: datetime | None = None
    status: str | None = None

    def query(self) -> list[tuple[str, str]]:
        """The criteria as query parameters (for a next-page link), in a fixed order."""
        out = [(k, v) for k, vals in zip(LIST_CRITERIA, (self.product_id, self.company_id, self.geography,
                                                         self.classification), strict=True) for v in vals]
        for k, t in zip(TIME_CRITERIA, (self.valid_on, self.valid_after, self.valid_before), strict=True):
            if t is not None:
                out.append((k, t.isoformat().replace("+00:00", "Z")))
        if self.status is not None:
            out.append(("status", self.status))
        return out


def parse_time(value: Any, where: str) -> datetime:
    """An RFC 3339 date-time (the ``format: date-time`` of the PACT schemas) as an aware datetime."""
    if not isinstance(value, str) or not DATETIME_RE.match(value):
        raise InputError(f"{where} 不是 RFC 3339 时间：{value!r}", f"{where} is not an RFC 3339 date-time: {value!r}",
                         field=where, expected="e.g. 2025-01-01T00:00:00Z")
    return datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00").replace("t", "T"))


def criteria_from(values: Mapping[str, Iterable[str] | str]) -> Criteria:
    """Criteria from query parameters (name → values) or a RequestCreatedEvent's ``data``.

    Raises
    ------
    InputError
        A time that is not RFC 3339, a list criterion that is not strings, or a time given twice.
    """
    lists: dict[str, tuple[str, ...]] = {}
    for key in LIST_CRITERIA:
        raw = values.get(key, ())
        items = [raw] if isinstance(raw, str) else list(raw)
        if not all(isinstance(v, str) and v for v in items):
            raise InputError(f"{key} 应为非空字符串列表", f"{key} must be a list of non-empty strings", field=key,
                             expected="[\"urn:…\"]")
        lists[key] = tuple(v.lower() for v in items)
    times: dict[str, datetime | None] = {}
    for key in TIME_CRITERIA:
        given = values.get(key)
        if given is None:
            times[key] = None
            continue
        items = [given] if isinstance(given, str) else list(given)
        if len(items) != 1:
            raise InputError(f"{key} 只能给一个值", f"{key} takes one value", field=key, expected="one date-time")
        times[key] = parse_time(items[0], key)
    status_raw = values.get("status")
    status_items = [status_raw] if isinstance(status_raw, str) else list(status_raw or ())
    if len(status_items) > 1 or not all(isinstance(v, str) for v in status_items):
        raise InputError("status 只能给一个值", "status takes one value", field="status",
                         expected="Active | Deprecated")
    return Criteria(product_id=lists["productId"], company_id=lists["companyId"], geography=lists["geography"],
                    classification=lists["classification"], valid_on=times["validOn"],
                    valid_after=times["validAfter"], valid_before=times["validBefore"],
                    status=status_items[0] if status_items else None)


def _add_years(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February → 28 February
        return moment.replace(year=moment.year + years, day=28)


def validity(doc: Mapping[str, Any]) -> tuple[datetime | None, datetime | None]:
    """(start, end) of a document's validity period, with the 3-year default after the reference period."""
    pcf = doc.get("pcf") or {}
    ref_end = pcf.get("referencePeriodEnd")
    start_raw, end_raw = doc.get("validityPeriodStart"), doc.get("validityPeriodEnd")
    try:
        ref = parse_time(ref_end, "pcf.referencePeriodEnd") if ref_end else None
        start = parse_time(start_raw, "validityPeriodStart") if start_raw else ref
        end = parse_time(end_raw, "validityPeriodEnd") if end_raw else (
            _add_years(ref, DEFAULT_VALIDITY_YEARS) if ref else None)
    except InputError:
        return None, None
    return start, end


def _geographies(doc: Mapping[str, Any]) -> set[str]:
    pcf = doc.get("pcf") or {}
    keys = ("geographyRegionOrSubregion", "geographyCountry", "geographyCountrySubdivision")
    return {str(pcf[k]).lower() for k in keys if pcf.get(k)}


def _lower(values: Any) -> set[str]:
    return {str(v).lower() for v in values or ()}


def matches(doc: Mapping[str, Any], c: Criteria) -> bool:
    """Whether a ProductFootprint document meets every criterion (OR within one, AND across them)."""
    if c.product_id and not _lower(doc.get("productIds")) & set(c.product_id):
        return False
    if c.company_id and not _lower(doc.get("companyIds")) & set(c.company_id):
        return False
    if c.geography and not _geographies(doc) & set(c.geography):
        return False
    if c.classification and not _lower(doc.get("productClassifications")) & set(c.classification):
        return False
    if c.status is not None and str(doc.get("status", "")).lower() != c.status.lower():
        return False
    if c.valid_on or c.valid_after or c.valid_before:
        start, end = validity(doc)
        if c.valid_on and not (start and end and start <= c.valid_on <= end):
            return False
        if c.valid_after and not (start and start > c.valid_after):
            return False
        if c.valid_before and not (end and end < c.valid_before):
            return False
    return True

