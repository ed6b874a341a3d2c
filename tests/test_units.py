"""The one unit registry (units.py): spellings users write, and text that is not a unit.

Issue 10: units are case-insensitive where unambiguous; a plain m3 is refused with what to write
(Nm3 or 万Nm3); unit text is checked for length and characters before pint reads it (pint's parser
takes time quadratic in the length, and ``(``, ``kWh)``, ``'`` and ``1/0`` crashed it).
"""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from zerocarbon.errors import UnitError
from zerocarbon.units import MAX_UNIT_LENGTH, conversion_factor, parse_unit


@pytest.mark.parametrize(("written", "meant"), [("mwh", "MWh"), ("KWH", "kWh"), ("Mwh", "MWh"), ("gj", "GJ"),
                                                ("TCO2", "tCO2"), ("nm3", "Nm3"), ("万nm3", "万Nm3"),
                                                ("GJ/万nm3", "GJ/万Nm3")])
def test_units_case_insensitive_where_unambiguous(written: str, meant: str) -> None:
    assert parse_unit(written) == parse_unit(meant)
    assert conversion_factor(written, meant) == Decimal(1)


@pytest.mark.parametrize("plain", ["m3", "万m3", "m³", "立方米", "万 m3"])
def test_plain_cubic_metres_are_refused_with_what_to_write(plain: str) -> None:
    with pytest.raises(UnitError) as info:
        parse_unit(plain)
    assert "Nm3" in info.value.message_zh and "万Nm3" in info.value.message_zh
    assert "NCV" not in info.value.message_en and "ncv" not in info.value.message_en


@pytest.mark.parametrize("text", ["(", "kWh)", "'", "1/0", "kg**99", "t/(", ")(", "\ud800", "a\x00", "kWh;drop",
                                  "{t}", "t" * (MAX_UNIT_LENGTH + 1)])
def test_text_that_is_not_a_unit_is_a_unit_error(text: str) -> None:
    with pytest.raises(UnitError) as info:
        parse_unit(text)
    str(info.value).encode("utf-8")  # printable, even for a lone surrogate
    assert info.value.expected and "MWh" in info.value.expected


def test_long_unit_text_is_refused_at_once() -> None:
    """32,000 characters took 16 s to parse (issue 10); the length check refuses them before pint."""
    start = time.perf_counter()
    for n in (8_000, 16_000, 32_000):
        with pytest.raises(UnitError):
            parse_unit("k" * n)
    assert time.perf_counter() - start < 0.5


def test_the_registry_still_reads_the_project_units() -> None:
    assert conversion_factor("万Nm3", "Nm3") == Decimal(10000)
    assert conversion_factor("MWh", "GJ") == Decimal("3.6")
    assert conversion_factor("tce", "GJ") == Decimal("29.307")
    assert parse_unit("t") == parse_unit("T")  # "T" is a tonne here, not a tesla
