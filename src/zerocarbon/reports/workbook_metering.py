"""The workbook's energy and meter sheets, from the metering findings given as plain data.

``metering`` is shaped like ``out/metering.json``: ``energy`` (comprehensive energy, GB/T 2589, by
carrier and period [tce]), ``reconciliation``, ``gaps`` and, when the findings carry the meter
register, ``meters`` (one dict per meter: ``code``, ``name``, ``node``, ``carrier``, ``unit`` and the
register's ``model``, ``serial_no``, ``accuracy_class``, ``calibrated_on``, ``calibration_due``,
``calibration_certificate``; a key not given is left blank).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from zerocarbon.accounting.results import Inventory
from zerocarbon.reports.i18n import t
from zerocarbon.reports.metering import carrier_name, energy_table
from zerocarbon.reports.workbook_table import CHECK, INT, PCT, TCE, CellValue, Col, Formula, Typed, table

METER_KEYS = ("model", "serial_no", "accuracy_class", "calibrated_on", "calibration_due", "calibration_certificate")


def energy_sheet(wb: Workbook, metering: Mapping[str, Any] | None, lang: str) -> None:
    """Comprehensive energy [tce] by carrier (rows) and month (columns); totals are SUM formulas."""
    energy = (metering or {}).get("energy") or {}
    if not energy:
        table(wb, "能源 Energy", (("met.carrier", None),), [[t("wb.no_energy", lang)]])
        return
    periods, carriers = energy_table(dict(energy), lang)
    annual = f"{t('met.annual', 'zh')} / {t('met.annual', 'en')}"
    labels = [p if len(p) == 7 else f"{p} {annual}" for p in periods]
    n = len(periods)
    first, last = get_column_letter(2), get_column_letter(n + 1)
    total_col, engine_col = get_column_letter(n + 2), get_column_letter(n + 3)
    rows: list[list[CellValue]] = []
    for i, c in enumerate(carriers):
        row = i + 2
        rows.append([c["name"], *(Typed(float(v), TCE) if v is not None else None for v in c["cells"]),
                     Formula(f"=SUM({first}{row}:{last}{row})"), Typed(float(c["total"]), TCE),
                     Formula(f"=ROUND({total_col}{row}-{engine_col}{row},6)")])
    end = len(carriers) + 1
    row = end + 1
    rows.append([t("sum", lang), *(Formula(f"=SUM({get_column_letter(j + 2)}2:{get_column_letter(j + 2)}{end})")
                                   for j in range(n)),
                 Formula(f"=SUM({total_col}2:{total_col}{end})"), Typed(float(Decimal(energy["total_tce"])), TCE),
                 Formula(f"=ROUND({total_col}{row}-{engine_col}{row},6)")])
    table(wb, "能源 Energy", (("met.carrier", None), *((f"!{label}", TCE) for label in labels),
                                  ("wb.energy_total", TCE), ("wb.energy_engine", TCE), ("wb.check", CHECK)),
               rows, sections=[len(rows) - 1])


def meters_sheet(wb: Workbook, inv: Inventory, metering: Mapping[str, Any] | None, lang: str) -> None:
    """The meter register when the findings carry one, else the meters the activity lines name; with the
    lines each meter fed, its largest difference from the declared data and its missing intervals."""
    metering = metering or {}
    register = {str(m["code"]): m for m in metering.get("meters") or () if m.get("code")}
    fed: dict[str, int] = defaultdict(int)
    for r in inv.lines:
        for code in r.line.meters:
            fed[code] += 1
    recon: dict[str, float] = {}
    for entry in metering.get("reconciliation") or ():
        for code in str(entry["meter"]).split(", "):
            recon[code] = max(recon.get(code, 0.0), float(entry["rel_diff"]))
    gaps: dict[str, int] = defaultdict(int)
    for g in metering.get("gaps") or ():
        gaps[str(g.get("meter"))] += int(g.get("count", 0))
    codes = list(register) + sorted(set(fed) - set(register))
    rows: list[list[CellValue]] = []
    for code in codes:
        m = register.get(code, {})
        carrier = m.get("carrier")
        rows.append([code, m.get("name") or None, m.get("node") or None,
                     carrier_name(str(carrier), lang) if carrier else None, m.get("unit") or None,
                     *((str(m[k]) if m.get(k) not in (None, "") else None) for k in METER_KEYS),
                     fed.get(code, 0), Typed(recon[code], PCT) if code in recon else None,
                     gaps.get(code, 0) if code in gaps else None])
    if not register:
        rows.append([t("wb.no_register", lang)])
    cols: tuple[Col, ...] = (
        ("wb.meter", None), ("col.name", None), ("wb.node", None), ("met.carrier", None), ("col.unit", None),
        ("wb.model", None), ("wb.serial", None), ("wb.accuracy", None), ("wb.calibrated", None),
        ("wb.calibration_due", None), ("wb.certificate", None), ("wb.lines_fed", INT), ("wb.recon", PCT),
        ("wb.gap_intervals", INT))
    table(wb, "计量器具 Meters", cols, rows, wrap=(0,))
