"""Rejected records and ingest batches belong to the factory they were sent for, on every path in, on
SQLite and PostgreSQL.

The factories are named so that the old rule (batch names ``<factory>:…``, topics ``zerocarbon/<factory>/``
anywhere in a batch name) confused them: ``F`` is a prefix of ``F:2``, and a file of ``F`` lies in a
folder whose path reads `` zerocarbon/G/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, insert, select
from sqlalchemy import inspect as sa_inspect

from zerocarbon.ingest.pipeline import ingest_table, open_batch
from zerocarbon.ingest.rest import ReadingBatchIn, push_readings
from zerocarbon.model.metering import FactorySetup
from zerocarbon.services import dashboard
from zerocarbon.services.metering import quality as data_quality
from zerocarbon.services.metering.intake import ingest_meter_file
from zerocarbon.store import schema as s
from zerocarbon.store.db import database_url, get_engine, transaction
from zerocarbon.store.factories import save_factory_setup

T0 = 1_700_000_100  # 2023-11-15T06:15:00+08:00, on a 15-minute boundary
NOW = T0 + 86_400
FACTORIES = ("F", "F:2", "G")
MIGRATION = "0005"  # the migration that adds rejected_records.factory_id
BATCHES_MIGRATION = "0008"  # the one that adds ingest_batches.factory_id


def _setup(url: str) -> None:
    for fid in FACTORIES:
        save_factory_setup(FactorySetup.model_validate({
            "factory": {"id": fid, "name_zh": f"工厂{fid}", "province": "江苏"},
            "meters": [{"code": "E1", "carrier": "electricity", "unit": "kWh", "register_kind": "interval"}],
        }), url)


def _bad_batch(tag: str) -> ReadingBatchIn:
    """One good reading and three bad ones (not a time, unknown meter, not an object)."""
    return ReadingBatchIn.model_validate({"readings": [
        {"meter": "E1", "ts": T0, "value": 1.0},
        {"meter": "E1", "ts": "not a time", "value": 1.0, "id": f"{tag}-ts"},
        {"meter": "X9", "ts": T0, "value": 1.0, "id": f"{tag}-meter"},
        f"{tag}-garbage",
    ]})


def _locations(fid: str, url: str) -> set[str]:
    total, rows = data_quality.rejected(fid, 1000, 0, url)
    assert total == len(rows)
    return {str(r["location"]) for r in rows}


def _expected(batch_id: int, fid: str) -> set[str]:
    """Where the three bad entries of :func:`_bad_batch` are said to be (only a parsed entry shows its id)."""
    where = f"request #{batch_id} item"
    return {f"{where} 2", f"{where} 3 (id {fid}-meter)", f"{where} 4"}


def _rest_push(fid: str, url: str, client: str | None = None) -> int:
    report = push_readings(_bad_batch(fid), fid, url, client=client or data_quality.rest_batch_name(fid, "clerk"),
                           now=NOW)
    assert report.rejected == 3
    return report.batch_id


def test_rest_rejects_are_listed_under_their_factory_only(store_url: str) -> None:
    _setup(store_url)
    batch_f = _rest_push("F", store_url)
    batch_f2 = _rest_push("F:2", store_url)
    assert _locations("F", store_url) == _expected(batch_f, "F")
    assert _locations("F:2", store_url) == _expected(batch_f2, "F:2")
    assert _locations("G", store_url) == set()
    assert data_quality.rejected("F", 10, 0, store_url, batch_id=batch_f2) == (0, [])
    assert data_quality.rejected("F:2", 10, 0, store_url, batch_id=batch_f)[0] == 0
    assert dict(data_quality.rejected_reasons("G", store_url)) == {}
    assert sum(n for _, n in data_quality.rejected_reasons("F", store_url)) == 3
    # The dashboard's data-quality page lists the same records.
    dashboard.cache_clear()
    for fid in FACTORIES:
        page = dashboard.data_quality(fid, 2023, store_url)
        assert {r["location"] for r in page["rejected"]} == _locations(fid, store_url)
        assert page["summary"]["rejected_records"] == len(_locations(fid, store_url))


def test_resending_a_bad_batch_rejects_it_again_under_the_same_factory(store_url: str) -> None:
    """The contract as it stands: readings are idempotent, rejects are a log of each sending.

    A re-sent batch stores no reading twice; its bad entries are rejected again, in the new batch
    (their location names it), and still only under their factory.
    """
    _setup(store_url)
    first = _rest_push("F", store_url)
    again = push_readings(_bad_batch("F"), "F", store_url, client=data_quality.rest_batch_name("F", "clerk"), now=NOW)
    assert (again.accepted, again.duplicates, again.rejected) == (0, 1, 3)
    assert data_quality.rejected("F", 10, 0, store_url, batch_id=first)[0] == 3
    assert data_quality.rejected("F", 10, 0, store_url, batch_id=again.batch_id)[0] == 3
    assert data_quality.rejected("F", 10, 0, store_url)[0] == 6
    assert len(_locations("F", store_url)) == 6
    assert _locations("F:2", store_url) == set() and _locations("G", store_url) == set()


def test_file_and_mqtt_rejects_carry_their_factory(store_url: str, tmp_path: Path) -> None:
    _setup(store_url)
    folder = tmp_path / "from zerocarbon" / "G"  # the batch name of F's file reads " zerocarbon/G/"
    folder.mkdir(parents=True)
    csv = folder / "readings.csv"
    csv.write_text("meter,time,value\nE1,2023-11-15 06:15:00,1.0\nE1,never,2.0\nX9,2023-11-15 06:30:00,3.0\n",
                   encoding="utf-8")
    report = ingest_meter_file(csv, "F", url=store_url, now=NOW)
    assert (report.accepted, report.rejected) == (1, 2)
    # What the MQTT subscriber does with a message of F:2's topic that holds a bad entry.
    batch = open_batch("mqtt", "sub-1 zerocarbon/F:2/readings", url=store_url, factory_id="F:2")
    ingest_table({"meter": ["X9"], "ts": [T0], "value": [1.0], "unit": [None],
                  "location": ["zerocarbon/F:2/readings item 1"]}, "F:2", batch, "mqtt", store_url, now=NOW)
    assert {loc.split(" row ")[0] for loc in _locations("F", store_url)} == {"readings.csv"}
    assert _locations("F:2", store_url) == {"zerocarbon/F:2/readings item 1"}
    assert _locations("G", store_url) == set()
    with transaction(store_url) as conn:
        assert conn.execute(select(func.count()).select_from(s.rejected)
                            .where(s.rejected.c.factory_id.is_(None))).scalar_one() == 0


# ------------------------------------------------------------------------------------------- migration
def _alembic(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(s.__file__).with_name("migrations")))
    cfg.set_main_option("sqlalchemy.url", database_url(url).replace("%", "%%"))
    cfg.attributes["connection_url"] = database_url(url)
    return cfg


def test_one_head_and_the_schema_as_declared(store_url: str) -> None:
    script = ScriptDirectory.from_config(_alembic(store_url))
    assert len(script.get_heads()) == 1
    with get_engine(store_url).connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), s.metadata)
    assert [d for d in diffs if "rejected_records" in repr(d) or "ingest_batches" in repr(d)] == []


def test_migration_back_fills_the_factory(store_url: str, tmp_path: Path) -> None:
    """Records written before the column existed get the factory their batch shows, or none."""
    _setup(store_url)
    by_readings = _rest_push("F", store_url, client="scada-gw")  # a name that tells nothing; its reading does
    by_name = push_readings(ReadingBatchIn.model_validate({"readings": ["junk"]}), "F:2", store_url,
                            client=data_quality.rest_batch_name("F:2", "clerk"), now=NOW).batch_id
    unknown = push_readings(ReadingBatchIn.model_validate({"readings": ["junk"]}), "F", store_url,
                            client="gw", now=NOW).batch_id
    csv = tmp_path / "bad.csv"
    csv.write_text("meter,time,value\nX9,2023-11-15 06:15:00,1.0\n", encoding="utf-8")
    by_file_name = ingest_meter_file(csv, "G", url=store_url, now=NOW).batch_id
    mqtt = open_batch("mqtt", "sub-1 zerocarbon/+/readings", url=store_url, factory_id=None)
    ingest_table({"meter": ["X9"], "ts": [T0], "value": [1.0], "unit": [None],
                  "location": ["zerocarbon/G/readings item 1"]}, "G", mqtt, "mqtt", store_url, now=NOW)
    cfg = _alembic(store_url)
    down = ScriptDirectory.from_config(cfg).get_revision(MIGRATION)
    assert down is not None and isinstance(down.down_revision, str)
    command.downgrade(cfg, down.down_revision)
    with transaction(store_url) as conn:  # and one with no batch at all
        conn.execute(insert(s.rejected).values(source="file", location="x", reason="r", raw="{}", created_at=T0))
    command.upgrade(cfg, "head")
    with transaction(store_url) as conn:
        rows = conn.execute(select(s.rejected.c.batch_id, s.rejected.c.factory_id)).all()
    owner: dict[Any, set[str | None]] = {}
    for batch_id, fid in rows:
        owner.setdefault(batch_id, set()).add(fid)
    assert owner == {by_readings: {"F"}, by_name: {"F:2"}, unknown: {None}, by_file_name: {"G"}, mqtt: {"G"},
                     None: {None}}
    assert _locations("F", store_url) == _expected(by_readings, "F")


# --------------------------------------------------------------------------------------------- batches
def _batch_ids(fid: str, url: str) -> set[int]:
    total, rows = data_quality.batches(fid, 1000, 0, url)
    assert total == len(rows)
    assert {r["factory_id"] for r in rows} <= {fid}
    return {int(r["id"]) for r in rows}


def _ingest_each_way(url: str, tmp_path: Path) -> dict[str, set[int]]:
    """F and F:2 each import a file and push a REST batch; F's file lies in a folder `` zerocarbon/G/``."""
    made: dict[str, set[int]] = {fid: set() for fid in FACTORIES}
    for fid, folder in (("F", tmp_path / "from zerocarbon" / "G"), ("F:2", tmp_path / "F:2")):
        folder.mkdir(parents=True)
        csv = folder / "readings.csv"
        csv.write_text(f"meter,time,value\nE1,2023-11-15 06:30:00,{len(fid)}.0\nX9,2023-11-15 06:45:00,3.0\n",
                       encoding="utf-8")
        made[fid].add(ingest_meter_file(csv, fid, url=url, now=NOW).batch_id)
        made[fid].add(_rest_push(fid, url))
    return made


