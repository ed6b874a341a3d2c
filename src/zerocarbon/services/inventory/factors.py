"""Use cases of the factor library: list and show factors with their sources."""

from __future__ import annotations

from typing import Any

from zerocarbon.factors import FactorLibrary, FactorRow, default_library


def _row_dict(row: FactorRow) -> dict[str, Any]:
    return {
        "factor_id": row.factor_id, "item": row.item, "parameter": row.parameter, "variant": row.variant,
        "gas": row.gas, "value": str(row.value), "unit": row.unit, "region": row.region,
        "data_year": str(row.data_year) if row.data_year else "*",
        "valid_from": row.valid_from.isoformat() if row.valid_from else None,
        "valid_to": row.valid_to.isoformat() if row.valid_to else None, "validity": row.validity(),
        "source": row.citation(), "source_document": row.source_document, "edition": row.edition,
        "clause": row.clause, "status": row.status, "preferred": row.preferred,
        "uncertainty_pct": str(row.uncertainty_pct) if row.uncertainty_pct is not None else None,
        "note": row.note, "file": row.file,
    }


def list_factors(item: str | None = None, parameter: str | None = None, year: int | None = None,
                 region: str | None = None, library: FactorLibrary | None = None) -> list[dict[str, Any]]:
    """Factor rows, filtered; ``item`` may be a name or alias (天然气); ``year`` keeps the rows usable for
    that data year (its own rows, and rows for every year whose validity period overlaps it)."""
    lib = library or default_library()
    item_id = lib.resolve_item(item) if item else None
    rows = [r for r in lib.rows
            if (item_id is None or r.item == item_id)
            and (parameter is None or r.parameter == parameter)
            and (year is None or (r.data_year in (year, None) and r.valid_for_year(year)))
            and (region is None or r.region == region)]
    return [_row_dict(r) for r in rows]


def show_factor(key: str, library: FactorLibrary | None = None) -> str:
    """Every field of one factor row, or of all rows of an item, as text."""
    lib = library or default_library()
    rows = [r for r in lib.rows if r.factor_id == key]
    if not rows:
        item_id = lib.resolve_item(key)
        rows = [r for r in lib.rows if r.item == item_id]
        item = lib.items[item_id]
        header = [f"{item.item}  {item.name_zh} / {item.name_en}  kind={item.kind}  default unit={item.default_unit}"]
    else:
        header = []
    blocks = []
    for row in rows:
        d = _row_dict(row)
        blocks.append("\n".join(f"  {k:16} {v}" for k, v in d.items() if v not in (None, "")))
    return "\n".join(header + [f"\n{b}" for b in blocks])
