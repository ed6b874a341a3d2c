"""A non-finite figure (NaN, Infinity) in a quota check is refused as the input's error, never compared.

A register row's ``corrections`` text ``name=NaN`` parses as a Decimal; compared with a table point it raised
decimal.InvalidOperation (an unhandled error), and ``Infinity`` fell into the open last band of a steps table.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from zerocarbon.energy.quota import evaluate
from zerocarbon.energy.reference import QuotaIndicator, load_quota_standard
from zerocarbon.errors import InputError

INPUTS = {"mixed_gas_time_share": D(0), "coal_volatile_dry_pct": D(24), "coal_total_moisture_pct": D(10),
          "wet_quenching": D(0), "oven_age_years": D(5)}


def _coke() -> QuotaIndicator:
    return next(i for i in load_quota_standard("gb21342-2025").indicators if i.id == "coke.top_charging.energy")


@pytest.mark.parametrize(("name", "value"), [("coal_volatile_dry_pct", "NaN"), ("oven_age_years", "Infinity"),
                                             ("coal_total_moisture_pct", "sNaN"), ("wet_quenching", "-Infinity")])
def test_non_finite_correction_input_is_refused(name: str, value: str) -> None:
    with pytest.raises(InputError) as exc:
        evaluate(_coke(), D(120), {**INPUTS, name: D(value)})
    assert exc.value.field == name


@pytest.mark.parametrize("value", ["NaN", "Infinity"])
def test_non_finite_value_is_refused(value: str) -> None:
    with pytest.raises(InputError) as exc:
        evaluate(_coke(), D(value), INPUTS)
    assert exc.value.field == "value"
    assert evaluate(_coke(), D(120), INPUTS).grade == 3  # the same inputs grade when finite
