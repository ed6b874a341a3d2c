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

import functools
import math
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeVar, cast

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

#: Longest unit text accepted [characters]. A unit longer than any real one is refused before
#: parsing: pint's parser takes time quadratic in the length of its input.
MAX_UNIT_LENGTH = 32
#: Largest power of a unit accepted (``m3`` is 3; ``kg**999999999`` is a typo or an attack).
MAX_UNIT_POWER = 4

#: The spellings of the units this project names, matched without regard to case where that is
#: unambiguous ("mwh", "KWH" → MWh, kWh). Prefixed forms that differ only in case from another
#: unit (mWh, Mt, MJ vs mJ…) are listed in their intended form only.
ACCEPTED_UNITS: tuple[str, ...] = (
    "t", "kg", "g", "GJ", "MJ", "TJ", "kJ", "kWh", "MWh", "GWh", "Nm3", "wan_Nm3", "wan_kWh", "wan_tce",
    "tce", "kgce", "tCO2", "tCO2e", "kgCO2", "kgCO2e", "gCO2", "gCO2e", "tC", "kgC", "percent",
    "dimensionless", "MPa", "kPa", "degC", "h", "kW", "MW", "kVarh", "kvar", "kVA",
)
_BY_LOWER: dict[str, str] = {u.lower(): u for u in ACCEPTED_UNITS}
_TOKEN = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
#: Characters a unit may hold: letters (Chinese included), digits, the operators pint reads, ³ ⁴ ² ·.
_ALLOWED = re.compile(r"^[\w\s/*^().·%²³⁴⁻-]*$")
_PLAIN_M3 = re.compile(r"(?<![A-Za-z])m(3|³|\^3|\*\*3)(?![0-9])|立方米")

#: Spellings shown in an error message, so a user sees what to write.
SPELLINGS_HINT = "t, kg, GJ, MWh, kWh, 万kWh, Nm3, 万Nm3, tce, tCO2, tCO2e, %"


def _normalise(unit: str) -> str:
    text = unit.strip().replace(" ", "")
    # case-insensitive where unambiguous: each name this project accepts, in any case
    text = _TOKEN.sub(lambda m: _BY_LOWER.get(m.group(0).lower(), m.group(0)), text)
    if text in UNIT_ALIASES:
        return UNIT_ALIASES[text]
    for alias in _PART_ALIASES:  # inside compound units such as "GJ/万Nm3"; longest first
        if alias in text:
            text = text.replace(alias, UNIT_ALIASES[alias])
    return text


def _unknown(unit: str, reason_zh: str = "", reason_en: str = "") -> UnitError:
    shown = unit if len(unit) <= MAX_UNIT_LENGTH else unit[:MAX_UNIT_LENGTH] + "…"
    return UnitError(f"无法识别的单位 “{shown}”{reason_zh}", f"unknown unit '{shown}'{reason_en}",
                     expected=SPELLINGS_HINT)


def check_unit_text(unit: object) -> str:
    """The unit text, or :class:`UnitError` when it is too long, holds characters no unit has, or is
    a plain cubic metre (gas volumes are stated at normal conditions: Nm3 or 万Nm3)."""
    if not isinstance(unit, str):
        raise _unknown(str(unit)[:MAX_UNIT_LENGTH], "（不是文本）", " (not text)")
    if len(unit) > MAX_UNIT_LENGTH:
        raise _unknown(unit, f"（超过 {MAX_UNIT_LENGTH} 个字符）", f" (longer than {MAX_UNIT_LENGTH} characters)")
    if not _ALLOWED.match(unit) or any(0xD800 <= ord(c) <= 0xDFFF for c in unit):
        raise _unknown(unit, "（含有单位中不会出现的字符）", " (holds characters no unit has)")
    if _PLAIN_M3.search(unit.replace(" ", "")):
        raise UnitError(
            f"单位 “{unit}” 没有说明标准状态：气体体积请写 Nm3 或 万Nm3",
            f"unit '{unit}' does not state reference conditions: write Nm3 or 万Nm3 for gas volumes",
            expected="Nm3 | 万Nm3")
    return unit


@lru_cache(maxsize=512)
def parse_unit(unit: str) -> pint.Unit:
    """Parse a user's or a data file's unit string into a registry unit.

    The names of :data:`ACCEPTED_UNITS` are matched without regard to case; the text is checked for
    length (at most :data:`MAX_UNIT_LENGTH` characters) and characters before pint reads it.

    Parameters
    ----------
    unit : str
        A unit as written, e.g. ``"万Nm3"``, ``"t"``, ``"GJ/wan_Nm3"``, ``"tCO2/MWh"``, ``"mwh"``.

    Raises
    ------
    UnitError
        When the text is not a unit the registry knows (the message lists accepted spellings).
    """
    text = _normalise(check_unit_text(unit))
    try:
        parsed = ureg.parse_units(text)
    except Exception as exc:  # pint's parser raises tokenize, assertion and decimal errors on odd text
        raise _unknown(unit) from exc
    if any(abs(float(power)) > MAX_UNIT_POWER for power in dict(parsed._units).values()):  # type: ignore[arg-type]
        raise _unknown(unit, "（幂次过大）", " (power too large)")
    return parsed


