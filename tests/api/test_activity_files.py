"""Declared activity files through the API: upload (Excel template, YAML), versions, download, the template.

On each backend (SQLite; PostgreSQL where reachable), in the world of ``conftest.py``: factory A
(江苏, meters E1 and G1 with two days of readings in January 2023) and the foreign factory B.
Inventories after an upload are compared with an independent run of the engine on the same bytes
(``run_store_inventory(..., declared=<file>)``).
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from openpyxl import load_workbook
from tests.api.conftest import FOREIGN, FOREIGN_NAME, OURS, ROLES, World

from zerocarbon.demo.generator import SAMPLE_FILE
from zerocarbon.ingest.activity_file import load_activity_file
from zerocarbon.ingest.columns import ACTIVITY
from zerocarbon.ingest.template import write_template
from zerocarbon.model.metering import FactorySetup
from zerocarbon.services import dashboard
from zerocarbon.services.inventory import declared
from zerocarbon.services.inventory.runs import run_store_inventory
from zerocarbon.store import audit
from zerocarbon.store import schema as s
from zerocarbon.store.db import get_engine
from zerocarbon.store.factories import save_factory_setup

SAMPLE_FACTORY = "JS-LIB-PACK-01"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOADERS = ("admin", "factory_manager", "data_entry")
REL = Decimal("1e-12")  # metered amounts are float sums turned into Decimal (see tests/web/test_dashboard_api.py)


def declared_yaml(factory_id: str = OURS, name: str = "本省示范工厂", province: str = "江苏",
                  diesel: str = "2.5") -> bytes:
    """A declared file for a factory of ``conftest.py``: diesel bought by invoice in 2023, and production."""
    doc = {
        "schema_version": 1,
        "factory": {"id": factory_id, "name_zh": name, "province": province,
                    "facilities": [{"id": "SITE", "name_zh": "厂区"}, {"id": "L1", "name_zh": "一号线"}],
                    "products": [{"id": "P1", "name_zh": "产品一", "unit": "t"}]},
        "activity": [{"id": "DSL-2023", "facility": "SITE", "category": "fuel_combustion", "item": "柴油",
                      "amount": diesel, "unit": "t", "period": "2023", "source": "加油发票",
                      "data_quality": "invoice"}],
        "production": [{"product": "P1", "period": "2023-01", "amount": "100", "unit": "t"}],
    }
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode("utf-8")


def upload(world: World, who: str, content: bytes, filename: str = "活动数据.yaml", factory_id: str = OURS,
           note: str = "", lang: str | None = None) -> Any:
    headers = world.auth(who) | ({"Accept-Language": lang} if lang else {})
    return world.client.post(f"/api/v1/factories/{factory_id}/activity-files", headers=headers,
                             files={"file": (filename, content, "application/octet-stream")}, data={"note": note})


def workbook(data: Any, tmp_path: Path, edit: dict[tuple[str, int, str], Any] | None = None) -> bytes:
    """The Excel template filled with ``data``; ``edit`` sets cells by (sheet key, row, column key)."""
    path = write_template(tmp_path / "filled.xlsx", data)
    if edit:
        wb = load_workbook(path)
        for (sheet_key, row, column_key), value in edit.items():
            assert sheet_key == "activity"
            col = 1 + [c.key for c in ACTIVITY.columns].index(column_key)
            wb[ACTIVITY.zh].cell(row=row, column=col, value=value)
        wb.save(path)
    return path.read_bytes()


def uploads_in_audit(url: str) -> list[audit.AuditEntry]:
    return list(reversed(audit.entries(url, action=declared.UPLOAD_ACTION, limit=1000)))


def totals(world: World, factory_id: str, who: str = "admin") -> dict[str, str]:
    r = world.client.get(f"/api/v1/factories/{factory_id}/inventories/2023", headers=world.auth(who))
    assert r.status_code == 200, r.text
    return dict(r.json()["totals"])


def assert_close(got: dict[str, str], want: dict[str, str]) -> None:
    assert got.keys() == want.keys()
    for key, value in want.items():
        x, y = Decimal(got[key]), Decimal(value)
        assert abs(x - y) <= REL * max(abs(y), Decimal(1)), (key, got[key], value)


# ------------------------------------------------------------------------------------------ uploads
def test_upload_yaml_then_list_download_and_the_same_bytes_again(world: World) -> None:
    content = declared_yaml()
    r = upload(world, "data_entry", content, note="2023 年发票")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["created"] and body["current"] and body["factory_id"] == OURS
    assert (body["filename"], body["format"], body["size"]) == ("活动数据.yaml", "yaml", len(content))
    assert body["sha256"] == audit.sha256_hex(content)
    assert (body["uploaded_by"], body["note"], body["years"]) == ("clerk", "2023 年发票", [2023])
    assert (body["activity_lines"], body["certificates"], body["production_records"]) == (1, 0, 1)
    assert body["uploaded_at_local"].endswith("+08:00")

    # the same bytes under another name: nothing new, the same version
    again = upload(world, "factory_manager", content, filename="copy.yaml")
    assert again.status_code == 200, again.text
    assert again.json()["id"] == body["id"] and not again.json()["created"]

    listed = world.client.get(f"/api/v1/factories/{OURS}/activity-files", headers=world.auth("verifier"))
    assert listed.status_code == 200
    assert [(v["id"], v["current"], v["uploaded_by"]) for v in listed.json()] == [(body["id"], True, "clerk")]

    got = world.client.get(f"/api/v1/factories/{OURS}/activity-files/{body['id']}", headers=world.auth("authority"))
    assert got.status_code == 200
    assert got.content == content
    assert got.headers["content-type"].startswith("application/yaml")
    assert got.headers["etag"] == f'"{body["sha256"]}"'
    assert "filename*=utf-8''%E6%B4%BB%E5%8A%A8%E6%95%B0%E6%8D%AE.yaml" in got.headers["content-disposition"]

    # one audit entry: who, when, file name and sha256; the chain still verifies
    entries = uploads_in_audit(world.url)
    assert len(entries) == 1
    entry = entries[0].to_dict()
    assert (entry["actor"], entry["factory_id"], entry["entity_id"]) == ("clerk", OURS, str(body["id"]))
    assert entry["at"] == body["uploaded_at"]
    assert entry["after"]["filename"] == "活动数据.yaml" and entry["after"]["sha256"] == body["sha256"]
    assert entry["before"] is None
    assert audit.verify(world.url).ok


def test_the_sample_factory_as_the_excel_template(world: World, tmp_path: Path) -> None:
    """The main job's sample factory, written into the Excel template and uploaded: the inventory is
    the engine's for the same workbook."""
    save_factory_setup(FactorySetup.model_validate({
        "factory": {"id": SAMPLE_FACTORY, "name_zh": "江苏示例", "province": "江苏"}, "nodes": [], "meters": []}),
        world.url)
    sample = load_activity_file(SAMPLE_FILE).data
    content = workbook(sample, tmp_path)
    r = upload(world, "admin", content, filename="示例工厂活动数据.xlsx", factory_id=SAMPLE_FACTORY)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["format"], body["years"]) == ("xlsx", sample.years())
    assert (body["activity_lines"], body["certificates"], body["production_records"]) == (
        len(sample.activity), len(sample.certificates), len(sample.production))
    got = world.client.get(f"/api/v1/factories/{SAMPLE_FACTORY}/activity-files/{body['id']}",
                           headers=world.auth("admin"))
    assert got.content == content and got.headers["content-type"] == XLSX

    path = tmp_path / "same.xlsx"
    path.write_bytes(content)
    engine = run_store_inventory(SAMPLE_FACTORY, 2023, url=world.url, declared=path, mc_draws=0)
    assert_close(totals(world, SAMPLE_FACTORY), engine.inventory.totals.to_dict())
    # the figures of the sample as published by the main job's YAML file
    assert_close(engine.inventory.totals.to_dict(),
                 run_store_inventory(SAMPLE_FACTORY, 2023, url=world.url, declared=SAMPLE_FILE,
                                     mc_draws=0).inventory.totals.to_dict())