def test_batches_are_listed_under_their_factory_only(store_url: str, tmp_path: Path) -> None:
    """The old rule showed F the batches of F:2 (``F:2:…`` starts with ``F:``) and G the file of F."""
    _setup(store_url)
    made = _ingest_each_way(store_url, tmp_path)
    for fid in FACTORIES:
        assert _batch_ids(fid, store_url) == made[fid]
    with transaction(store_url) as conn:
        assert conn.execute(select(func.count()).select_from(s.batches)
                            .where(s.batches.c.factory_id.is_(None))).scalar_one() == 0
    # A resumed import continues the factory's own batch of the same bytes, never another factory's.
    twin = tmp_path / "twin.csv"
    twin.write_text("meter,time,value\nE1,2023-11-15 06:45:00,1.0\n", encoding="utf-8")
    first = ingest_meter_file(twin, "F:2", url=store_url, now=NOW).batch_id
    with transaction(store_url) as conn:
        conn.execute(s.batches.update().where(s.batches.c.id == first).values(status="interrupted"))
    resumed = ingest_meter_file(twin, "F", url=store_url, now=NOW, resume=True).batch_id
    assert resumed != first and resumed in _batch_ids("F", store_url) and first in _batch_ids("F:2", store_url)


def test_the_api_lists_each_factory_its_own_batches(store_url: str, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from argon2 import PasswordHasher
    from fastapi.testclient import TestClient

    from zerocarbon.api.app import create_app
    from zerocarbon.api.security import create_access_token
    from zerocarbon.api.settings import Settings
    from zerocarbon.services.identity import users

    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    _setup(store_url)
    made = _ingest_each_way(store_url, tmp_path)
    settings = Settings(database_url=store_url, secret_key="test-secret-" + "k" * 40, environment="production")
    client = TestClient(create_app(settings), raise_server_exceptions=False)
    people = {"admin": users.create_user("root", "correct horse battery", "admin", url=store_url)}
    for k, fid in enumerate(FACTORIES):  # user names take no ':'
        people[fid] = users.create_user(f"mgr-{k}", "correct horse battery", "factory_manager", factories=[fid],
                                        url=store_url)

    def get(who: str, path: str) -> Any:
        user = users.get_user(people[who], store_url)
        assert user is not None
        return client.get(f"/api/v1/factories/{quote(path, safe='/')}",
                          headers={"Authorization": f"Bearer {create_access_token(user, settings)}"})

    for fid in FACTORIES:
        for who in (fid, "admin"):
            answer = get(who, f"{fid}/batches")
            assert answer.status_code == 200, answer.text
            items = answer.json()["items"]
            assert {b["id"] for b in items} == made[fid] and {b["factory_id"] for b in items} <= {fid}
            rejects = get(who, f"{fid}/rejected-records").json()["items"]
            assert {r["batch_id"] for r in rejects} == made[fid] and {r["factory_id"] for r in rejects} <= {fid}
    assert get("F", "F:2/batches").status_code in (403, 404)
    assert get("F:2", "F/batches").status_code in (403, 404)


def test_a_batch_of_several_factories_is_listed_for_none(store_url: str) -> None:
    """What the MQTT subscriber over every factory's topics stores: readings of F and F:2 in one batch."""
    _setup(store_url)
    mqtt = open_batch("mqtt", "zerocarbon-ingest-all zerocarbon/+/readings", url=store_url, factory_id=None)
    for fid in ("F", "F:2"):
        ingest_table({"meter": ["E1", "X9"], "ts": [T0, T0], "value": [1.0, 2.0], "unit": [None, None],
                      "location": [f"zerocarbon/{fid}/readings item 1", f"zerocarbon/{fid}/readings item 2"]},
                     fid, mqtt, "mqtt", store_url, now=NOW)
    for fid in FACTORIES:
        assert mqtt not in _batch_ids(fid, store_url)
    # Its rejected records still belong to the factory each was sent for.
    assert _locations("F:2", store_url) == {"zerocarbon/F:2/readings item 2"}
    assert data_quality.rejected("F", 10, 0, store_url, batch_id=mqtt)[0] == 1


def test_migration_back_fills_the_factory_of_batches(store_url: str, tmp_path: Path) -> None:
    """Batches opened before the column existed get the one factory their readings and rejects show."""
    _setup(store_url)
    by_readings = _rest_push("F", store_url, client="scada-gw")  # its name tells nothing
    by_rejects = push_readings(ReadingBatchIn.model_validate({"readings": [{"meter": "X9", "ts": T0, "value": 1}]}),
                               "F:2", store_url, client=data_quality.rest_batch_name("F", "clerk"), now=NOW).batch_id
    folder = tmp_path / "from zerocarbon" / "F"  # G's file, whose name reads " zerocarbon/F/"
    folder.mkdir(parents=True)
    csv = folder / "g.csv"
    csv.write_text("meter,time,value\nE1,2023-11-15 06:15:00,1.0\n", encoding="utf-8")
    by_file = ingest_meter_file(csv, "G", url=store_url, now=NOW).batch_id
    one_factory_mqtt = open_batch("mqtt", "zerocarbon-ingest-all zerocarbon/+/readings", url=store_url,
                                  factory_id=None)
    ingest_table({"meter": ["E1"], "ts": [T0 + 900], "value": [1.0]}, "F:2", one_factory_mqtt, "mqtt", store_url,
                 now=NOW)
    several = open_batch("mqtt", "zerocarbon-ingest-all zerocarbon/+/readings", url=store_url, factory_id=None)
    ingest_table({"meter": ["E1"], "ts": [T0 + 1800], "value": [1.0]}, "F", several, "mqtt", store_url, now=NOW)
    ingest_table({"meter": ["X9"], "ts": [T0], "value": [1.0]}, "G", several, "mqtt", store_url, now=NOW)
    empty = open_batch("test", "F:nothing", url=store_url, factory_id="F")
    cfg = _alembic(store_url)
    down = ScriptDirectory.from_config(cfg).get_revision(BATCHES_MIGRATION)
    assert down is not None and isinstance(down.down_revision, str)
    command.downgrade(cfg, down.down_revision)
    with get_engine(store_url).connect() as conn:
        assert "factory_id" not in {c["name"] for c in sa_inspect(conn).get_columns("ingest_batches")}
    command.upgrade(cfg, "head")
    with transaction(store_url) as conn:
        owner = dict(conn.execute(select(s.batches.c.id, s.batches.c.factory_id)).all())
    assert owner == {by_readings: "F", by_rejects: "F:2", by_file: "G", one_factory_mqtt: "F:2", several: None,
                     empty: None}
    assert _batch_ids("F", store_url) == {by_readings}
    assert _batch_ids("F:2", store_url) == {by_rejects, one_factory_mqtt}
    assert _batch_ids("G", store_url) == {by_file}


def test_dead_letters_follow_the_topic_scheme_not_a_prefix(store_url: str) -> None:
    """Factory ``A`` sees the dead letters of its own topics only: not those of factory ``A/x``, not
    off-scheme topics under its name, and ``_`` in an id is a character, not a wildcard."""
    topics = ["zerocarbon/A/readings", "zerocarbon/A/meters/M1", "zerocarbon/A/x/readings",
              "zerocarbon/A/meters/M1/extra", "zerocarbon/A_B/readings", "zerocarbon/AxB/readings"]
    with transaction(store_url) as conn:
        conn.execute(insert(s.dead_letters), [{"received_at": 1, "topic": t, "payload": "{", "reason": "not JSON"}
                                              for t in topics])

    def seen(fid: str) -> set[str]:
        total, rows = data_quality.dead_letters(fid, 100, 0, store_url)
        assert total == len(rows)
        return {str(r["topic"]) for r in rows}

    assert seen("A") == {"zerocarbon/A/readings", "zerocarbon/A/meters/M1"}
    assert seen("A/x") == {"zerocarbon/A/x/readings"}
    assert seen("A_B") == {"zerocarbon/A_B/readings"}
    assert seen("B") == set()
