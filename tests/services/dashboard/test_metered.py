"""The dashboard reads the metered year once for the inventory and the data-quality page, and the
figures it gives equal a fresh engine run exactly (float sums in a fixed order: reproducible)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tests.conftest import DemoStore

from zerocarbon.services import dashboard
from zerocarbon.services.dashboard import _base
from zerocarbon.services.inventory import cached
from zerocarbon.services.inventory.runs import run_store_inventory

FACTORY = "JS-LIB-PACK-01"


@pytest.fixture(scope="module")
def store(demo_store: DemoStore) -> Iterator[tuple[str, int]]:
    """The session's sample-factory store (read-only here)."""
    dashboard.cache_clear()
    yield demo_store.url, demo_store.year
    dashboard.cache_clear()


def test_one_pass_over_the_readings_serves_inventory_and_quality(store: tuple[str, int],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    url, year = store
    calls: list[tuple[Any, ...]] = []
    real = cached.kept_year  # the metered year, from the roll-ups kept in the store

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append((args, tuple(sorted(kwargs.items()))))
        return real(*args, **kwargs)

    monkeypatch.setattr(cached, "kept_year", counting)
    dashboard.cache_clear()
    dashboard.overview(FACTORY, year, url)
    dashboard.data_quality(FACTORY, year, url)
    dashboard.inventory_table(FACTORY, year, url)
    assert len(calls) == 1, calls  # the sample has no power registers: power_as_energy changes nothing


def test_dashboard_figures_equal_a_fresh_engine_run_exactly(store: tuple[str, int]) -> None:
    url, year = store
    dashboard.cache_clear()
    shown = _base.inventory_run(FACTORY, year, url).inventory
    # the same inputs as the dashboard: its declared file too, when another test module configured one
    fresh = run_store_inventory(FACTORY, year, url=url, declared=_base.declared_file(FACTORY, url)).inventory
    assert shown.totals == fresh.totals
    assert [(r.line.id, r.line.amount) for r in shown.lines] == [(r.line.id, r.line.amount) for r in fresh.lines]
