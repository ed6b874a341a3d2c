"""Use cases of process decarbonisation: read and grade a register, write its template, diagnose a factory.

The faces call these functions only; each returns plain values (:class:`Diagnosis` has ``to_dict``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow.compute as pc

from zerocarbon.energy.register import EfficiencyRegister
from zerocarbon.ingest.equipment_file import load_equipment_file, write_equipment_template
from zerocarbon.reports.efficiency import render_efficiency_html, write_efficiency_xlsx
from zerocarbon.services.efficiency.diagnose import Diagnosis, diagnose
from zerocarbon.services.efficiency.grades_only import GradesOnly, stored_grades
from zerocarbon.services.efficiency.register_source import SourcedRegister, factory_register
from zerocarbon.services.inventory.runs import InventoryRun, run_inventory, run_store_inventory
from zerocarbon.services.metering.year import MeteredYear, metered_year
from zerocarbon.units import conversion_factor, same_dimension


def load_register(path: str | Path, display_name: str | None = None) -> EfficiencyRegister:
    """Read a register file (.xlsx, .yaml, .json); bad input raises :class:`~zerocarbon.errors.InputError`."""
    return load_equipment_file(path, display_name)


def write_template(path: str | Path, example: EfficiencyRegister | None = None) -> Path:
    """Write the XLSX register template (empty, or filled with ``example``)."""
    return write_equipment_template(path, example)


def grade_register(register: EfficiencyRegister, year: int | None = None) -> Diagnosis:
    """Grades, savings and measures of a register alone (no inventory: no indicators from energy, no balance)."""
    return diagnose(register, year=year or register.settings.year or _no_year())


def grade_file(path: str | Path, year: int | None = None) -> Diagnosis:
    """:func:`grade_register` of a register file, naming it as the source (台账来源 file)."""
    register = load_register(path)
    diagnosis = grade_register(register, year)
    diagnosis.register_source = SourcedRegister(register, "file", Path(path).name).to_dict()
    return diagnosis


def _no_year() -> int:
    from zerocarbon.errors import InputError

    raise InputError("台账参数缺少数据年份 year", "the register's settings lack the data year (year)",
                     sheet="参数", field="year")


def metered_kwh(year_data: MeteredYear) -> dict[str, Decimal]:
    """Electricity of the year per meter code [kWh], from the store's metered year (energy meters only)."""
    meters = year_data.factory.meters
    units = dict(zip(meters.column("meter_id").to_pylist(), meters.column("unit").to_pylist(), strict=True))
    codes = dict(zip(meters.column("meter_id").to_pylist(), meters.column("code").to_pylist(), strict=True))
    monthly = year_data.monthly()
    if monthly.num_rows == 0:
        return {}
    out: dict[str, Decimal] = {}
    for meter_id, value in zip(monthly.column("meter_id").to_pylist(),
                               pc.fill_null(monthly.column("value"), 0).to_pylist(), strict=True):
        unit = units.get(meter_id)
        if unit is None or not same_dimension(unit, "kWh"):
            continue
        code = codes[meter_id]
        out[code] = out.get(code, Decimal(0)) + Decimal(repr(value)) * conversion_factor(unit, "kWh")
    return out


def diagnose_run(register: EfficiencyRegister, run: InventoryRun,
                 metered: Mapping[str, Decimal] | None = None) -> Diagnosis:
    """The diagnosis of a computed inventory run (the main job's and the CLI's path)."""
    return diagnose(register, year=register.settings.year or run.year, data=run.data, inventory=run.inventory,
                    metered_kwh=metered)


def diagnose_files(register_path: str | Path, activity_path: str | Path, year: int | None = None) -> Diagnosis:
    """The diagnosis from a register file and an activity-data file."""
    register = load_register(register_path)
    run = run_inventory(activity_path, year or register.settings.year, mc_draws=0)
    diagnosis = diagnose_run(register, run)
    diagnosis.register_source = SourcedRegister(register, "file", Path(register_path).name).to_dict()
    return diagnosis


def diagnose_factory(register_path: str | Path | None, factory_id: str, year: int | None = None, *,
                     url: str | None = None, declared: str | Path | None = None,
                     settings: str | Path | None = None) -> Diagnosis:
    """The diagnosis of a factory in the store: its metered year feeds the inventory and the linked devices.

    The register is chosen by :func:`~zerocarbon.services.efficiency.register_source.factory_register`: the
    file given wins; without one, the factory's stored devices with the settings of ``settings`` (default: its
    companion register file). The result says which (``register_source``, 台账来源 store/file).
    """
    sourced = factory_register(factory_id, url, file=register_path, settings=settings)
    register = sourced.register
    run = run_store_inventory(factory_id, year or register.settings.year, url=url, declared=declared, mc_draws=0)
    metered = metered_kwh(metered_year(factory_id, run.year, url))
    diagnosis = diagnose_run(register, run, metered)
    diagnosis.register_source = sourced.to_dict()
    return diagnosis


