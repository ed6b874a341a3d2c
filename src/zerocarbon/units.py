"""The one unit registry of zerocarbon.

Every quantity that crosses a module boundary is converted with this registry; nobody builds
another. Magnitudes are :class:`decimal.Decimal` (``non_int_type=Decimal``) so that reported
figures never take a float detour.

Dimensions added to pint's SI set
---------------------------------
``[co2e]``
    Mass of CO2-equivalent: ``kgCO2e``, ``tCO2e``; ``kgCO2`` and ``tCO2`` are the same amounts
    (CO2 has a GWP of 1). A mass of CH4 stays a plain mass (``t``) until a GWP converts it.
``[carbon]``
    Mass of carbon: ``kgC``, ``tC``. Turning carbon into CO2 (× 44/12) is a formula step, written
    out in the accounting code, never a silent unit conversion.
``[normal_volume]``
    Gas volume at standard conditions: ``Nm3`` and ``wan_Nm3`` (万Nm3 = 10⁴ Nm3). A plain ``m3``
    does not convert to ``Nm3``: the reference conditions must be stated.

Standard coal (``kgce``, ``tce``) is defined as energy: 1 kgce = 29 307 kJ (GB/T 2589-2020 §3.5,
"低位发热量等于 29 307 千焦（kJ）的燃料，称为 1 千克标准煤"). Conversion of a fuel to standard coal uses
the tabulated GB/T 2589 coefficients, not this definition.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

import pint

from zerocarbon.errors import UnitError

ureg: pint.UnitRegistry[Decimal] = pint.UnitRegistry(non_int_type=Decimal, autoconvert_offset_to_baseunit=True)
ureg.define("kgCO2e = [co2e]")
ureg.define("tCO2e = 1000 * kgCO2e")
ureg.define("gCO2e = 0.001 * kgCO2e")
ureg.define("kgCO2 = kgCO2e")
ureg.define("tCO2 = tCO2e")
ureg.define("gCO2 = gCO2e")
ureg.define("kgC = [carbon]")
ureg.define("tC = 1000 * kgC")
ureg.define("Nm3 = [normal_volume]")
ureg.define("wan_Nm3 = 10000 * Nm3")
ureg.define("kgce = 29307 * kJ")
ureg.define("tce = 1000 * kgce")
ureg.define("wan_kWh = 10000 * kWh")
ureg.define("wan_tce = 10000 * tce")

Quantity = ureg.Quantity

#: Spellings users write in Excel and YAML, mapped onto the registry's names. The keys are
#: matched after stripping spaces; the Chinese forms come from Chinese statistical forms.
UNIT_ALIASES: dict[str, str] = {
    "万Nm3": "wan_Nm3",
    "万Nm³": "wan_Nm3",
    "10^4Nm3": "wan_Nm3",
    "10⁴Nm3": "wan_Nm3",
    "10000Nm3": "wan_Nm3",
    "Nm³": "Nm3",
    "标准立方米": "Nm3",
    "万标准立方米": "wan_Nm3",
    "万kWh": "wan_kWh",
    "万千瓦时": "wan_kWh",
    "千瓦时": "kWh",
    "兆瓦时": "MWh",
    "度": "kWh",
    "吨": "t",
    "千克": "kg",
    "公斤": "kg",
    "吉焦": "GJ",
    "兆焦": "MJ",
    "太焦": "TJ",
    "tCO₂": "tCO2",
    "tCO₂e": "tCO2e",
    "吨二氧化碳": "tCO2",
    "吨二氧化碳当量": "tCO2e",
    "吨标准煤": "tce",
    "千克标准煤": "kgce",
    "万吨标准煤": "wan_tce",
    "%": "percent",
    "百分比": "percent",
    "1": "dimensionless",
    "": "dimensionless",
}


_PART_ALIASES = sorted((k for k in UNIT_ALIASES if k not in ("", "1")), key=len, reverse=True)


def _normalise(unit: str) -> str:
    text = unit.strip().replace(" ", "")
    if text in UNIT_ALIASES:
        return UNIT_ALIASES[text]
    for alias in _PART_ALIASES:  # inside compound units such as "GJ/万Nm3"; longest first
        if alias in text:
            text = text.replace(alias, UNIT_ALIASES[alias])
    return text


@lru_cache(maxsize=512)
def parse_unit(unit: str) -> pint.Unit:
    """Parse a user's or a data file's unit string into a registry unit.

    Parameters
    ----------
    unit : str
        A unit as written, e.g. ``"万Nm3"``, ``"t"``, ``"GJ/wan_Nm3"``, ``"tCO2/MWh"``.

    Raises
    ------
    UnitError
        When the text is not a unit the registry knows.
    """
    text = _normalise(unit)
    try:
        return ureg.parse_units(text)
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError, ValueError,
            AttributeError, TypeError) as exc:
        raise UnitError(
            f"无法识别的单位 “{unit}”", f"unknown unit '{unit}'", expected="a unit such as t, Nm3, "
            "万Nm3, MWh, GJ, tCO2"
        ) from exc


def conversion_factor(from_unit: str, to_unit: str) -> Decimal:
    """Exact Decimal factor k such that ``x [from_unit] = k·x [to_unit]``.

    Raises
    ------
    UnitError
        When the two units measure different things (a mismatch never converts silently).
    """
    source, target = parse_unit(from_unit), parse_unit(to_unit)
    try:
        value = Quantity(Decimal(1), source).to(target).magnitude
    except pint.errors.DimensionalityError as exc:
        raise UnitError(
            f"单位 “{from_unit}” 不能换算为 “{to_unit}”（量纲不同）",
            f"unit '{from_unit}' cannot be converted to '{to_unit}' (different dimensions)",
            expected=f"a unit of the same kind as {to_unit}",
        ) from exc
    return Decimal(value)


def convert(amount: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """Convert ``amount`` from one unit to another, exactly, in Decimal."""
    return amount * conversion_factor(from_unit, to_unit)


def same_dimension(unit_a: str, unit_b: str) -> bool:
    """True when the two units measure the same kind of quantity."""
    return bool(parse_unit(unit_a).dimensionality == parse_unit(unit_b).dimensionality)


def display_unit(unit: str) -> str:
    """The unit as a person reads it in a report (万Nm3 rather than wan_Nm3)."""
    return unit.replace("wan_Nm3", "万Nm3").replace("wan_kWh", "万kWh").replace("wan_tce", "万tce")
