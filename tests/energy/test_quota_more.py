"""Quota standards added for issue 12: flat glass (missing grades, Vc = a × b × c × d), caustic soda / PVC /
methane chlorides, beer.

Expected limits are typed here from adgo07/ECQuota-Insight data/definitions (commit 882a07e0…), independently of
the shipped YAML, so that a transcription slip in either fails:

* GB 21340-2019 表1, 平板玻璃 kgce/重箱: ≤500 t/d — / — / 14.0; 500–800 t/d 9.5 / 11.5 / 13.5; >800 t/d
  8.0 / 10.0 / 12.0; every limit × Vc = a × b × c × d (表2);
* GB 21257-2024 表1–表3, kgce/t (12 rows below);
* GB 32047-2025 表1, 啤酒 26 / 35 / 60 kgce/kL.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from zerocarbon.energy.quota import NOT_SET_ZH, corrected_limits, evaluate
from zerocarbon.energy.reference import load_quota_standard
from zerocarbon.errors import FactorError, InputError

CENT = D("0.01")
ONES = {"capacity_utilisation_coef_a": D(1), "thickness_coef_b": D(1), "iron_content_coef_c": D(1),
        "line_adjustment_coef_d": D(1)}

CAUSTIC = [
    ("caustic_soda.liquid_30.comprehensive_energy", "308", "315", "350"),
    ("caustic_soda.liquid_45.comprehensive_energy", "410", "420", "470"),
    ("caustic_soda.solid_98.comprehensive_energy", "600", "620", "685"),
    ("pvc.carbide_general.comprehensive_energy", "185", "193", "270"),
    ("pvc.carbide_paste.comprehensive_energy", "430", "450", "480"),
    ("pvc.ethylene_general.comprehensive_energy", "600", "620", "635"),
    ("pvc.ethylene_paste.comprehensive_energy", "900", "950", "1100"),
    ("pvc.monomer_general.comprehensive_energy", "150", "175", "210"),
    ("pvc.monomer_paste.comprehensive_energy", "355", "385", "415"),
    ("methane_chlorides.ccl4_to_other_products.comprehensive_energy", "220", "250", "290"),
    ("methane_chlorides.ccl4_to_methyl_chloride.comprehensive_energy", "220", "250", "290"),
    ("methane_chlorides.ccl4_to_chloroform.comprehensive_energy", "255", "275", "320"),
]


def _boundaries(standard: str, indicator: str, limits: tuple[str, str, str], inputs: dict[str, D] | None = None
                ) -> None:
    """value = Lg grades g; Lg + 0.01 grades g + 1 (or 未达限定值 past grade 3)."""
    ind = load_quota_standard(standard).indicator(indicator)
    for g, text in enumerate(limits, start=1):
        limit = D(text)
        assert evaluate(ind, limit, inputs).grade == g, (indicator, g)
        above = evaluate(ind, limit + CENT, inputs)
        assert above.grade == (g + 1 if g < 3 else None), (indicator, g)
    assert evaluate(ind, D(limits[2]) + CENT, inputs).verdict_zh == "未达限定值"


# ------------------------------------------------------------------------------------------ flat glass
@pytest.mark.parametrize(("indicator", "limits"), [
    ("flat_glass.capacity_500_800.comprehensive_energy", ("9.5", "11.5", "13.5")),
    ("flat_glass.capacity_gt_800.comprehensive_energy", ("8.0", "10.0", "12.0")),
])
def test_flat_glass_boundaries(indicator: str, limits: tuple[str, str, str]) -> None:
    _boundaries("gb21340-2019", indicator, limits, ONES)


def test_flat_glass_vc_multiplies_every_grade() -> None:
    """a = 1.1 (others 1): Vc = 1.1, 9.5/11.5/13.5 → 10.45/12.65/14.85. All four 1.1: Vc = 1.4641,
    8.0/10.0/12.0 → 11.7128/14.641/17.5692."""
    ind = load_quota_standard("gb21340-2019").indicator("flat_glass.capacity_500_800.comprehensive_energy")
    inputs = {**ONES, "capacity_utilisation_coef_a": D("1.1")}
    limits, applied = corrected_limits(ind, inputs)
    assert limits == {1: D("10.45"), 2: D("12.65"), 3: D("14.85")}
    assert applied[0].id == "vc" and applied[0].factor == D("1.1") and applied[0].inputs == inputs
    assert evaluate(ind, D("10.45"), inputs).grade == 1 and evaluate(ind, D("10.46"), inputs).grade == 2
    assert evaluate(ind, D("14.85"), inputs).grade == 3 and evaluate(ind, D("14.86"), inputs).grade is None
    big = load_quota_standard("gb21340-2019").indicator("flat_glass.capacity_gt_800.comprehensive_energy")
    all11 = {k: D("1.1") for k in ONES}
    assert corrected_limits(big, all11)[0] == {1: D("11.7128"), 2: D("14.641"), 3: D("17.5692")}


def test_flat_glass_coefficients_are_never_assumed() -> None:
    ind = load_quota_standard("gb21340-2019").indicator("flat_glass.capacity_gt_800.comprehensive_energy")
    with pytest.raises(InputError):
        evaluate(ind, D(9), {k: v for k, v in ONES.items() if k != "iron_content_coef_c"})
    with pytest.raises(InputError):
        evaluate(ind, D(9), {**ONES, "thickness_coef_b": D(0)})
    corr = ind.corrections[0]
    assert corr.kind == "multiply" and [c.input for c in corr.coefficients] == list(ONES)
    assert all(c.meaning_zh and c.meaning_en for c in corr.coefficients)


def test_flat_glass_missing_grades_stay_missing() -> None:
    """≤500 t/d: grades 1 and 2 are “—” in 表1. Even a very low value is 3级; the gap to grade 1 is absent."""
    ind = load_quota_standard("gb21340-2019").indicator("flat_glass.capacity_le_500.comprehensive_energy")
    assert ind.grades == {3: D("14.0")} and ind.missing_grades == (1, 2)
    low = evaluate(ind, D(5), ONES)
    assert low.grade == 3 and low.verdict_zh == "3级" and low.gap_to_grade1 is None and low.gap_to_grade1_tce is None
    assert low.missing_note_zh == f"1级、2级：{NOT_SET_ZH}" and low.missing_note_en.startswith("grade 1, grade 2")
    assert evaluate(ind, D("14.0"), ONES).grade == 3
    over = evaluate(ind, D("14.01"), ONES)
    assert over.grade is None and over.gap_to_limit == CENT and over.gap_to_grade1 is None
    limits, _ = corrected_limits(ind, {**ONES, "line_adjustment_coef_d": D("1.1")})
    assert limits == {3: D("15.40")}                          # Vc applies to the grades that exist only
    assert evaluate(ind, D("15.41"), {**ONES, "line_adjustment_coef_d": D("1.1")}).grade is None


def test_missing_grade_in_the_service_output() -> None:
    from zerocarbon.energy.register import QuotaRow
    from zerocarbon.services.efficiency.indicators import grade_indicators

    coefs = "capacity_utilisation_coef_a=1; thickness_coef_b=1; iron_content_coef_c=1; line_adjustment_coef_d=1"
    row = QuotaRow(product="浮法线1", standard="gb21340-2019",
                   indicator="flat_glass.capacity_le_500.comprehensive_energy", value=D("13.2"), corrections=coefs)
    out = grade_indicators([row], None, None, D("0.1229"))[0].to_dict()
    assert out["limits"] == {"1": "—", "2": "—", "3": "14.0"} and out["verdict_zh"] == "3级"
    assert out["gap_to_grade1"] is None and out["missing_grades"] == [1, 2] and NOT_SET_ZH in out["missing_note_zh"]


@pytest.mark.parametrize(("body", "why"), [
    ('grades: {1: null, 2: "9", 3: null}', "grade 3"),
    ('grades: {1: "8", 3: "12"}', "listed"),
    ('grades: {1: "12", 2: "10", 3: "14"}', "decrease"),
])
def test_loader_rejects_bad_grades(tmp_path: Path, body: str, why: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(f"""standard: T 1-2026
title_zh: t
title_en: t
edition: "2026"
published: "2026-01-01"
effective_from: "2026-01-01"
source: test
indicators:
  - {{id: x, name_zh: x, name_en: x, unit: kgce/t, clause: "4", table: 表1, status: unverified, {body}}}