def conversion_factor(from_unit: str, to_unit: str) -> Decimal:
    """Exact Decimal factor k such that ``x [from_unit] = k·x [to_unit]``.

    Each pair is converted once per process (an inventory of 24,000 metered lines asks a few pairs
    hundreds of thousands of times); a failed conversion is not remembered and raises every time.

    Raises
    ------
    UnitError
        When the two units measure different things (a mismatch never converts silently).
    """
    return _conversion_factor(from_unit, to_unit)


@functools.lru_cache(maxsize=4096)
def _conversion_factor(from_unit: str, to_unit: str) -> Decimal:
    source, target = parse_unit(from_unit), parse_unit(to_unit)
    try:
        value = Quantity(Decimal(1), source).to(target).magnitude
    except ArithmeticError as exc:
        raise UnitError(f"单位 “{from_unit}” 无法换算", f"unit '{from_unit}' cannot be converted",
                        expected=to_unit) from exc
    except pint.errors.DimensionalityError as exc:
        raise UnitError(
            f"单位 “{from_unit}” 不能换算为 “{to_unit}”（量纲不同）",
            f"unit '{from_unit}' cannot be converted to '{to_unit}' (different dimensions)",
            expected=to_unit,
        ) from exc
    return Decimal(value)


def convert(amount: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """Convert ``amount`` from one unit to another, exactly, in Decimal."""
    return amount * conversion_factor(from_unit, to_unit)


def same_dimension(unit_a: str, unit_b: str) -> bool:
    """True when the two units measure the same kind of quantity."""
    return bool(parse_unit(unit_a).dimensionality == parse_unit(unit_b).dimensionality)


#: How each registry name is shown to a person, per language; a name not listed is shown as it is
#: (t, GJ, MWh, tCO2e … are read the same in both languages).
UNIT_LABELS: dict[str, tuple[str, str]] = {
    "wan_Nm3": ("万Nm³", "10⁴ Nm³"),
    "wan_kWh": ("万kWh", "10⁴ kWh"),
    "wan_tce": ("万tce", "10⁴ tce"),
    "Nm3": ("Nm³", "Nm³"),
    "m3": ("m³", "m³"),
    "dimensionless": ("无量纲", "dimensionless"),
    "percent": ("%", "%"),
    "degC": ("℃", "°C"),
}
_DIMENSIONLESS = ("", "1", "dimensionless", "无量纲")


def unit_label(unit: str | None, lang: str = "zh") -> str:
    """The unit as a person reads it in ``lang`` (``"zh"``; anything else is English).

    One function for every output (reports, workbook, command line, dashboard): pint's internal
    names never reach a reader. ``"GJ/wan_Nm3"`` → ``"GJ/万Nm³"`` (zh) or ``"GJ/10⁴ Nm³"`` (en);
    ``"dimensionless"`` → ``"无量纲"`` / ``"dimensionless"``; a user's own spelling (``"万Nm3"``)
    is shown the same way as the registry's. Text that is not a unit is returned unchanged.

    Parameters
    ----------
    unit : str or None
        A unit as stored or written; None gives ``"—"``.
    lang : str
        ``"zh"`` or ``"en"``.
    """
    if unit is None:
        return "—"
    index = 0 if lang.lower().startswith("zh") else 1
    if unit.strip() in _DIMENSIONLESS:
        return UNIT_LABELS["dimensionless"][index]
    if len(unit) > MAX_UNIT_LENGTH or not _ALLOWED.match(unit):
        return unit
    text = _normalise(unit)
    return _TOKEN.sub(lambda m: UNIT_LABELS[m.group(0)][index] if m.group(0) in UNIT_LABELS else m.group(0), text)


def display_unit(unit: str) -> str:
    """The unit as a person reads it in a Chinese report (万Nm³ rather than wan_Nm3); see :func:`unit_label`."""
    return unit_label(unit, "zh")


_T = TypeVar("_T")


def denoise(value: _T, digits: int = 12) -> _T:
    """``value`` with every float rounded to ``digits`` significant digits, recursively through dicts, lists
    and tuples: binary floating-point residue (33.99999999999999) never reaches an output, while a float's
    stated precision (12 digits is far beyond any metered or sourced figure) is kept. Other values unchanged."""
    out: Any = value
    if isinstance(value, float):
        out = float(f"{value:.{digits}g}") if math.isfinite(value) else value
    elif isinstance(value, dict):
        out = {k: denoise(v, digits) for k, v in value.items()}
    elif isinstance(value, list | tuple):
        out = [denoise(v, digits) for v in value]
    return cast(_T, out)
