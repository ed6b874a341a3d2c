"""``zerocarbon efficiency grade``: the terminal table of quota indicators says where each sits between its benchmark
and baseline levels, in the language asked for; one without levels says it is not placed.

Register: the sample with a quota row of GB 21341-2022 硅铁 单位产品综合能耗 at 1900 kgce/t, 2000 t, and the factory's
levels B = 1770, Z = 1850 (see tests/energy/test_levels_placement.py): above the baseline by 50 kgce/t (100 tce),
130 kgce/t (260 tce) from the benchmark.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from zerocarbon.cli import efficiency as cli_efficiency
from zerocarbon.cli.main import app
from zerocarbon.energy.levels import NO_LEVELS
from zerocarbon.services.demo.main import SAMPLE_EQUIPMENT

QUOTA = """quota:
  - {product: 硅铁, standard: gb21341-2022, indicator: ferroalloy.ferrosilicon.comprehensive_energy, value: "1900",
     production_t: "2000", benchmark: "1770", baseline: "1850", levels_source: "[企业对标文件] 表3"}
  - {product: 硅铁2, standard: gb21341-2022, indicator: ferroalloy.ferrosilicon.comprehensive_energy, value: "1820"}
"""


@pytest.mark.parametrize(("lang", "words"), [
    ("zh", ["未达基准：高于基准 1850 kgce/t，超出 50 kgce/t（100 tce）；距标杆 130 kgce/t（260 tce）", "淘汰",
            "用户提供", "[企业对标文件] 表3", NO_LEVELS[0]]),
    ("en", ["below the baseline: above the baseline 1850 kgce/t by 50 kgce/t (100 tce); 130 kgce/t (260 tce) to "
            "the benchmark", "elimination", "user-supplied", NO_LEVELS[1]]),
])
def test_the_table_shows_the_position(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str,
                                      words: list[str]) -> None:
    path = tmp_path / "台账.yaml"
    path.write_text(SAMPLE_EQUIPMENT.read_text(encoding="utf-8").replace("quota: []\n", QUOTA), encoding="utf-8")
    monkeypatch.setattr(cli_efficiency.console, "width", 2000)  # one line per row: the sentences unbroken
    result = CliRunner().invoke(app, ["efficiency", "grade", str(path), "--lang", lang])
    assert result.exit_code == 0, result.output
    for word in words:
        assert word in result.output, word


def test_the_value_is_shown_rounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A value computed from the inventory (energy × 1000 ÷ output) carries 28 digits; the table shows it as the
    reports do (2 places, half-up): 1820.1234567890123456789 → 1,820.12."""
    path = tmp_path / "台账.yaml"
    path.write_text(SAMPLE_EQUIPMENT.read_text(encoding="utf-8").replace(
        "quota: []\n", QUOTA.replace('value: "1820"', 'value: "1820.1234567890123456789"')), encoding="utf-8")
    monkeypatch.setattr(cli_efficiency.console, "width", 2000)
    result = CliRunner().invoke(app, ["efficiency", "grade", str(path)])
    assert result.exit_code == 0, result.output
    assert "1,820.12 kgce/t" in result.output and "1820.1234" not in result.output