""", encoding="utf-8")
    with pytest.raises(FactorError) as err:
        load_quota_standard(path)
    assert why in err.value.message("en")


def test_loader_rejects_multiply_without_coefficients(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("""standard: T 2-2026
title_zh: t
title_en: t
edition: "2026"
published: "2026-01-01"
effective_from: "2026-01-01"
source: test
indicators:
  - id: x
    name_zh: x
    name_en: x
    unit: kgce/t
    clause: "4"
    table: 表1
    status: unverified
    grades: {1: "8", 2: "10", 3: "12"}
    corrections: [{kind: multiply, id: vc, input: "a,b", clause: 表2, coefficients: []}]
""", encoding="utf-8")
    with pytest.raises(FactorError):
        load_quota_standard(path)


# ------------------------------------------------------------------- caustic soda, PVC, methane chlorides
def test_caustic_file() -> None:
    std = load_quota_standard("gb21257-2024")
    assert std.effective_from == "2025-05-01" and std.published == "2024-04-29"
    assert [i.id for i in std.indicators] == [row[0] for row in CAUSTIC]
    assert {i.table for i in std.indicators} == {"表1", "表2", "表3"}
    assert all(i.status == "unverified" and i.unit == "kgce/t" and not i.corrections for i in std.indicators)


@pytest.mark.parametrize(("indicator", "g1", "g2", "g3"), CAUSTIC)
def test_caustic_boundaries(indicator: str, g1: str, g2: str, g3: str) -> None:
    _boundaries("gb21257-2024", indicator, (g1, g2, g3))


def test_caustic_gap_in_tce() -> None:
    """Liquid caustic ≥30 % at 320 kgce/t on 200 000 t: 12 kgce/t over grade 1 = 2400 tce; grade 2."""
    ind = load_quota_standard("gb21257-2024").indicator("caustic_soda.liquid_30.comprehensive_energy")
    r = evaluate(ind, D(320), production=D(200000))
    assert r.verdict_zh == "3级" and r.gap_to_grade1 == D(12) and r.gap_to_grade1_tce == D(2400)


# ----------------------------------------------------------------------------------------------- beer
def test_beer_boundaries() -> None:
    std = load_quota_standard("gb32047-2025")
    assert std.effective_from == "2026-08-01" and std.indicator("beer.comprehensive_energy").unit == "kgce/kL"
    _boundaries("gb32047-2025", "beer.comprehensive_energy", ("26", "35", "60"))
    r = evaluate(std.indicator("beer.comprehensive_energy"), D(40), production=D(1000))
    assert r.gap_to_grade1 == D(14) and r.gap_to_grade1_tce is None   # kgce/kL: no tonne-based conversion


# ---------------------------------------------------------------------------------------- pulp and paper
PULP = [  # GB 31825-2024 表1, kgce/Adt
    ("bleached_chemical_wood.own_use", "180", "220", "260"), ("bleached_chemical_wood.market", "300", "340", "380"),
    ("unbleached_chemical_wood.own_use", "130", "160", "200"), ("unbleached_chemical_wood.market", "250", "280", "320"),
    ("bleached_chemical_nonwood.own_use", "250", "280", "370"),
    ("bleached_chemical_nonwood.market", "370", "400", "490"),
    ("unbleached_chemical_nonwood.own_use", "200", "230", "320"),
    ("unbleached_chemical_nonwood.market", "320", "350", "440"),
    ("chemi_mechanical.own_use", "200", "250", "300"), ("chemi_mechanical.market", "320", "370", "420"),
    ("dissolving_wood.own_use", "250", "310", "360"), ("dissolving_wood.market", "380", "430", "480"),
    ("dissolving_nonwood.own_use", "330", "390", "440"), ("dissolving_nonwood.market", "450", "510", "560"),
    ("recycled_non_deinked.own_use", "40", "55", "70"), ("recycled_deinked.own_use", "100", "120", "140"),
]
PAPER = [  # GB 31825-2024 表2, kgce/t, before the special-process allowance
    ("newsprint", "210", "240", "270"), ("uncoated_printing_writing", "300", "360", "430"),
    ("coated_printing", "300", "350", "410"),
    ("tissue_wood", "380", "450", "520"),
    ("tissue_nonwood", "420", "510", "560"),
    ("wiping_wood", "360", "430", "500"),
    ("wiping_nonwood", "400", "470", "540"),
    ("white_grey_board", "220", "270", "320"),
    ("linerboard_gypsum_board", "210", "240", "280"), ("corrugating_tube_board", "200", "230", "260"),
    ("coated_board", "230", "280", "330"), ("sack_paper", "320", "380", "440"),
    ("decor_wallpaper_base", "450", "500", "530"),
    ("glassine", "420", "460", "500"),
    ("cigarette_paper", "800", "850", "900"),
    ("tipping_base_paper", "500", "600", "700"), ("aluminium_foil_liner", "350", "400", "450"),
    ("stainless_steel_interleaving", "520", "600", "680"), ("thermal_carbonless_base", "400", "450", "500"),
    ("medical_packaging", "570", "600", "630"), ("fruit_bag_paper", "550", "580", "620"),
    ("sublimation_transfer_base", "430", "460", "500"),
]
NO_PROCESS = {"paper_process_modifier_kgce_t": D(0)}


def test_pulp_paper_file() -> None:
    std = load_quota_standard("gb31825-2024")
    assert (std.published, std.effective_from) == ("2024-04-29", "2025-05-01") and len(std.indicators) == 38
    pulp = [i for i in std.indicators if i.id.startswith("pulp.")]
    assert [i.id for i in pulp] == [f"pulp.{p[0]}.comprehensive_energy" for p in PULP]
    assert all(i.unit == "kgce/Adt" and i.table == "表1" and not i.corrections for i in pulp)
    paper = [i for i in std.indicators if i.id.startswith("paper.")]
    assert [i.id for i in paper] == [f"paper.{p[0]}.comprehensive_energy" for p in PAPER]
    assert all(i.unit == "kgce/t" and i.table == "表2" and i.corrections[0].kind == "linear" for i in paper)


@pytest.mark.parametrize(("sid", "g1", "g2", "g3"), PULP)
def test_pulp_boundaries(sid: str, g1: str, g2: str, g3: str) -> None:
    _boundaries("gb31825-2024", f"pulp.{sid}.comprehensive_energy", (g1, g2, g3))


@pytest.mark.parametrize(("sid", "g1", "g2", "g3"), PAPER)
def test_paper_boundaries(sid: str, g1: str, g2: str, g3: str) -> None:
    _boundaries("gb31825-2024", f"paper.{sid}.comprehensive_energy", (g1, g2, g3), NO_PROCESS)


def test_paper_special_process_allowance() -> None:
    """Newsprint with an allowance of 200 kgce/t: 210/240/270 → 410/440/470; the allowance is never assumed."""
    ind = load_quota_standard("gb31825-2024").indicator("paper.newsprint.comprehensive_energy")
    inputs = {"paper_process_modifier_kgce_t": D(200)}
    assert corrected_limits(ind, inputs)[0] == {1: D(410), 2: D(440), 3: D(470)}
    assert evaluate(ind, D(410), inputs).grade == 1 and evaluate(ind, D("410.01"), inputs).grade == 2
    assert evaluate(ind, D(470), inputs).grade == 3 and evaluate(ind, D("470.01"), inputs).grade is None
    with pytest.raises(InputError):
        evaluate(ind, D(250))


# ------------------------------------------------------------------------------------------ ferro-alloys
# GB 21341-2022: (alloy, smelting electricity kWh/t g1-g3, reference ore grade %, kWh/t per point, Cr/Fe minimum,
# comprehensive energy kgce/t g1-g3)
ALLOYS = [
    ("ferrosilicon", ("8050", "8300", "8400"), "98", "40", None, ("1700", "1770", "1850")),
    ("high_carbon_ferromanganese_eaf", ("2100", "2400", "2550"), "39", "50", None, ("610", "660", "700")),
    ("silicomanganese", ("3800", "4000", "4250"), "36", "100", None, ("850", "860", "950")),
    ("low_carbon_silicomanganese", ("4650", "4900", "4990"), "38", "100", None, ("1180", "1200", "1230")),
    ("micro_carbon_ferromanganese", ("1050", "1100", "1140"), "44", "30", None, ("150", "160", "170")),
    ("high_carbon_ferrochrome", ("3100", "3300", "3500"), "40", "80", "2.2", ("800", "850", "900")),
    ("charge_chrome", ("3200", "3500", "3650"), "40", "80", "1.5", ("830", "910", "940")),
    ("medium_low_carbon_ferrochrome", ("1650", "1800", "1950"), "48", "35", None, ("220", "240", "260")),
]


@pytest.mark.parametrize(("alloy", "elec", "ref", "per", "ratio", "comp"), ALLOYS)
def test_ferroalloy_boundaries(alloy: str, elec: tuple[str, str, str], ref: str, per: str, ratio: str | None,
                               comp: tuple[str, str, str]) -> None:
    at_ref = {"ore_grade_pct": D(ref), **({"chromium_iron_ratio": D(ratio)} if ratio else {})}
    _boundaries("gb21341-2022", f"ferroalloy.{alloy}.smelting_electricity", elec, at_ref)
    _boundaries("gb21341-2022", f"ferroalloy.{alloy}.comprehensive_energy", comp)
    ind = load_quota_standard("gb21341-2022").indicator(f"ferroalloy.{alloy}.smelting_electricity")
    one_below = {**at_ref, "ore_grade_pct": D(ref) - 1}        # one point lower: every grade + per
    assert corrected_limits(ind, one_below)[0] == {g: D(v) + D(per) for g, v in zip((1, 2, 3), elec, strict=True)}


def test_ferroalloy_ore_grade_and_chromium_ratio() -> None:
    """High-carbon ferrochrome at 42 % ore: 3100/3300/3500 − 2 × 80 = 2940/3140/3340 kWh/t; Cr/Fe 2.2 applies,
    2.19 is refused (the correction is stated only for Cr/Fe ≥ 2.2); the ore grade is never assumed."""
    ind = load_quota_standard("gb21341-2022").indicator("ferroalloy.high_carbon_ferrochrome.smelting_electricity")
    ok = {"ore_grade_pct": D(42), "chromium_iron_ratio": D("2.2")}
    limits, applied = corrected_limits(ind, ok)
    assert limits == {1: D(2940), 2: D(3140), 3: D(3340)} and applied[0].inputs == ok
    assert evaluate(ind, D(2940), ok).grade == 1 and evaluate(ind, D("2940.01"), ok).grade == 2
    with pytest.raises(InputError) as err:
        evaluate(ind, D(3000), {"ore_grade_pct": D(42), "chromium_iron_ratio": D("2.19")})
    assert "chromium_iron_ratio" in err.value.message("en")
    with pytest.raises(InputError):
        evaluate(ind, D(3000), {"chromium_iron_ratio": D(3)})


def test_blast_furnace_ferromanganese() -> None:
    """表2: coke 1280/1320/1350 kg/t at 37 % ore, −30 kg/t per point; comprehensive 800/950/1050 kgce/t."""
    std = load_quota_standard("gb21341-2022")
    assert (std.published, std.effective_from, len(std.indicators)) == ("2022-12-29", "2024-01-01", 18)
    _boundaries("gb21341-2022", "ferroalloy.blast_furnace_ferromanganese.coke_consumption", ("1280", "1320", "1350"),
                {"ore_grade_pct": D(37)})
    coke = std.indicator("ferroalloy.blast_furnace_ferromanganese.coke_consumption")
    assert coke.unit == "kg/t" and corrected_limits(coke, {"ore_grade_pct": D(40)})[0] == {
        1: D(1190), 2: D(1230), 3: D(1260)}
    _boundaries("gb21341-2022", "ferroalloy.blast_furnace_ferromanganese.comprehensive_energy", ("800", "950", "1050"))


# ----------------------------------------------------------------------------- industrial silicon, magnesium
@pytest.mark.parametrize(("iid", "limits"), [
    ("industrial_silicon.charcoal_reductant", ("2500", "2800", "3300")),
    ("industrial_silicon.petcoke_coal_reductant", ("2700", "3000", "3500")),
    ("industrial_silicon.coal_reductant", ("2800", "3100", "3600")),
    ("magnesium", ("3500", "4000", "5000")),
])
def test_silicon_magnesium_boundaries(iid: str, limits: tuple[str, str, str]) -> None:
    """GB 21347-2023 表1, kgce/t (grade 1 of the charcoal row, 2500, also on qijiankeji.com/jcbz/5717.html)."""
    std = load_quota_standard("gb21347-2023")
    assert (std.published, std.effective_from, len(std.indicators)) == ("2023-09-08", "2024-10-01", 4)
    _boundaries("gb21347-2023", f"{iid}.comprehensive_energy", limits)
