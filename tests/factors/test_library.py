"""The factor library: loading, provenance, the lookup rule and its fallbacks."""

from __future__ import annotations

import shutil
from decimal import Decimal as D
from pathlib import Path

import pytest

from zerocarbon.errors import FactorError
from zerocarbon.factors import FactorLibrary, FactorValue, FallbackPolicy, default_library
from zerocarbon.factors.library import FACTOR_FILES


@pytest.fixture(scope="module")
def lib() -> FactorLibrary:
    return default_library()


def test_every_row_has_provenance(lib: FactorLibrary) -> None:
    assert len(lib.rows) > 200
    for row in lib.rows:
        assert row.source_document and row.status, row.factor_id
        if row.preferred:  # the row the engine uses names its edition or clause
            assert row.edition or row.clause, row.factor_id
        else:  # an alternative kept for a conflict says why in its note
            assert row.note, row.factor_id


@pytest.mark.parametrize(("year", "region", "value"), [
    # 生态环境部 国家统计局 公告2025年第47号 (2023 data) and the 2022 announcement (standards-cn.md §3.1)
    (2023, "CN", "0.5306"), (2022, "CN", "0.5366"), (2021, "CN", "0.5568"),
    (2023, "华东", "0.5500"), (2022, "华东", "0.5617"), (2022, "华北", "0.6776"),
])
def test_published_grid_factors(lib: FactorLibrary, year: int, region: str, value: str) -> None:
    fv = lib.lookup("electricity_grid_average", "emission_factor", data_year=year, region=region)
    assert fv.value == D(value)
    assert fv.fallback is None


def test_residual_and_heat(lib: FactorLibrary) -> None:
    """2023 excl. market-traded non-fossil: 0.6096; 2022: 0.5856; heat 0.11 (GB/T 32150—2025 §7.5.6)."""
    assert lib.lookup("electricity_grid_excl_market_nonfossil", "emission_factor", data_year=2023).value == D("0.6096")
    assert lib.lookup("electricity_grid_excl_market_nonfossil", "emission_factor", data_year=2022).value == D("0.5856")
    heat = lib.lookup("heat", "emission_factor", region="*")
    assert heat.value == D("0.11") and "32150" in heat.row.source_document  # type: ignore[union-attr]


def test_fuel_defaults_and_aliases(lib: FactorLibrary) -> None:
    """GB/T 32151.34—2024 Table C.1: natural gas 389.31 GJ/10⁴Nm3, 0.0153 tC/GJ, 0.99."""
    assert lib.resolve_item("天然气") == lib.resolve_item("natural gas") == "natural_gas"
    assert lib.lookup("天然气", "ncv").value == D("389.31")
    assert lib.lookup("natural_gas", "carbon_content").value == D("0.0153")
    assert lib.lookup("natural_gas", "oxidation_rate").value == D("0.99")


def test_conflicts_pick_the_preferred_row(lib: FactorLibrary) -> None:
    """LNG carbon content: 0.0153 preferred over 0.0172 (LPG's value), see docs/factor-sources.md."""
    rows = [r for r in lib.rows if r.item == "lng" and r.parameter == "carbon_content"]
    assert {str(r.value) for r in rows} >= {"0.0153", "0.0172"}
    assert lib.lookup("lng", "carbon_content").value == D("0.0153")


def test_region_fallback_is_recorded(lib: FactorLibrary) -> None:
    """2023 has no 西藏 provincial row? Then a province falls back to its grid region or CN, recorded."""
    fv = lib.lookup("electricity_grid_average", "emission_factor", data_year=2023, region="江苏")
    assert fv.row is not None and fv.row.region in ("江苏", "华东")
    chain = lib.region_chain("江苏")
    assert chain[:2] == ["江苏", "华东"] and chain[-2:] == ["CN", "*"]
    fv = lib.lookup("electricity_grid_excl_market_nonfossil", "emission_factor", data_year=2023, region="江苏")
    assert fv.fallback == "region 江苏 → CN"


def test_no_silent_year_fallback(lib: FactorLibrary) -> None:
    with pytest.raises(FactorError) as err:
        lib.lookup("electricity_grid_average", "emission_factor", data_year=2015, region="CN")
    assert "2015" in err.value.message_en
    fv = lib.lookup("electricity_grid_average", "emission_factor", data_year=2030, region="CN",
                    policy=FallbackPolicy(allow_earlier_year=True))
    assert fv.fallback and "2030" in fv.fallback


def test_measured_value_overrides_and_is_recorded() -> None:
    fv = FactorValue.measured("natural_gas", "carbon_content", D("0.0151"), "tC/GJ", "检测报告 No.123")
    trace = fv.to_trace()
    assert trace["origin"] == "measured" and trace["evidence"] == "检测报告 No.123"


def test_gwp_sets(lib: FactorLibrary) -> None:
    """AR5 CH4 28 / N2O 265; AR6 N2O 273; SAR CH4 21 (standards-cn.md §1.2)."""
    assert lib.lookup("CH4", "gwp", variant="AR5", region="*").value == D("28")
    assert lib.lookup("N2O", "gwp", variant="AR5", region="*").value == D("265")
    assert lib.lookup("N2O", "gwp", variant="AR6", region="*").value == D("273")
    assert lib.lookup("CH4", "gwp", variant="SAR", region="*").value == D("21")


def _copy_data(tmp_path: Path) -> Path:
    src = Path(str(default_library.__wrapped__.__globals__["resources"].files("zerocarbon.factors") / "data"))
    dst = tmp_path / "data"
    shutil.copytree(src, dst)
    return dst


def test_bad_tables_are_rejected(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    heat = data / "heat.csv"
    lines = heat.read_text(encoding="utf-8").splitlines()
    heat.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")  # duplicate factor_id
    with pytest.raises(FactorError) as err:
        FactorLibrary.load(data)
    assert "duplicate" in err.value.message_en


def test_bad_unit_in_table_names_file_and_row(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    heat = data / "heat.csv"
    lines = heat.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("tCO2/GJ", "bogons/GJ")
    heat.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(FactorError) as err:
        FactorLibrary.load(data)
    assert err.value.file == "heat.csv" and err.value.row == 2


def test_all_factor_files_ship() -> None:
    data = Path(str(default_library.__wrapped__.__globals__["resources"].files("zerocarbon.factors") / "data"))
    for name in (*FACTOR_FILES, "items.csv", "regions.csv", "data_quality.csv", "VERSION"):
        assert (data / name).exists(), name
