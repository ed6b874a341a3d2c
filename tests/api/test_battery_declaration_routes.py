"""The battery declarations on the footprints page: ``GET /factories/{id}/footprints/declarations`` and its
downloads, on a copy of the sample store with the sample study as the factory's ``<id>.footprint.yaml``.

The figures are checked against the sample study run the CLI's way (``zerocarbon footprint report`` on the same
study and the store's inventory) and against the arithmetic of the declarations: each stage over the total
energy, the EU functional unit from the draft delegated act's formula (57 kWh × FEqC(M1) × 8 a)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.conftest import DEMO_EMPTY, DEMO_FACTORY, DEMO_FOREIGN, DEMO_PASSWORD, DemoStore

from zerocarbon.api.app import create_app
from zerocarbon.api.settings import Settings
from zerocarbon.demo.generator import SAMPLE_FILE
from zerocarbon.footprint.battery import EU_DRAFT_FEQC_PER_YEAR
from zerocarbon.services import dashboard

F = f"/api/v1/factories/{DEMO_FACTORY}"
STUDY = SAMPLE_FILE.parent / "sample_footprint.yaml"


@dataclass
class Env:
    client: TestClient
    url: str
    declared: Path

    def auth(self, user: str = "manager") -> dict[str, str]:
        r = self.client.post("/api/v1/auth/token", data={"username": user, "password": DEMO_PASSWORD})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.fixture(scope="module")
def env(demo_store: DemoStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    root = tmp_path_factory.mktemp("declarations")
    db = Path(demo_store.url.removeprefix("sqlite:///"))
    with sqlite3.connect(db) as source, sqlite3.connect(root / db.name) as copy:
        source.backup(copy)
    shutil.copytree(db.parent / f"{db.name}.columnar", root / f"{db.name}.columnar")
    url = f"sqlite:///{root / db.name}"
    declared = root / "declared"
    declared.mkdir()
    shutil.copy(SAMPLE_FILE, declared / f"{DEMO_FACTORY}.yaml")
    # the study and the files it names relative to itself
    shutil.copy(STUDY, declared / f"{DEMO_FACTORY}.footprint.yaml")
    for name in ("sample_factory.yaml", "sample_supplier_pact.json"):
        shutil.copy(SAMPLE_FILE.parent / name, declared / name)
    mp = pytest.MonkeyPatch()
    mp.setenv("ZEROCARBON_DECLARED_DIR", str(declared))
    dashboard.cache_clear()
    with TestClient(create_app(Settings(database_url=url))) as client:
        yield Env(client, url, declared)
    mp.undo()
    dashboard.cache_clear()


@pytest.fixture(scope="module")
def cli_forms(env: Env) -> dict[str, Any]:
    """The declarations as ``zerocarbon footprint report --factory`` makes them (the store's inventory)."""
    from zerocarbon.services.footprint import run_study
    from zerocarbon.services.footprint.eu_battery import eu_declarations

    result = run_study(env.declared / f"{DEMO_FACTORY}.footprint.yaml", factory=DEMO_FACTORY, url=env.url,
                       iterations=0)
    evp = next(p for p in result.products if p.item.id == "EVP")
    assert evp.battery is not None
    return {"cn": evp.battery.form(), "eu": eu_declarations(result)["EVP"].form()}


def same(shown: str, exact: Decimal) -> bool:
    """A figure of the page (the value to 28 decimal places) equals the exact one."""
    return abs(Decimal(shown) - exact) <= Decimal("1e-28")


def _view(env: Env) -> dict[str, Any]:
    r = env.client.get(f"{F}/footprints/declarations", headers=env.auth())
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_the_page_data(env: Env, cli_forms: dict[str, Any]) -> None:
    d = _view(env)
    assert d["available"] is True and d["file"] == f"{DEMO_FACTORY}.footprint.yaml" and d["year"] == 2023
    assert d["synthetic"] is True
    assert [p["id"] for p in d["products"]] == ["EVP"]  # the ESS pack has no traction-battery block
    evp = d["products"][0]
    eu, cn = evp["eu"], evp["cn"]
    # EU: four stages of Annex II point 4, each the CLI's figure
    assert [s["stage"] for s in eu["stages"]] == ["raw_material", "main_production", "distribution", "end_of_life"]
    cli_eu = {s["stage"]: s for s in cli_forms["eu"]["e_stages"]}
    for s in eu["stages"]:
        assert same(s["kgco2e_per_kwh"]["value"], Decimal(cli_eu[s["stage"]]["kgCO2e_per_kWh"]))
    # the functional unit from the draft formula: usable energy × FEqC per year (M1) × service life
    energy = Decimal(57) * EU_DRAFT_FEQC_PER_YEAR["M1"] * 8
    assert Decimal(eu["total_energy_kwh"]["value"]) == energy
    total = sum((Decimal(cli_eu[k]["kgCO2e"]) for k in cli_eu), Decimal(0)) / energy
    assert same(eu["total"]["value"], total)
    assert "draft" in eu["methodology_status"] and "Ares(2024)3131389" in eu["methodology_status"]
    assert "草案 Ares(2024)3131389" in eu["methodology"]["zh"] and "draft" in eu["methodology"]["en"]
    assert len(eu["unknowns"]) == 6 and all(u["zh"] and u["en"] for u in eu["unknowns"])
    assert f"= {energy} kWh" in eu["total_energy_basis"]["en"] and "57 kWh" in eu["total_energy_basis"]["zh"]
    assert eu["complete"] is False and eu["missing"] == ["declaration_of_conformity_id", "study_url"]
    assert any("Synthetic" in w["en"] for w in eu["warnings"])
    assert eu["downloads"] == {f: f"{F}/footprints/declarations/EVP/eu.{f}" for f in ("json", "html", "pdf")}
    # China: four stages over the 120,000 kWh the study states
    assert Decimal(cn["lifetime_energy_kwh"]["value"]) == 120000
    cli_cn = {s["stage"]: s for s in cli_forms["cn"]["stages"]}
    for s in cn["stages"]:
        assert same(s["kgco2e_per_kwh"]["value"], Decimal(cli_cn[s["stage"]]["kgCO2e"]) / 120000)
    assert same(cn["total"]["value"], sum((Decimal(s["kgCO2e"]) for s in cli_cn.values()), Decimal(0)) / 120000)
    assert cn["phase"] == "trial" and cn["downloads"] == {"json": f"{F}/footprints/declarations/EVP/cn.json"}


def test_downloads(env: Env, cli_forms: dict[str, Any]) -> None:
    h = env.auth()
    r = env.client.get(f"{F}/footprints/declarations/EVP/eu.json", headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert "battery_declaration_eu_EVP.json" in r.headers["content-disposition"]
    assert json.loads(r.content) == json.loads(json.dumps(cli_forms["eu"], default=str))
    r = env.client.get(f"{F}/footprints/declarations/EVP/cn.json", headers=h)
    assert r.status_code == 200 and json.loads(r.content)["declared_kgCO2e_per_kWh"] == \
        cli_forms["cn"]["declared_kgCO2e_per_kWh"]
    zh = env.client.get(f"{F}/footprints/declarations/EVP/eu.html", headers=h)
    assert zh.status_code == 200 and zh.headers["content-type"].startswith("text/html")
    assert '<html lang="zh-CN"' in zh.text and "欧盟" in zh.text
    en = env.client.get(f"{F}/footprints/declarations/EVP/eu.html", params={"lang": "en"}, headers=h)
    assert '<html lang="en"' in en.text and "battery_declaration_eu_EVP.en.html" in en.headers["content-disposition"]
    pdf = env.client.get(f"{F}/footprints/declarations/EVP/eu.pdf", params={"lang": "en"}, headers=h)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_refusals(env: Env) -> None:
    h = env.auth()
    base = f"{F}/footprints/declarations"
    assert env.client.get(base).status_code == 401
    assert env.client.get(f"/api/v1/factories/{DEMO_FOREIGN}/footprints/declarations", headers=h).status_code == 404
    assert env.client.get(f"{base}/NOPE/eu.json", headers=h).json()["error"]["code"] == "declaration.not_found"
    assert env.client.get(f"{base}/ESP/eu.json", headers=h).status_code == 404  # no battery block
    assert env.client.get(f"{base}/EVP/cn.html", headers=h).status_code == 404  # China: JSON only
    assert env.client.get(f"{base}/EVP/us.json", headers=h).status_code == 422
    assert env.client.get(f"{base}/EVP/eu.xlsx", headers=h).status_code == 422
    assert env.client.get(f"{base}/EVP/eu.html", params={"lang": "fr"}, headers=h).status_code == 422


def test_without_a_study(env: Env) -> None:
    """A factory without ``<id>.footprint.yaml`` is told which file would be read; its downloads are 404."""
    h = env.auth("authority")
    r = env.client.get(f"/api/v1/factories/{DEMO_EMPTY}/footprints/declarations", headers=h)
    assert r.status_code == 200, r.text
    assert r.json() == {"factory": DEMO_EMPTY, "available": False, "expected_file": f"{DEMO_EMPTY}.footprint.yaml"}
    r = env.client.get(f"/api/v1/factories/{DEMO_EMPTY}/footprints/declarations/EVP/eu.json", headers=h)
    assert r.status_code == 404
