"""Inventories of a period, from a file, from the store's meters, and from both."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from zerocarbon.demo.meters import meter_setup, write_readings_csv
from zerocarbon.errors import InputError
from zerocarbon.services.demo.metering import READINGS_LAYOUT
from zerocarbon.services.inventory.runs import run_inventory, run_store_inventory
from zerocarbon.services.metering.intake import ingest_meter_file
from zerocarbon.store.factories import save_factory_setup

FACTORY = "JS-LIB-PACK-01"


def test_months_add_up_to_the_year(sample_path: Path) -> None:
    """Twelve monthly inventories + the lines stated only for the year = the annual inventory, in the
    GB/T 32150 view and in market-based scope 2 (certificates are allocated over the year)."""
    year = run_inventory(sample_path, 2023, mc_draws=0).inventory
    months = [run_inventory(sample_path, month=f"2023-{m:02d}", mc_draws=0).inventory for m in range(1, 13)]
    annual = [r for r in year.lines if r.line.period == "2023"]
    gbt = sum((m.totals.gbt32150_total for m in months), Decimal(0)) + sum((r.emissions() for r in annual), Decimal(0))
    market = sum((m.totals.scope2_market for m in months), Decimal(0)) + sum(
        (r.emissions("market") for r in annual if r.scope == "2"), Decimal(0))
    assert abs(gbt - year.totals.gbt32150_total) < Decimal("1e-18")
    assert abs(market - year.totals.scope2_market) < Decimal("1e-18")
    assert any("whole year" in w for w in months[0].warnings)
    assert months[2].settings["period"] == "2023-03"


def test_month_must_be_in_the_year(sample_path: Path) -> None:
    with pytest.raises(InputError):
        run_inventory(sample_path, 2023, month="2022-05")


def test_store_inventory_equals_declared(store_url: str, tmp_path: Path, sample_path: Path) -> None:
    """The sample's meters, loaded and read back from the store (SQLite and PostgreSQL), give the
    same inventory as the declared data they were generated to match."""
    save_factory_setup(meter_setup(), store_url)
    csv = write_readings_csv(tmp_path / "readings.csv")
    report = ingest_meter_file(csv, FACTORY, READINGS_LAYOUT, url=store_url)
    assert report.rejected == 0 and report.accepted == 245_275
    merged = run_store_inventory(FACTORY, 2023, url=store_url, declared=sample_path, mc_draws=0)
    declared = run_inventory(sample_path, 2023, mc_draws=0)
    for key in ("gbt32150_total", "scope1", "scope2_location", "scope2_market"):
        a, b = getattr(merged.inventory.totals, key), getattr(declared.inventory.totals, key)
        assert abs(a - b) <= abs(b) * Decimal("1e-12"), key
    meter_lines = [r for r in merged.inventory.lines if r.line.source.startswith("meters:")]
    assert len(meter_lines) == 84
    alone = run_store_inventory(FACTORY, 2023, url=store_url, mc_draws=0)
    assert {r.line.category.value for r in alone.inventory.lines} == {
        "electricity_purchased", "electricity_exported", "onsite_renewable", "fuel_combustion", "heat_purchased"}
    # issue 10: an inventory from meters alone says the declared data are missing
    assert alone.inventory.warnings[0].startswith("declared data missing")
    assert not any(w.startswith("declared data missing") for w in merged.inventory.warnings)
    march = run_store_inventory(FACTORY, url=store_url, declared=sample_path, month="2023-03", mc_draws=0)
    expected = declared.inventory.breakdowns["period"]["2023-03"]
    assert abs(march.inventory.totals.gbt32150_total - expected) <= expected * Decimal("1e-12")


def test_production_is_stored_with_the_setup(store_url: str) -> None:
    from zerocarbon.store.factories import load_production

    setup = meter_setup()
    save_factory_setup(setup, store_url)
    save_factory_setup(setup, store_url)  # idempotent
    stored = load_production(FACTORY, store_url)
    assert len(stored) == len(setup.production) == 26
    assert {(r.product, r.period, r.amount) for r in stored} == {
        (p.product, p.period, p.amount) for p in setup.production}


def test_energy_per_product_adds_up(sample_path: Path) -> None:
    """Dedicated energy of every product + the shared energy = the factory's comprehensive energy."""
    from zerocarbon.energy.uses import energy_of
    from zerocarbon.ingest.activity_file import load_activity_file
    from zerocarbon.services.demo.metering import energy_per_product

    data = load_activity_file(sample_path).data
    inv = run_inventory(sample_path, 2023, mc_draws=0).inventory
    rows = energy_per_product(data, inv)
    total = energy_of(inv).total_tce
    assert abs(sum(Decimal(r["energy_tce"]) for r in rows) - total) < Decimal("1e-12")
    assert all(Decimal(r["tce_per_unit"]) > 0 for r in rows)
