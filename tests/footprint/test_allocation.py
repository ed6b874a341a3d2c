"""The one allocation rule of emissions and energy to products (zerocarbon.footprint.allocation).

Hand-checked: facility A is dedicated to product P (10 + 5), B to Q (20), S is shared (4 + 6 = 10);
shares 0.7 / 0.3: P = 15 + 0.7 × 10 = 22, Q = 20 + 0.3 × 10 = 23, and P + Q = the factory's 45.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from zerocarbon.errors import InputError
from zerocarbon.footprint import allocate, product_output
from zerocarbon.model.inventory_input import Product, ProductionRecord

D = Decimal


def _product(pid: str, facilities: list[str], share: str | None) -> Product:
    return Product(id=pid, name_zh=pid, unit="t", facilities=facilities,
                   shared_allocation=None if share is None else D(share))


AMOUNTS = [("A", D(10)), ("S", D(4)), ("B", D(20)), ("A", D(5)), ("S", D(6))]


def test_dedicated_plus_declared_share_of_shared() -> None:
    p, q = allocate([_product("P", ["A"], "0.7"), _product("Q", ["B"], "0.3")], AMOUNTS)
    assert (p.dedicated, p.share, p.shared, p.amount) == (D(15), D("0.7"), D(10), D(22))
    assert (q.dedicated, q.share, q.shared, q.amount) == (D(20), D("0.3"), D(10), D(23))
    assert p.amount + q.amount == sum(a for _, a in AMOUNTS)
    assert p.derivation("tCO2e", D(100)) == "(15 dedicated + 0.7 × 10 shared) tCO2e / 100 t"
    assert q.derivation("tce", D(50), lambda v: f"{v:.1f}") == "(20.0 dedicated + 0.3 × 10.0 shared) tce / 50 t"


def test_a_sole_product_takes_all_of_the_shared_amount() -> None:
    (only,) = allocate([_product("P", ["A"], None)], AMOUNTS)
    assert only.share == 1 and only.amount == 45


def test_no_products_no_allocation() -> None:
    assert allocate([], AMOUNTS) == []


def test_missing_share_with_a_shared_amount_is_refused() -> None:
    with pytest.raises(InputError) as err:
        allocate([_product("P", ["A"], "1"), _product("Q", ["B"], None)], AMOUNTS)
    assert err.value.field == "factory.products.shared_allocation"


def test_shares_must_sum_to_one() -> None:
    with pytest.raises(InputError, match=r"sums to 0\.9"):
        allocate([_product("P", ["A"], "0.6"), _product("Q", ["B"], "0.3")], AMOUNTS)


def test_without_a_shared_amount_no_share_is_needed() -> None:
    p, q = allocate([_product("P", ["A"], None), _product("Q", ["B"], None)], [("A", D(3)), ("B", D(4))])
    assert (p.amount, p.share, q.amount, q.share) == (D(3), D(0), D(4), D(0))


def test_output_in_the_period_converted_to_the_product_unit() -> None:
    prod = _product("P", [], None)
    records = [ProductionRecord(product="P", period="2023-01", amount=D(2), unit="t"),
               ProductionRecord(product="P", period="2023-02", amount=D(500), unit="kg"),
               ProductionRecord(product="P", period="2024-01", amount=D(7), unit="t"),
               ProductionRecord(product="Q", period="2023-01", amount=D(9), unit="t")]
    assert product_output(records, prod, "2023") == D("2.5")
    assert product_output(records, prod, "2023-01") == 2


def test_the_inventory_and_the_energy_per_product_use_the_rule(sample_path: object) -> None:
    """The sample factory: intensities and energy per product are the rule applied to the line figures."""
    from pathlib import Path

    from zerocarbon.energy.comprehensive import comprehensive_energy
    from zerocarbon.energy.uses import facility_energy_uses
    from zerocarbon.ingest.activity_file import load_activity_file
    from zerocarbon.services.demo.metering import energy_per_product
    from zerocarbon.services.inventory.runs import run_inventory

    assert isinstance(sample_path, Path)
    data = load_activity_file(sample_path).data
    inv = run_inventory(sample_path, 2023, mc_draws=0).inventory
    emissions = allocate(data.factory.products, [(r.line.facility, r.emissions("gbt32150"))
                                                 for r in inv.lines if not r.biomass])
    assert [(i.product, i.emissions) for i in inv.intensities] == [(a.product.id, a.amount) for a in emissions]
    uses = facility_energy_uses(inv)
    lines = comprehensive_energy([u for _, u in uses]).lines
    energy = allocate(data.factory.products, [(f, ln.tce) for (f, _), ln in zip(uses, lines, strict=True)])
    assert [(r["product"], r["energy_tce"]) for r in energy_per_product(data, inv)] == [
        (a.product.id, str(a.amount)) for a in energy]
