"""The shipped CBAM default values (Implementing Regulation (EU) 2025/2621 Annex I, table China) and their use.

Published numbers the tests compare with (each read in a source independent of the shipped table's):
cbamdefaults.com, table "China", marked-up values 2026/2027/2028 to 2 decimals — 7208: 3.19 → 3.51, 3.82, 4.14;
7207 12 10: 3.17 → 3.49, 3.80, 4.12; 7310: 4.31 → 4.74, 5.17, 5.61. Argus (Dec 2025): unwrought aluminium from China
3 t, foil 5.56 t. autocbam.com: 7605 China 4.8808; 2523 90 00 white hydraulic cements China 1.29 / 0.18 / 1.46.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP
from decimal import Decimal as D
from pathlib import Path

import pytest

from zerocarbon.errors import InputError
from zerocarbon.footprint.cbam import classify, marked_up
from zerocarbon.footprint.cbam_defaults import find, load_table
from zerocarbon.services.footprint.cbam_report import run_cbam

SAMPLE = Path(__file__).resolve().parents[2] / "src" / "zerocarbon" / "demo" / "sample_cbam.yaml"


def r2(x: D) -> D:
    return x.quantize(D("0.01"), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize(("cn", "published"), [
    ("7208 51 20", ("3.19", "3.51", "3.82", "4.14")),
    ("7207 12 10", ("3.17", "3.49", "3.80", "4.12")),
    ("7310 29 10", ("4.31", "4.74", "5.17", "5.61")),
])
def test_steel_rows_and_their_mark_ups_match_the_published_figures(cn: str, published: tuple[str, ...]) -> None:
    row = find(cn, "CN")
    assert row.status == "verified" and row.indirect is None  # Annex II good: direct only
    assert r2(row.total) == D(published[0])
    for year, value in zip((2026, 2027, 2028), published[1:], strict=True):
        assert r2(marked_up(row.total, "iron_steel", year)) == D(value)
    assert r2(marked_up(row.total, "iron_steel", 2031)) == D(published[3])  # 30 % from 2028 on


def test_aluminium_and_cement_rows() -> None:
    assert find("7601 10 00", "CN").total == D("3.0") and find("7601 20 80", "cn").row_id.endswith(".7601")
    assert r2(find("7607 11 11", "CN").total) == D("5.56")
    assert find("7605 21 00", "CN").total.quantize(D("0.001")) == D("4.8808").quantize(D("0.001"))
    profiles = find("7604 29 10", "CN")  # the sample factory's profiles
    assert profiles.total == D("4.881") and profiles.status == "unverified"
    white = next(r for r in load_table() if r.cn_code == "2523900010")
    assert (white.direct, white.indirect, white.total) == (D("1.29"), D("0.18"), D("1.46"))


def test_the_table_is_consistent_with_the_regulation() -> None:
    rows = load_table()
    assert len({r.row_id for r in rows}) == len(rows)
    for r in rows:
        cls = classify(r.cn_code[:8].ljust(8, "0"))
        assert cls.sector == r.sector, r.row_id
        assert (r.indirect is None) == cls.direct_only, r.row_id  # Annex II goods carry no indirect value
        assert (r.status == "verified") == bool(r.check_source), r.row_id
        assert "2025/2621" in r.provenance() and r.status in r.provenance()


def test_what_is_not_shipped_is_refused() -> None:
    with pytest.raises(InputError, match="white clinker") as exc:
        find("2523 10 00", "CN")  # white and grey clinker share the CN code
    assert "2523100090" in exc.value.message("en")
    with pytest.raises(InputError, match="China only"):
        find("7601 10 00", "IN")
    with pytest.raises(InputError, match="no default value for CN 72181000"):
        find("7218 10 00", "CN")


def test_a_precursor_and_a_good_without_values_take_the_shipped_rows(tmp_path: Path) -> None:
    """Ingot B (7601 10 00, China, default basis) without its values takes 3.0 (SEE of the billets: 0.025 + 1.33 +
    1900 / 6000 × 3.0 = 2.305); the profiles declared on the default basis without a value take 7604 29 10's 4.881
    with the 2026 mark-up: 4.881 × 1.1 = 5.3691."""
    text = SAMPLE.read_text(encoding="utf-8")
    start = text.index("    see_direct: '2.5'")
    end = text.index("- id: PRF")
    text = text[:start] + "\n" + text[end:]
    text = text.replace("  production_route: 挤压、时效 / extrusion and ageing\n",
                        "  production_route: 挤压、时效 / extrusion and ageing\n  basis: default\n")
    path = tmp_path / "cbam.yaml"
    path.write_text(text, encoding="utf-8")
    data = run_cbam(path).to_dict()
    goods = {g["id"]: g for g in data["goods"]}
    ingot = next(p for p in goods["BIL"]["precursors"] if p["id"] == "ING-B")
    assert D(ingot["see_direct"]) == D("3.0")
    assert D(goods["BIL"]["see_direct"]) == D("0.025") + D("1.33") + D(1900) / D(6000) * D("3.0")
    prf = goods["PRF"]
    assert prf["basis"] == "default" and D(prf["markup"]) == D("0.10")
    assert D(prf["see_total"]) == D("4.881") * D("1.10")
    assert prf["default_value"]["total"] == "4.881" and "unverified" in prf["default_value"]["source"]
    assert any("mark-up" in d["formula"] and "4.881 × (1 + 0.10)" in d["values"] for d in prf["derivation"])
