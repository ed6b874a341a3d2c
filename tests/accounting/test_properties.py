"""Invariants of the inventory (CONVENTIONS.md "Tests": linearity, unit invariance, order invariance,
idempotence of reading), checked with hypothesis on a small factory that touches every path of the
engine: fuel by volume and by mass, a carbonate, an F-gas, grid electricity in three periods, green
power with its bundled certificate, unbundled certificates, exported electricity, heat in GJ and as
steam, on-site PV, and a line of another year.

Factors used by hand in (d): 2023 national grid excluding market-traded non-fossil power
0.6096 tCO2/MWh (MEE/NBS 公告2025年第47号); heat 0.11 tCO2/GJ (GB/T 32150—2025 §7.5.6).
"""

from __future__ import annotations

import copy
import tempfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from zerocarbon.accounting.inventory import compute_inventory
from zerocarbon.accounting.results import Inventory
from zerocarbon.accounting.scope2 import allocate_certificates
from zerocarbon.ingest.activity_file import load_activity_file
from zerocarbon.ingest.template import write_template
from zerocarbon.model.inventory_input import Category, InventoryInput
from zerocarbon.units import conversion_factor

YEAR = 2023
REL = Decimal("1e-20")
TOTALS = ("gbt32150_total", "scope1", "scope2_location", "scope2_market", "biomass_co2",
          "exported_electricity", "exported_heat", "recovered_co2")
HEADLINE = ("gbt32150_total", "scope1", "scope2_location", "scope2_market")
RESIDUAL_2023 = Decimal("0.6096")  # tCO2/MWh, MEE/NBS 公告2025年第47号
HEAT_EF = Decimal("0.11")          # tCO2/GJ, GB/T 32150—2025 §7.5.6
VIEWS = ("gbt32150", "location", "market")

PROPS = settings(max_examples=30, deadline=None)


def _line(id_: str, facility: str, category: str, amount: str, unit: str, period: str, **extra: Any) -> dict[str, Any]:
    return {"id": id_, "facility": facility, "category": category, "amount": amount, "unit": unit,
            "period": period, **extra}


