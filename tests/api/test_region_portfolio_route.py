"""The authority's region view served from the region engine's portfolio file (issue 17).

A copy of the sample store (tests/conftest.py ``demo_store``: 江苏 sample and empty factory, a 广东 factory) is
exported to a region layout (``zerocarbon region export``) and assessed on DuckDB (``zerocarbon region assess
--portfolio DIR/2023.json``). With ``ZEROCARBON_REGION_PORTFOLIO_DIR=DIR`` the route ``/api/v1/region/2023``
serves that file's rows — the same rows as the live view (the portfolio of an exported store equals the store's
view, tests/services/assessment/test_region_generate.py), with a ``source`` block — only those the caller may see;
without a file for the year it computes live as before.
"""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from tests.conftest import DEMO_EMPTY, DEMO_FACTORY, DEMO_FOREIGN, DEMO_PASSWORD, DemoStore
from typer.testing import CliRunner

from zerocarbon.api.app import create_app
from zerocarbon.api.settings import Settings
from zerocarbon.cli.main import app as cli
from zerocarbon.services import dashboard
from zerocarbon.services.assessment.region_export import export_region
from zerocarbon.services.identity.users import create_user

YEAR = 2023


@dataclass
class Env:
    engine: TestClient  # with ZEROCARBON_REGION_PORTFOLIO_DIR
    live: TestClient    # without it
    folder: Path
    layout: Path

    def auth(self, client: TestClient, user: str) -> dict[str, str]:
        r = client.post("/api/v1/auth/token", data={"username": user, "password": DEMO_PASSWORD})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    def region(self, client: TestClient, user: str, year: int = YEAR, **params: str) -> dict[str, Any]:
        r = client.get(f"/api/v1/region/{year}", params=params, headers=self.auth(client, user))
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def env(demo_store: DemoStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    root = tmp_path_factory.mktemp("region-portfolio")
    db = Path(demo_store.url.removeprefix("sqlite:///"))
    with sqlite3.connect(db) as source, sqlite3.connect(root / db.name) as copy:
        source.backup(copy)
    shutil.copytree(db.parent / f"{db.name}.columnar", root / f"{db.name}.columnar")
    url = f"sqlite:///{root / db.name}"
    create_user("authority_gd", DEMO_PASSWORD, "authority", region="广东", url=url)
    mp = pytest.MonkeyPatch()
    mp.setenv("ZEROCARBON_DECLARED_DIR", str(demo_store.declared_dir))
    export_region(root / "layout", url)
    folder = root / "portfolios"
    folder.mkdir()
    res = CliRunner().invoke(cli, ["region", "assess", "--layout", str(root / "layout"), "--year", str(YEAR),
                                   "--engine", "duckdb", "--estimate", "linear",
                                   "--portfolio", str(folder / f"{YEAR}.json"), "--lang", "en"])
    assert res.exit_code == 0, res.output
    dashboard.cache_clear()
    with TestClient(create_app(Settings(database_url=url, region_portfolio_dir=folder))) as engine, \
            TestClient(create_app(Settings(database_url=url))) as live:
        yield Env(engine, live, folder, root / "layout")
    mp.undo()
    dashboard.cache_clear()


def test_the_written_portfolio_says_where_it_comes_from(env: Env) -> None:
    data = json.loads((env.folder / f"{YEAR}.json").read_text(encoding="utf-8"))
    src = data["source"]
    assert data["year"] == src["year"] == YEAR and src["engine"] == "duckdb" and src["estimate"] == "linear"
    assert Path(src["layout"]) == env.layout
    assert datetime.fromisoformat(src["computed_at"]).tzinfo is not None
    assert {r["id"] for r in data["rows"]} == {DEMO_FACTORY, DEMO_EMPTY, DEMO_FOREIGN}


def test_authority_sees_the_files_rows_of_its_region_only(env: Env) -> None:
    served = env.region(env.engine, "authority")
    live = env.region(env.live, "authority")
    assert "source" not in live  # no setting: the live view as before
    src = served["source"]
    assert src["kind"] == "region_engine" and src["engine"] == "duckdb" and src["file"] == f"{YEAR}.json"
    assert src["layout"] == env.layout.name and str(env.layout.parent) not in json.dumps(src) and src["computed_at"]
    assert "duckdb" in src["label"]["zh"] and "region engine" in src["label"]["en"]
    assert [r["id"] for r in served["rows"]] == [r["id"] for r in live["rows"]] == sorted([DEMO_FACTORY, DEMO_EMPTY])
    assert served["rows"] == live["rows"]  # the same figures, labels, ranks and errors, decorated alike
    assert {k: v for k, v in served.items() if k != "source"} == live
    sample = next(r for r in served["rows"] if r["id"] == DEMO_FACTORY)
    assert sample["indicator_display"]["traceable_share"]["en"] == "20.0 %"  # docs/assessment.md: 20.0 %


def test_authority_of_another_province_never_gets_other_rows(env: Env) -> None:
    served = env.region(env.engine, "authority_gd")
    assert [r["id"] for r in served["rows"]] == [DEMO_FOREIGN]
    assert served["rows"] == env.region(env.live, "authority_gd")["rows"]
    assert DEMO_FACTORY not in json.dumps(served, ensure_ascii=False)  # nothing of 江苏, not even in a rank
    wb = env.engine.get(f"/api/v1/region/{YEAR}/workbook", params={"lang": "en"},
                        headers=env.auth(env.engine, "authority_gd"))
    assert wb.status_code == 200
    sheet = load_workbook(io.BytesIO(wb.content)).active
    assert sheet is not None
    ids = [sheet.cell(i, 1).value for i in range(2, sheet.max_row + 1)]
    assert ids[:ids.index(None)] == [DEMO_FOREIGN]  # then a blank line and the tier note
    assert DEMO_FACTORY not in ids and DEMO_EMPTY not in ids
    assert env.engine.get(f"/api/v1/region/{YEAR}", headers=env.auth(env.engine, "manager")).status_code == 403


def test_admin_and_province_filter(env: Env) -> None:
    every = env.region(env.engine, "admin")
    assert {r["id"] for r in every["rows"]} == {DEMO_FACTORY, DEMO_EMPTY, DEMO_FOREIGN}
    gd = env.region(env.engine, "admin", province="广东")
    assert [r["id"] for r in gd["rows"]] == [DEMO_FOREIGN] and gd["province"] == "广东"


def test_the_file_is_what_is_served_and_live_without_it(env: Env) -> None:
    path = env.folder / f"{YEAR}.json"
    original = path.read_text(encoding="utf-8")
    data = json.loads(original)
    next(r for r in data["rows"] if r["id"] == DEMO_FACTORY)["name_en"] = "from the engine's file"
    try:
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        rows = {r["id"]: r for r in env.region(env.engine, "authority")["rows"]}
        assert rows[DEMO_FACTORY]["name_en"] == "from the engine's file"
        (env.folder / "2022.json").write_text(original, encoding="utf-8")  # a file of 2023 named 2022
        r = env.engine.get("/api/v1/region/2022", headers=env.auth(env.engine, "authority"))
        assert r.status_code == 422 and "2022.json" in r.text and "year" in r.text
    finally:
        path.write_text(original, encoding="utf-8")
        (env.folder / "2022.json").unlink(missing_ok=True)
    assert "source" not in env.region(env.engine, "authority", year=2022)  # no file for the year: live
