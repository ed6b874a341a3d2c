"""Year-on-year change by driver (activity, factor, instruments, boundary), worked by hand.

The factors are round numbers chosen for the arithmetic (they are not published values): the
decomposition does not depend on where a factor came from, only on the figures of each line.
The rule (``zerocarbon/accounting/drivers.py``): per stream, x = A1 × G0 / A0; activity = x − G0;
factor = G1 − x; instruments = −(I1 − I0); streams in one year only are boundary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal as D
from pathlib import Path
from typing import Any, cast

import pytest

from zerocarbon.accounting.drivers import TOTAL_SPECS, TotalSpec, explain_all, explain_change, specs_for
from zerocarbon.accounting.inventory import compare_years, compute_inventory
from zerocarbon.accounting.results import Figure, Inventory, LineResult
from zerocarbon.factors import FactorValue
from zerocarbon.ingest.activity_file import load_activity_file
from zerocarbon.model.inventory_input import ActivityLine


def ef(value: str, unit: str = "tCO2/MWh") -> FactorValue:
    return FactorValue("electricity_grid_average", "emission_factor", D(value), unit, "default")


def line(id_: str, facility: str, category: str, amount: str, unit: str, figures: dict[str, Figure],
         **extra: Any) -> LineResult:
    ln = ActivityLine.model_validate({"id": id_, "facility": facility, "category": category, "amount": amount,
                                      "unit": unit, "period": extra.pop("period", "2023"), **extra})
    scope = "2" if category in ("electricity_purchased", "heat_purchased") else "1"
    return LineResult(ln, id_, id_, "CO2", None, scope, False, figures)


def fig(view: str, e: str, *factors: FactorValue) -> Figure:
    return Figure(view, D(e), "test", list(factors))


@dataclass
class Inv:
    """The two attributes the decomposition reads (``year`` and ``lines``); totals are line sums."""

    year: int
    lines: list[LineResult] = field(default_factory=list)


def inv(year: int, *lines: LineResult) -> Inventory:
    return cast(Inventory, Inv(year, list(lines)))


VIEW = TotalSpec("market_total", "market", lambda r: True)


def test_activity_factor_and_certificates() -> None:
    """1 000 MWh at 0.5 → 1 200 MWh at 0.4 with 300 MWh of certificates.

    G0 = 1 000 × 0.5 = 500, I0 = 0, E0 = 500. G1 = 1 200 × 0.4 = 480, I1 = 300 × 0.4 = 120, E1 = 360.
    x = 1 200 × 500 / 1 000 = 600: activity = 600 − 500 = +100 (= 200 MWh × 0.5); factor =
    480 − 600 = −120 (= 1 200 × (0.4 − 0.5)); certificates = −120; total = −140 = 360 − 500.
    """
    before = inv(2022, line("a", "F", "electricity_purchased", "1000", "MWh",
                            {"market": fig("market", "500", ef("0.5"))}))
    after = inv(2023, line("b", "F", "electricity_purchased", "1200000", "kWh",
                           {"market": fig("market", "360", ef("0.4"))}))
    d = explain_change(before, after, VIEW)
    assert (d.activity, d.factor, d.certificates, d.green_power, d.boundary) == (100, -120, -120, 0, 0)
    assert d.delta == -140 and d.residual == 0
    s = d.streams[0]
    assert s.after is not None and s.after.certificates_mwh == 300 and s.unit == "MWh"


def test_green_power_is_an_instrument_not_a_new_source() -> None:
    """Grid 1 000 MWh at 0.5 → grid 600 MWh at 0.5 plus 400 MWh of green power at 0.

    The green-power line carries no factor: it is priced at the view's grid factor of the same
    inventory (0.5). G1 = 1 000 × 0.5 = 500, I1 = 200, E1 = 300. Same activity and factor:
    activity 0, factor 0, green power −200, boundary 0.
    """
    before = inv(2022, line("a", "F", "electricity_purchased", "1000", "MWh",
                            {"market": fig("market", "500", ef("0.5"))}))
    after = inv(2023,
                line("b", "F", "electricity_purchased", "600", "MWh", {"market": fig("market", "300", ef("0.5"))}),
                line("g", "F", "electricity_purchased", "400", "MWh", {"market": fig("market", "0")},
                     electricity_kind="green_power", evidence="proof"))
    d = explain_change(before, after, VIEW)
    assert (d.activity, d.factor, d.green_power, d.certificates, d.boundary) == (0, 0, -200, 0, 0)
    assert d.streams[0].after is not None and d.streams[0].after.green_power_mwh == 400
    assert d.residual == 0


def test_boundary_streams_present_in_one_year() -> None:
    """A canteen's LPG (3 t, 9 tCO2) ends; a new workshop's diesel (2 t, 6.2 tCO2) starts.

    Boundary = +6.2 − 9 = −2.8; the fuel streams present in both years contribute nothing here.
    Natural gas 10 万Nm3 → 120 000 Nm3 (units converted: 12 万Nm3) at the same effective factor
    21.6 t/万Nm3: activity = (12 − 10) × 21.6 = +43.2, factor 0.
    """
    spec = TotalSpec("scope1", "location", lambda r: True)
    before = inv(2022,
                 line("lpg", "CT", "fuel_combustion", "3", "t", {"location": fig("location", "9")}, item="液化石油气"),
                 line("ng", "UT", "fuel_combustion", "10", "万Nm3", {"location": fig("location", "216")},
                      item="天然气"))
    after = inv(2023,
                line("dsl", "NEW", "fuel_combustion", "2", "t", {"location": fig("location", "6.2")}, item="柴油"),
                line("ng2", "UT", "fuel_combustion", "120000", "Nm3", {"location": fig("location", "259.2")},
                     item="天然气"))
    d = explain_change(before, after, spec)
    assert d.boundary == D("-2.8") and d.activity == D("43.2") and d.factor == 0
    assert d.delta == D("265.4") - D("225") and d.residual == 0
    kinds = {(s.facility, s.before is None, s.after is None) for s in d.streams}
    assert kinds == {("CT", False, True), ("NEW", True, False), ("UT", False, False)}


def test_zero_activity_in_the_earlier_year_is_all_activity() -> None:
    """A stream with 0 t the year before: no earlier factor, so the whole change is activity."""
    spec = TotalSpec("t", "location", lambda r: True)
    before = inv(2022, line("a", "F", "fuel_combustion", "0", "t", {"location": fig("location", "0")}, item="柴油"))
    after = inv(2023, line("b", "F", "fuel_combustion", "2", "t", {"location": fig("location", "6.2")}, item="柴油"))
    d = explain_change(before, after, spec)
    assert (d.activity, d.factor, d.boundary) == (D("6.2"), 0, 0)


@pytest.fixture(scope="module")
def sample(sample_path: Path) -> dict[int, Inventory]:
    loaded = load_activity_file(sample_path)
    return {y: compute_inventory(loaded.data, y, mc_draws=0) for y in loaded.data.years()}


def test_sample_drivers_add_up_to_each_total(sample: dict[int, Inventory]) -> None:
    """On the sample factory every compared total's change is the sum of its drivers.

    The residual is measured against the engine's own totals, which are added at 28 significant
    digits: it may differ from zero only in that last digit.
    """
    specs = specs_for(sample[2022], sample[2023])
    assert {s.key for s in specs} >= {s.key for s in TOTAL_SPECS} | {"zero_carbon_total_co2"}
    for spec in specs:
        d = explain_change(sample[2022], sample[2023], spec)
        assert abs(d.residual) < D("1e-20"), spec.key
        assert d.total_from == spec.total(sample[2022]) and d.total_to == spec.total(sample[2023])


def test_sample_instruments(sample: dict[int, Inventory]) -> None:
    """Location-based scope 2 has no instruments; market-based scope 2 takes off the green power and
    the certificates at the residual factor the market view applies to grid power.

    2023: 6 000 MWh of green power (GP-2023) and 8 000 MWh of retired certificates
    (GEC-2023-PV-03, GEC-2023-WD-09); 2022: none. Instruments = −(6 000 + 8 000) × EF_residual.
    """
    d = explain_all(sample[2022], sample[2023])
    assert d["scope2_location"].instruments == 0
    grid = next(r for r in sample[2023].lines if r.category.value == "electricity_purchased"
                and r.line.electricity_kind == "grid")
    ef_res = grid.figures["market"].factors[0].value
    m = d["scope2_market"]
    assert m.green_power == -6000 * ef_res
    assert abs(m.certificates + 8000 * ef_res) < D("1e-18")
    assert sum((s.after.certificates_mwh for s in m.streams if s.after), D(0)).quantize(D("0.000001")) == 8000


def test_compare_years_carries_the_drivers(sample: dict[int, Inventory]) -> None:
    cmp = compare_years(sample, 2022)
    drivers = cast(dict[str, Any], cmp["drivers"])
    for kind in ("yoy", "vs_base"):
        entry = drivers[kind]["2023"]
        assert set(entry) == {s.key for s in specs_for(sample[2022], sample[2023])}
        g = entry["gbt32150_total"]
        parts = sum(D(g[k]) for k in ("activity", "factor", "instruments", "boundary"))
        assert abs(parts - D(g["delta"])) < D("1e-9")  # parts are rounded to 10 decimals for reading
