"""``zerocarbon inventory run --factory F`` without ``--year``: the year of the factory's newest reading."""

from __future__ import annotations

import pytest
from tests.services.metering.test_activity import SETUP, _load

from zerocarbon.errors import InputError
from zerocarbon.services.inventory.runs import latest_year, run_store_inventory
from zerocarbon.store.factories import save_factory_setup


def test_the_year_defaults_to_the_newest_reading(store_url: str) -> None:
    _load(store_url)  # readings of 2023 (and the last days of 2022)
    assert latest_year("F1", store_url) == 2023


def test_no_readings_asks_for_the_year(store_url: str) -> None:
    save_factory_setup(SETUP, store_url)
    with pytest.raises(InputError, match="give --year or --month"):
        run_store_inventory("F1", url=store_url, mc_draws=0)
