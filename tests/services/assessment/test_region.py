"""The regional view: every factory of the store evaluated side by side; one factory's problem is its own row."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from tests.conftest import DEMO_EMPTY, DEMO_FACTORY, DEMO_FOREIGN, DemoStore

from zerocarbon.services.assessment.region import evaluate_region, write_region_xlsx


def test_region_evaluation_ranks_and_exports(demo_store: DemoStore, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ZEROCARBON_DECLARED_DIR", str(demo_store.declared_dir))
    seen: list[tuple[int, int, str]] = []
    result = evaluate_region(
        None,
        demo_store.year,
        demo_store.url,
        province="江苏",
        progress=lambda n, total, fid: seen.append((n, total, fid)),
    )
    ids = [r["id"] for r in result["rows"]]
    assert DEMO_FACTORY in ids and DEMO_EMPTY in ids and DEMO_FOREIGN not in ids  # 广东 is not this region
    assert [s[0] for s in seen] == list(range(1, len(ids) + 1))
    demo = next(r for r in result["rows"] if r["id"] == DEMO_FACTORY)
    # no declaration in the store: whether the physical-share gate applies (computing facility?) is unknown
    assert demo["levels"]["basic"] == "not_assessable" and demo["tier"] == "none" and demo["rank_in_industry"] == 1
    assert Decimal(demo["indicators"]["traceable_share"]) > 0
    empty = next(r for r in result["rows"] if r["id"] == DEMO_EMPTY)
    assert "error" in empty and empty["error"]["zh"]  # its own located error, the region still evaluated
    path = write_region_xlsx(result, tmp_path / "region.xlsx")
    ws = load_workbook(path).active
    assert ws is not None
    header = [c.value for c in ws[1]]
    assert header[0] == "企业编号" and "层级" in header
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == DEMO_FACTORY)
    assert isinstance(row[7], float) and row[4] == "培育"


def test_region_cli(demo_store: DemoStore, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from zerocarbon.cli.main import app

    monkeypatch.setenv("ZEROCARBON_DECLARED_DIR", str(demo_store.declared_dir))
    res = CliRunner().invoke(
        app,
        [
            "region",
            "--year",
            str(demo_store.year),
            "--province",
            "江苏",
            "--db",
            demo_store.url,
            "--out",
            str(tmp_path / "r.xlsx"),
            "--lang",
            "en",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "Regional evaluation" in res.output and "cultivation" in res.output and (tmp_path / "r.xlsx").exists()