def test_a_bad_workbook_is_refused_with_its_sheet_row_and_field(world: World, tmp_path: Path) -> None:
    data = load_activity_file(_write(tmp_path / "ours.yaml", declared_yaml())).data
    content = workbook(data, tmp_path, {("activity", 3, "amount"): "两吨半"})
    amount = next(c for c in ACTIVITY.columns if c.key == "amount")
    r = upload(world, "factory_manager", content, filename="坏文件.xlsx")
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "input.invalid"
    assert r.headers["content-language"] == "zh-CN"
    assert error["details"]["file"] == "坏文件.xlsx"  # the user's file, never the server's temporary path
    where = error["details"]
    assert (where["sheet"], where["row"], where["field"]) == (ACTIVITY.zh, 3, amount.zh)
    assert "工作表 活动数据" in error["message"] and "第 3 行" in error["message"] and "两吨半" in error["message"]
    en = upload(world, "factory_manager", content, filename="坏文件.xlsx", lang="en")
    assert en.headers["content-language"] == "en"
    message = en.json()["error"]["message"]
    assert "sheet 活动数据, row 3" in message and "is not a number" in message
    _nothing_stored(world)


@pytest.mark.parametrize(("filename", "content", "field"), [
    ("a.yaml", b"factory: {id: JS-OURS-01}\nactivity: []\n", "factory.name_zh"),
    ("a.yaml", b"activity: 5\n", "activity"),      # a shape the importer does not expect: refused by name
    ("a.yaml", b"\xff\xfe not text", None),
    ("a.xlsx", b"not a workbook", None),
    ("a.txt", b"factory: {}", "file"),
    ("a.yaml", b"", "file"),
])
def test_files_that_do_not_read_are_refused(world: World, filename: str, content: bytes, field: str | None) -> None:
    r = upload(world, "admin", content, filename=filename)
    assert r.status_code == 422, r.text
    details = r.json()["error"]["details"]
    assert r.json()["error"]["code"] == "input.invalid"
    # several problems of one file come together (issue 10): the field is then one of the listed ones
    listed = [e["field"] for e in details.get("details", {}).get("errors", [])]
    assert details["file"] == filename and (details.get("field") == field or field in listed)
    _nothing_stored(world)


