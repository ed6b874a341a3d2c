"""Primary data share and DQR roll-up (PACT v3 definitions), hand-worked."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from zerocarbon.errors import InputError
from zerocarbon.footprint.dqr import InputQuality, primary_data_share, roll_up


def q(key: str, e: str, p: str, t: str, g: str, tm: str) -> InputQuality:
    return InputQuality(key, D(e), D(p), D(t), D(g), D(tm))


INPUTS = [q("own electricity (metered)", "6", "1", "1", "1", "1"),
          q("cathode (supplier PCF, PDS 40 %)", "3", "0.4", "2", "3", "2"),
          q("aluminium (database)", "1", "0", "3", "4", "5")]


def test_hand_worked_roll_up() -> None:
    """PDS = 100 (6·1 + 3·0.4 + 1·0)/10 = 72 %; tech DQR = (6·1 + 3·2 + 1·3)/10 = 1.5; geo 1.9; temporal 1.7."""
    dq = roll_up(INPUTS)
    assert dq.primary_data_share == D("72.0")
    assert (dq.technological, dq.geographical, dq.temporal) == (D("1.5"), D("1.9"), D("1.7"))
    assert dq.pact_dqi() == {"technologicalDQR": "1.5", "geographicalDQR": "1.9", "temporalDQR": "1.7"}
    assert "PACT" in dq.rule


def test_min_share_drops_small_inputs_from_the_dqr_only() -> None:
    """With the v2.3 5 % rule on 6/3/0.2 kg: aluminium (≈ 2.2 %) leaves the DQR, not the PDS."""
    inputs = [*INPUTS[:2], q("aluminium (database)", "0.2", "0", "3", "4", "5")]
    dq = roll_up(inputs, min_share=D("0.05"))
    assert dq.excluded == ("aluminium (database)",)
    assert dq.technological == D("1.3")  # (6 + 6)/9 = 1.33 → 1.3
    assert primary_data_share(inputs) == pytest.approx(D(100) * D("7.2") / D("9.2"))


@pytest.mark.parametrize(("bad", "field"), [(q("x", "1", "1.5", "1", "1", "1"), "primary_share"),
                                            (q("x", "1", "1", "0.5", "1", "1"), "technologicalDQR"),
                                            (q("x", "1", "1", "1", "1", "6"), "temporalDQR")])
def test_out_of_range_is_named(bad: InputQuality, field: str) -> None:
    with pytest.raises(InputError) as err:
        roll_up([bad])
    assert err.value.field == field and err.value.row == 1


def test_non_positive_total_is_refused() -> None:
    with pytest.raises(InputError, match="not positive"):
        roll_up([q("credit", "-1", "1", "1", "1", "1")])
