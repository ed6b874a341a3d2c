"""Grading a device by the standard of its kind: the one dispatcher over the graders of each standard.

``energy/equipment.py`` declares the device and the grade result (and grades LV motors and
transformers); each further standard has its own module, which imports those declarations. This module
sits above them all, so no grader imports the dispatcher and no import runs in a circle.
"""

from __future__ import annotations

from zerocarbon.energy.compressors import grade_compressor
from zerocarbon.energy.equipment import Equipment, GradeResult, TableRow, grade_motor, grade_transformer
from zerocarbon.energy.fans import grade_fan
from zerocarbon.energy.grading_more import grade_motor_hv, grade_motor_pmsm
from zerocarbon.energy.pumps import grade_pump
from zerocarbon.energy.pumps_chemical import CHEMICAL_PUMPS, grade_chemical_pump
from zerocarbon.energy.reference import MotorRow, MotorTable, TransformerRow


def grade_device(device: Equipment, motor_table: MotorTable | None = None) -> GradeResult:
    """Grade a device by the standard of its kind; kinds without shipped data are ``no_standard``.

    motor_lv: GB 18613-2020 表1; transformer: GB 20052-2024 表1; motor_hv: GB 30254-2024 表1–表6 and
    motor_pmsm: GB 30253-2024 表1–表7 (:mod:`zerocarbon.energy.grading_more`) and, converter-fed, 表8–表10
    (:mod:`zerocarbon.energy.pmsm_vf`); air_compressor: GB 19153-2019 表1–表4 (:mod:`zerocarbon.energy.compressors`);
    fan: GB 19761-2020 表1–表4 (:mod:`zerocarbon.energy.fans`);
    pump: GB 19762-2025 clean-water pumps and 化工泵 (:mod:`zerocarbon.energy.pumps`).

    Parameters
    ----------
    device : Equipment
    motor_table : MotorTable, optional

    Returns
    -------
    GradeResult
    """
    if device.kind == "motor_lv":
        return grade_motor(device, motor_table)
    if device.kind == "transformer":
        return grade_transformer(device)
    if device.kind == "motor_hv":
        return grade_motor_hv(device)
    if device.kind == "motor_pmsm":
        return grade_motor_pmsm(device)
    if device.kind == "air_compressor":
        return grade_compressor(device)
    if device.kind == "fan":
        return grade_fan(device)
    if device.kind == "pump":
        if device.pump_type in CHEMICAL_PUMPS:
            return grade_chemical_pump(device)
        return grade_pump(device)
    return GradeResult(device.code, "no_standard", None, "", (),
                       f"{device.kind} 的能效标准数据尚未收录（见 docs/efficiency-reference.md）",
                       f"no efficiency table shipped yet for {device.kind} (see docs/efficiency-reference.md)")


def row_limit(row: TableRow) -> str:
    """A table cell's limit as text for reports: η_min [%], P₀/P_k max [kW] or e max [kW/(m³/min)]."""
    if isinstance(row, MotorRow):
        return str(row.min_efficiency_pct)
    if isinstance(row, TransformerRow):
        return f"{row.max_no_load_kw}/{row.max_load_kw} kW"
    text = getattr(row, "limit_text", None)
    if not isinstance(text, str):
        raise TypeError(f"a table row without a limit text: {row!r}")
    return text