def factory(*, exclude: tuple[str, ...] = (), certificates: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A minimal factory document (InventoryInput.model_validate form), every engine path once."""
    activity = [
        _line("ng", "U", "fuel_combustion", "12.121", "万Nm3", "2023-01", item="天然气"),
        _line("dsl", "U", "fuel_combustion", "3.731", "t", "2023-02", item="柴油"),
        _line("na", "U", "process_carbonate", "2.483", "t", "2023-03", item="Na2CO3", purity="0.98"),
        _line("hfc", "U", "process_gas", "12.5", "kg", "2023", item="HFC-134a"),
        _line("el1", "L", "electricity_purchased", "1406.6", "MWh", "2023-01"),
        _line("el2", "L", "electricity_purchased", "499.6", "MWh", "2023-03"),
        # monthly: an annual grid line next to monthly ones is test_annual_and_monthly_grid_lines_mix
        _line("el3", "U", "electricity_purchased", "804.6", "MWh", "2023-07"),
        _line("gp", "L", "electricity_purchased", "600", "MWh", "2023", electricity_kind="green_power",
              evidence="绿电交易结算单 GP-1"),
        _line("ex", "L", "electricity_exported", "12.5", "MWh", "2023-06"),
        _line("ht", "U", "heat_purchased", "100", "GJ", "2023"),
        _line("stm", "U", "heat_purchased", "836.8", "t", "2023-01", steam={"pressure_mpa": "0.8", "gauge": True}),
        _line("pv", "L", "onsite_renewable", "197.1", "MWh", "2023"),
        _line("ng22", "U", "fuel_combustion", "93.2", "万Nm3", "2022", item="天然气"),
    ]
    if certificates is None:
        certificates = [
            {"serial": "B-1", "mwh": "600", "generation_period": "2023-06", "retired": True, "retired_for": "2023",
             "bundled_with": "gp"},
            {"serial": "C-03", "mwh": "300", "generation_period": "2023-03", "retired": True, "retired_for": "2023",
             "retirement_proof": "RP-C-03"},
            {"serial": "C-09", "mwh": "1500.5", "generation_period": "2023-09", "retired": True,
             "retired_for": "2023", "retirement_proof": "RP-C-09"},
            {"serial": "OLD", "mwh": "100", "generation_period": "2022-11", "retired": True, "retired_for": "2023"},
        ]
    return {
        "factory": {"id": "P", "name_zh": "性质测试工厂", "province": "江苏",
                    "facilities": [{"id": "L", "name_zh": "产线"}, {"id": "U", "name_zh": "公用"}]},
        "settings": {"gbt32150_green_power_zero": True},
        "activity": [a for a in activity if a["id"] not in exclude],
        "certificates": certificates,
    }


def run(doc: dict[str, Any]) -> Inventory:
    return compute_inventory(InventoryInput.model_validate(doc), YEAR, mc_draws=0)


def close(a: Decimal, b: Decimal, rel: Decimal = REL) -> bool:
    return a == b or abs(a - b) <= rel * max(abs(a), abs(b))


def assert_totals_close(a: Inventory, b: Inventory, names: tuple[str, ...] = TOTALS) -> None:
    for name in names:
        x, y = getattr(a.totals, name), getattr(b.totals, name)
        assert close(x, y), f"{name}: {x} != {y}"


BASE = factory()
BASE_INV = run(BASE)

# -------------------------------------------------------------------------------- (a) linearity
k_values = st.integers(min_value=1, max_value=1000).map(lambda i: Decimal(i) / 10)


def test_base_factory_exercises_every_view() -> None:
    """Guard for the properties: the minimal factory has non-zero figures in every headline total,
    certificates actually applied, and one excluded."""
    t = BASE_INV.totals
    assert all(getattr(t, name) > 0 for name in HEADLINE)
    assert t.exported_electricity < 0
    assert {a["serial"] for a in BASE_INV.certificates_applied} == {"C-03", "C-09"}
    assert [c.serial for c in BASE_INV.certificates_excluded] == ["OLD"]


@PROPS
@given(k=k_values)
def test_linearity_in_activity_data(k: Decimal) -> None:
    """Every total is linear in the activity data: amounts × k (and certificate MWh × k) → totals × k."""
    doc = copy.deepcopy(BASE)
    for line in doc["activity"]:
        line["amount"] = str(Decimal(line["amount"]) * k)
    for cert in doc["certificates"]:
        cert["mwh"] = str(Decimal(cert["mwh"]) * k)
    inv = run(doc)
    for name in TOTALS:
        scaled, base = getattr(inv.totals, name), getattr(BASE_INV.totals, name) * k
        assert close(scaled, base), f"{name}: {scaled} != {k} × {getattr(BASE_INV.totals, name)}"
    for line in BASE_INV.lines:
        for view in VIEWS:
            # A pro-rata certificate share is rounded to 1 Wh per line (accounting/scope2.py, so figures are
            # exact decimals; the last line takes the remainder): a line's market figure is linear to within
            # the grid lines' roundings (≤ 1 Wh each, × k) × its factor; the totals exactly.
            slack = Decimal("0.000001") * len(GRID_LINES) * (k + 1) if view == "market" else Decimal(0)
            got, want = inv.line(line.line.id).emissions(view), line.emissions(view) * k
            assert close(got, want) or abs(got - want) <= slack


# -------------------------------------------------------------------------------- (b) unit invariance
#: unit → (same-dimension unit, factor: amount in the new unit = amount × factor)
ALTERNATIVES: dict[str, list[tuple[str, Decimal]]] = {
    "t": [("kg", Decimal(1000)), ("吨", Decimal(1))],
    "kg": [("t", Decimal("0.001")), ("g", Decimal(1000))],
    "MWh": [("kWh", Decimal(1000)), ("GWh", Decimal("0.001")), ("万kWh", Decimal("0.1"))],
    "万Nm3": [("Nm3", Decimal(10000))],
    "GJ": [("MJ", Decimal(1000)), ("TJ", Decimal("0.001"))],
}
CONVERTIBLE = [i for i, a in enumerate(BASE["activity"]) if a["unit"] in ALTERNATIVES]


def test_alternative_units_are_exact() -> None:
    """The factors used to restate amounts agree with the unit registry."""
    for unit, alternatives in ALTERNATIVES.items():
        for alt, factor in alternatives:
            assert conversion_factor(unit, alt) == factor


@PROPS
@given(choice=st.lists(st.integers(min_value=0, max_value=3), min_size=len(CONVERTIBLE),
                       max_size=len(CONVERTIBLE)))
def test_unit_invariance(choice: list[int]) -> None:
    """Restating lines in another unit of the same dimension changes no total and no line figure.

    ``choice[i] == 0`` keeps the unit of convertible line i; otherwise picks an alternative."""
    doc = copy.deepcopy(BASE)
    for index, pick in zip(CONVERTIBLE, choice, strict=True):
        line = doc["activity"][index]
        if pick == 0:
            continue
        alternatives = ALTERNATIVES[line["unit"]]
        unit, factor = alternatives[(pick - 1) % len(alternatives)]
        line["amount"] = str(Decimal(line["amount"]) * factor)
        line["unit"] = unit
    inv = run(doc)
    assert_totals_close(inv, BASE_INV)
    for line in BASE_INV.lines:
        for view in VIEWS:
            assert close(inv.line(line.line.id).emissions(view), line.emissions(view))


# -------------------------------------------------------------------------------- (c) order invariance
def _assignment(record: dict[str, str]) -> tuple[str, str, str]:
    return record["serial"], record["line"], record["mwh"]


@PROPS
@given(activity=st.permutations(range(len(BASE["activity"]))),
       certs=st.permutations(range(len(BASE["certificates"]))))
def test_order_invariance(activity: list[int], certs: list[int]) -> None:
    """Permuting the activity lines and the certificates changes no total and no line figure;
    certificates are allocated in period order, not in file order."""
    doc = copy.deepcopy(BASE)
    doc["activity"] = [doc["activity"][i] for i in activity]
    doc["certificates"] = [doc["certificates"][i] for i in certs]
    inv = run(doc)
    assert_totals_close(inv, BASE_INV)
    for line in BASE_INV.lines:
        other = inv.line(line.line.id)
        for view in VIEWS:
            assert other.emissions(view) == line.emissions(view), (line.line.id, view)
    assert sorted(map(_assignment, inv.certificates_applied)) == sorted(map(_assignment, BASE_INV.certificates_applied))


# -------------------------------------------------------------------------------- (d) no double counting
GRID_LINES = ("el1", "el2", "el3")
GRID_MWH = {a["id"]: Decimal(a["amount"]) for a in BASE["activity"] if a["id"] in GRID_LINES}
GRID_TOTAL = sum(GRID_MWH.values(), Decimal(0))  # 2710.8 MWh
GREEN_MWH = Decimal("600")
HEAT_GJ = Decimal("100")


@st.composite
def certificate_sets(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Retired 2023 certificates whose MWh (in 0.1 MWh steps) add up to at most the grid purchases."""
    tenths = int(GRID_TOTAL * 10)
    cuts = sorted(draw(st.sets(st.integers(min_value=1, max_value=tenths), max_size=8)))
    sizes = [Decimal(b - a) / 10 for a, b in zip([0, *cuts], cuts, strict=False)]
    certs = [{"serial": f"S{i:02d}", "mwh": str(mwh),
              "generation_period": f"2023-{draw(st.integers(min_value=1, max_value=12)):02d}",
              "retired": True, "retired_for": "2023", "retirement_proof": f"RP-{i}"} for i, mwh in enumerate(sizes)]
    certs.append({"serial": "B-1", "mwh": str(GREEN_MWH), "generation_period": "2023-06", "retired": True,
                  "retired_for": "2023", "bundled_with": "gp"})
    if draw(st.booleans()):  # generated in another year: must be excluded, never counted
        certs.append({"serial": "OLD", "mwh": "500", "generation_period": "2022-12", "retired": True,
                      "retired_for": "2023"})
    if draw(st.booleans()):  # not retired: excluded
        certs.append({"serial": "NR", "mwh": "500", "generation_period": "2023-05", "retired": False,
                      "retired_for": "2023"})
    return certs


@PROPS
@given(certs=certificate_sets())
def test_certificate_mwh_counted_once(certs: list[dict[str, Any]]) -> None:
    """Market-based scope 2 = (grid MWh − certificate MWh) × 0.6096 + green power × 0 + heat;
    no line is covered beyond its MWh and no certificate is applied beyond its MWh."""
    doc = factory(exclude=("stm",), certificates=certs)
    counted = [c for c in certs if c["retired"] and c["generation_period"].startswith("2023") and not
               c.get("bundled_with")]
    claimed = sum((Decimal(c["mwh"]) for c in counted), Decimal(0))
    assert claimed <= GRID_TOTAL

    inv = run(doc)
    expected = (GRID_TOTAL - claimed) * RESIDUAL_2023 + GREEN_MWH * 0 + HEAT_GJ * HEAT_EF
    # Pro-rata shares divide, so sums agree to the Decimal context's 28 digits, not bit for bit.
    assert abs(inv.totals.scope2_market - expected) <= abs(expected) * Decimal("1e-20")
    assert inv.line("gp").emissions("market") == 0
    # GB/T 32150-2015 view: unbundled certificates change market-based scope 2 only (issue 9; before,
    # covered MWh counted at 0 here too): every grid MWh at the national average
    national = inv.line("el1").figures["gbt32150"].factors[0].value
    grid_gbt = sum((inv.line(i).emissions("gbt32150") for i in GRID_LINES), Decimal(0))
    assert grid_gbt == GRID_TOTAL * national

    data = InventoryInput.model_validate(doc)
    covered, _, applied, excluded = allocate_certificates(list(data.activity), list(data.certificates), YEAR, "year")
    assert sum(covered.values(), Decimal(0)) == claimed
    for line_id, mwh in covered.items():
        assert line_id in GRID_LINES
        assert 0 <= mwh <= GRID_MWH[line_id]
        residual = inv.line(line_id).emissions("market")
        assert residual == (GRID_MWH[line_id] - mwh) * RESIDUAL_2023
    per_serial: dict[str, Decimal] = defaultdict(Decimal)
    for record in applied:
        per_serial[record["serial"]] += Decimal(record["mwh"])
    assert per_serial == {c["serial"]: Decimal(c["mwh"]) for c in counted}
    assert {e.serial for e in excluded} == {c["serial"] for c in certs if c["serial"] in ("OLD", "NR")}


def test_annual_and_monthly_grid_lines_mix() -> None:
    """A factory may state one grid purchase for the year and another by month (the sample does so for
    green power); certificates are then allocated across them without error."""
    doc = factory()
    doc["activity"] = [{**a, "period": "2023"} if a["id"] == "el3" else a for a in doc["activity"]]
    inv = run(doc)
    assert_totals_close(inv, BASE_INV, ("gbt32150_total", "scope1", "scope2_location", "scope2_market"))


# (e) biomass: covered by tests/accounting/test_inventory.py::test_biomass_reported_separately, which
# builds a library with a synthetic biomass item (the shipped library holds no verified biomass defaults).


# -------------------------------------------------------------------------------- (f) idempotent reading
@PROPS
@given(k=k_values, order=st.permutations(range(len(BASE["activity"]))))
def test_reading_is_idempotent(k: Decimal, order: list[int]) -> None:
    """Reading the same file twice gives equal models (YAML and Excel), and the Excel form of a model
    reads back to the model."""
    doc = copy.deepcopy(BASE)
    doc["activity"] = [doc["activity"][i] for i in order]
    for line in doc["activity"]:
        line["amount"] = str(Decimal(line["amount"]) * k)
    for cert in doc["certificates"]:
        cert["mwh"] = str(Decimal(cert["mwh"]) * k)
    model = InventoryInput.model_validate(doc)
    with tempfile.TemporaryDirectory() as tmp:
        yml = Path(tmp) / "f.yaml"
        yml.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
        first, second = load_activity_file(yml), load_activity_file(yml)
        assert first.data == second.data == model
        assert first.locations == second.locations
        xlsx = write_template(Path(tmp) / "f.xlsx", model)
        first, second = load_activity_file(xlsx), load_activity_file(xlsx)
        assert first.data == second.data == model
        assert first.locations == second.locations


def test_sample_reads_identically_twice(sample_path: Path) -> None:
    a, b = load_activity_file(sample_path), load_activity_file(sample_path)
    assert a.data == b.data and a.locations == b.locations


def test_categories_covered() -> None:
    """The minimal factory covers every category the properties claim to exercise."""
    cats = {Category(a["category"]) for a in BASE["activity"]}
    assert cats >= {Category.FUEL_COMBUSTION, Category.PROCESS_CARBONATE, Category.PROCESS_GAS,
                    Category.ELECTRICITY_PURCHASED, Category.ELECTRICITY_EXPORTED, Category.HEAT_PURCHASED,
                    Category.ONSITE_RENEWABLE}