def test_a_file_of_another_factory_is_refused(world: World) -> None:
    r = upload(world, "admin", declared_yaml(FOREIGN, FOREIGN_NAME, "浙江"))
    assert r.status_code == 422, r.text
    details = r.json()["error"]["details"]
    assert (details["field"], details["expected"]) == ("factory.id", OURS)
    assert FOREIGN in r.json()["error"]["message"]
    _nothing_stored(world)


def test_too_large(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(declared, "MAX_BYTES", 100)
    r = upload(world, "admin", declared_yaml())
    assert r.status_code == 413 and r.json()["error"]["code"] == "activity_file.too_large"
    _nothing_stored(world)


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def _nothing_stored(world: World) -> None:
    assert declared.versions(OURS, world.url) == []
    assert uploads_in_audit(world.url) == []
    assert audit.verify(world.url).ok


# -------------------------------------------------------------------------------------------- roles
@pytest.mark.parametrize("who", [*ROLES, "apikey"])
def test_who_may_upload_and_read(world: World, who: str) -> None:
    r = upload(world, who, declared_yaml())
    if who in UPLOADERS:
        assert r.status_code == 200, r.text
    elif who == "apikey":
        assert (r.status_code, r.json()["error"]["code"]) == (401, "auth.api_key_scope")
    else:
        assert (r.status_code, r.json()["error"]["code"]) == (403, "auth.forbidden")
    listed = world.client.get(f"/api/v1/factories/{OURS}/activity-files", headers=world.auth(who))
    assert listed.status_code == (401 if who == "apikey" else 200)
    template = world.client.get("/api/v1/activity-template.xlsx", headers=world.auth(who))
    assert template.status_code == (401 if who == "apikey" else 200)


def test_the_foreign_factory_is_not_found(world: World) -> None:
    """A factory the caller may not see is 404 for upload, list and download, whatever the role."""
    theirs = upload(world, "foreign_manager", declared_yaml(FOREIGN, FOREIGN_NAME, "浙江"), factory_id=FOREIGN)
    assert theirs.status_code == 200, theirs.text
    file_id = theirs.json()["id"]
    for who in ("factory_manager", "data_entry", "verifier", "authority"):
        assert upload(world, who, declared_yaml(FOREIGN, FOREIGN_NAME, "浙江"), factory_id=FOREIGN).status_code == 404
        for path in (f"/api/v1/factories/{FOREIGN}/activity-files",
                     f"/api/v1/factories/{FOREIGN}/activity-files/{file_id}"):
            r = world.client.get(path, headers=world.auth(who))
            assert (r.status_code, r.json()["error"]["code"]) == (404, "factory.not_found")
        # nor through a factory it does see
        r = world.client.get(f"/api/v1/factories/{OURS}/activity-files/{file_id}", headers=world.auth(who))
        assert (r.status_code, r.json()["error"]["code"]) == (404, "activity_file.not_found")
    assert len(declared.versions(FOREIGN, world.url)) == 1


def test_the_template(world: World) -> None:
    r = world.client.get("/api/v1/activity-template.xlsx", headers=world.auth("verifier"))
    assert r.status_code == 200 and r.headers["content-type"] == XLSX
    assert 'filename="zerocarbon-activity-template.xlsx"' in r.headers["content-disposition"]
    wb = load_workbook(io.BytesIO(r.content), read_only=True)
    assert ACTIVITY.zh in wb.sheetnames and "企业信息" in wb.sheetnames
    assert world.client.get("/api/v1/activity-template.xlsx").status_code == 401


# ----------------------------------------------------------------------------- what the figures use
def test_inventories_use_the_current_version(world: World, tmp_path: Path) -> None:
    """Before any upload: meters only. After: meters plus the file, as the engine computes them with
    the same file; a second version replaces the first in every figure (the cache does not keep the old)."""
    dashboard.cache_clear()
    overview = f"/api/v1/dashboard/factories/{OURS}/overview"
    meters_only = totals(world, OURS)
    assert_close(meters_only, run_store_inventory(OURS, 2023, url=world.url, mc_draws=0).inventory.totals.to_dict())
    before = world.client.get(overview, params={"year": 2023}, headers=world.auth("factory_manager")).json()
    version_before = dashboard.store_version(world.url)

    ids = []
    for diesel in ("2.5", "5"):
        content = declared_yaml(diesel=diesel)
        r = upload(world, "factory_manager", content)
        assert r.status_code == 200, r.text
        ids.append(r.json()["id"])
        engine = run_store_inventory(OURS, 2023, url=world.url, declared=_write(tmp_path / f"d{diesel}.yaml", content),
                                     mc_draws=0).inventory.totals.to_dict()
        got = totals(world, OURS)
        assert_close(got, engine)
        assert Decimal(got["scope1"]) > Decimal(meters_only["scope1"])
        ov = world.client.get(overview, params={"year": 2023}, headers=world.auth("factory_manager")).json()
        assert Decimal(ov["totals"]["gbt32150_total"]["value"]) == Decimal(got["gbt32150_total"])
        assert ov["intensities"], "production comes from the declared file"

    assert before["intensities"] == []
    assert dashboard.store_version(world.url) != version_before
    versions = declared.versions(OURS, world.url)
    assert [(v.id, v.current) for v in versions] == [(ids[1], True), (ids[0], False)]
    entries = uploads_in_audit(world.url)
    assert [e.to_dict()["before"] for e in entries] == [
        None, {"id": ids[0], "filename": "活动数据.yaml", "sha256": versions[1].sha256}]
    # the old version is still there, byte for byte
    old = world.client.get(f"/api/v1/factories/{OURS}/activity-files/{ids[0]}", headers=world.auth("verifier"))
    assert old.content == declared_yaml(diesel="2.5")
    # uploading the first bytes again makes them current as a new version
    r = upload(world, "data_entry", declared_yaml(diesel="2.5"))
    assert r.status_code == 200 and r.json()["created"] and r.json()["id"] > ids[1]
    assert dashboard.declared_file(OURS, world.url) == declared.current_path(OURS, world.url)
    assert audit.verify(world.url).ok


def test_the_store_file_comes_before_the_directory(world: World, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "declared"
    folder.mkdir()
    (folder / f"{OURS}.yaml").write_bytes(declared_yaml(diesel="1"))
    monkeypatch.setenv(dashboard.DECLARED_DIR_ENV, str(folder))
    assert dashboard.declared_file(OURS, world.url) == folder / f"{OURS}.yaml"
    upload(world, "admin", declared_yaml(diesel="7"))
    path = dashboard.declared_file(OURS, world.url)
    assert path is not None and path.read_bytes() == declared_yaml(diesel="7")
    assert path.name == "活动数据.yaml" and path.parent.name == audit.sha256_hex(declared_yaml(diesel="7"))


# ------------------------------------------------------------------------------------------- schema
def test_one_migration_head_and_the_table_as_declared(store_url: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(declared.__file__).parents[2] / "store" / "migrations"))
    assert len(ScriptDirectory.from_config(cfg).get_heads()) == 1
    with get_engine(store_url).connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), s.metadata)
    assert [d for d in diffs if "declared_files" in repr(d)] == []