def grade_factory(factory_id: str, year: int | None = None, *, url: str | None = None,
                  settings: str | Path | None = None) -> Diagnosis:
    """Grades, savings and measures of the factory's register alone (the stored devices when there are any;
    :func:`~zerocarbon.services.efficiency.register_source.factory_register`), no inventory."""
    sourced = factory_register(factory_id, url, settings=settings)
    diagnosis = grade_register(sourced.register, year)
    diagnosis.register_source = sourced.to_dict()
    return diagnosis


def grade_stored_register(factory_id: str, year: int | None = None, *, url: str | None = None,
                          settings: str | Path | None = None) -> Diagnosis | GradesOnly:
    """:func:`grade_factory`, or, when the store holds devices but no settings file goes with them, their grades
    alone (:mod:`~zerocarbon.services.efficiency.grades_only`: grades, rows, below-minimum flags, shares, and
    which settings the savings need) instead of the refusal (the API's and the CLI's ``grade --factory``)."""
    from zerocarbon.errors import InputError

    try:
        return grade_factory(factory_id, year, url=url, settings=settings)
    except InputError as exc:
        if exc.field != "settings":
            raise
        return stored_grades(factory_id, url, year)


def factory_efficiency(factory_id: str, run: InventoryRun, url: str | None = None) -> dict[str, Any] | None:
    """The efficiency part of the factory's verdict (``assess(efficiency=...)``), from the stored register when
    the store holds devices (else the companion register file), as the diagnosis's ``to_dict``; None when the
    factory has no register at all.

    Stored devices without a settings file still give 节能装备应用占比 (grading needs no tariff): the mapping
    is then the grades-only answer (:mod:`~zerocarbon.services.efficiency.grades_only`: no savings, no measures).
    """
    from zerocarbon.errors import InputError

    try:
        sourced = factory_register(factory_id, url)
    except InputError as exc:
        if exc.field != "settings":
            return None
        return stored_grades(factory_id, url, run.year).to_dict()
    diagnosis = diagnose(sourced.register, year=run.year, data=run.data, inventory=run.inventory)
    diagnosis.register_source = sourced.to_dict()
    return diagnosis.to_dict()


def write_diagnosis(diagnosis: Diagnosis | GradesOnly, out_dir: Path, pdf: bool = False) -> list[Path]:
    """Write ``efficiency.json``, the diagnosis pages (zh-CN, en) and ``efficiency.xlsx`` into ``out_dir``;
    with ``pdf`` also ``efficiency_report.{zh-CN,en}.pdf`` (WeasyPrint, :mod:`zerocarbon.reports.efficiency_pdf`)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    doc = diagnosis.to_dict()
    path = out_dir / "efficiency.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    files = [path, *(render_efficiency_html(doc, out_dir, lang) for lang in ("zh", "en"))]
    files.append(write_efficiency_xlsx(doc, out_dir / "efficiency.xlsx"))
    if pdf:
        from zerocarbon.reports.efficiency_pdf import render_efficiency_pdf

        files.extend(render_efficiency_pdf(doc, out_dir, lang) for lang in ("zh", "en"))
    return files


def run_efficiency(register_path: str | Path, run: InventoryRun, out_dir: Path, url: str | None = None
                   ) -> tuple[Diagnosis, list[Path]]:
    """The main job's stage: diagnose ``run`` with the register (linked meters from the store at ``url``)."""
    register = load_register(register_path)
    metered = metered_kwh(metered_year(run.data.factory.id, run.year, url)) if url else None
    diagnosis = diagnose_run(register, run, metered)
    return diagnosis, write_diagnosis(diagnosis, out_dir)


#: Largest register file accepted from the API [bytes].
MAX_BYTES = 8 * 2**20


def grade_upload(filename: str, content: bytes, year: int | None = None) -> Diagnosis:
    """Grade a register sent as bytes (the API's upload); nothing is stored.

    Raises
    ------
    InputError
        The file is too large, of an unknown type, or invalid (located by sheet, row and field).
    """
    import tempfile

    from zerocarbon.errors import InputError

    if len(content) > MAX_BYTES:
        raise InputError(f"文件超过 {MAX_BYTES // 2**20} MiB", f"the file is larger than {MAX_BYTES // 2**20} MiB",
                         file=filename)
    suffix = Path(filename or "register.xlsx").suffix.lower()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"register{suffix}"
        path.write_bytes(content)
        diagnosis = grade_register(load_register(path, display_name=filename), year)
    diagnosis.register_source = SourcedRegister(diagnosis.register, "file", filename).to_dict()
    return diagnosis


def template_bytes() -> bytes:
    """The empty XLSX register template as bytes."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        return write_template(Path(tmp) / "template.xlsx").read_bytes()


def register_schema() -> dict[str, list[dict[str, object]]]:
    """The register's declared columns per sheet (attribute, kind, unit, required, values, en, zh)."""
    from zerocarbon.ingest.equipment_file import SHEETS

    return {spec.key: [{"attribute": a.name, "kind": a.kind, "unit": a.unit, "required": a.required,
                        "values": list(a.values), "en": a.en, "zh": a.zh, "sheet": spec.zh} for a in spec.entity]
            for spec in SHEETS}
