"""The audit chain on SQLite and on the real PostgreSQL server: appends, tampering, rollback, concurrency."""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from zerocarbon.errors import InputError
from zerocarbon.ingest.pipeline import close_batch, ingest_table, open_batch
from zerocarbon.model.metering import FactorySetup
from zerocarbon.store import audit
from zerocarbon.store import schema as s
from zerocarbon.store.db import transaction
from zerocarbon.store.factories import load_meters, save_factory_setup
from zerocarbon.store.readings import correct_reading, read_current

T0 = 1_700_000_100  # 2023-11-14 22:15 UTC, on a 15-minute boundary
DOC = {
    "factory": {"id": "F", "name_zh": "测试厂", "province": "江苏"},
    "nodes": [{"code": "S", "kind": "site", "name_zh": "厂区"},
              {"code": "W", "kind": "workshop", "name_zh": "车间", "parent": "S"}],
    "meters": [{"code": "E1", "node": "W", "carrier": "electricity", "unit": "kWh", "register_kind": "interval",
                "category": "electricity_purchased", "multiplier": "80"}],
    "products": [{"code": "P", "name_zh": "产品", "unit": "t"}],
    "production": [{"product": "P", "period": "2023-11", "amount": "12.5"}],
}
SETUP = FactorySetup.model_validate(DOC)


def _variant(factory: str | None = None, **meter: object) -> FactorySetup:
    doc = json.loads(json.dumps(DOC))
    doc["meters"][0].update(meter)
    if factory is not None:
        doc["factory"]["id"] = factory
    return FactorySetup.model_validate(doc)


def _actions(url: str) -> list[str]:
    with transaction(url) as conn:
        return [str(a) for a in conn.execute(select(s.audit_log.c.action).order_by(s.audit_log.c.id)).scalars()]


def _append(url: str, n: int, tag: str = "t") -> None:
    for i in range(n):
        with transaction(url) as conn:
            audit.record(conn, "test.write", "thing", f"{tag}{i}", "F", before={"i": i}, after={"i": i + 1})


def test_canonical_json_and_hash_are_as_documented() -> None:
    """The exact bytes that are hashed, recomputed by hand from the rule in the module docstring."""
    doc = {"b": Decimal("1.50"), "a": datetime(2023, 5, 1, 8, 15, tzinfo=UTC), "名": "天然气", "n": [1, 2.5]}
    assert audit.canonical_json(doc) == '{"a":"2023-05-01T08:15:00+00:00","b":"1.50","n":[1,2.5],"名":"天然气"}'
    body = ('{"action":"reading.correct","actor":"alice","after":"{\\"v\\":2}","before":null,'
            '"entity":"reading","entity_id":"7@100","factory_id":"F","at":5}')
    body = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    expected = hashlib.sha256((audit.GENESIS + body).encode("utf-8")).hexdigest()
    assert audit.entry_hash(audit.GENESIS, 5, "alice", "reading.correct", "reading", "7@100", "F", None,
                            '{"v":2}') == expected


def test_chain_grows_with_writes_and_verifies(store_url: str) -> None:
    """One entry per factory save that changes something, per opened and per closed batch (not per
    reading), per correction; every entry links to the one before and the chain verifies."""
    assert audit.verify(store_url) == audit.VerifyResult(True, 0)
    with audit.acting_as("alice"):
        save_factory_setup(SETUP, store_url)
    save_factory_setup(SETUP, store_url)  # unchanged: no entry
    save_factory_setup(_variant(multiplier="100"), store_url)
    batch = open_batch("test", "t", url=store_url, factory_id="F")
    report = ingest_table({"meter": ["E1"] * 4, "ts": [T0 + 900 * i for i in range(4)], "value": [1.0, 2, 3, 4]},
                          "F", batch, "test", store_url, now=T0 + 86_400)
    close_batch(report, url=store_url)
    stored = audit.readings_digest(read_current(url=store_url), ("meter_id", "ts", "value"))
    meter = load_meters("F", store_url)["E1"].id
    correct_reading(meter, T0, 1.5, "meter read wrongly", "bob", store_url)
    assert _actions(store_url) == ["factory.save", "factory.save", "readings.batch_open", "readings.ingest",
                                   "reading.correct"]
    log = audit.entries(store_url, factory_id="F")
    assert [e.action for e in log] == ["reading.correct", "readings.ingest", "readings.batch_open", "factory.save",
                                       "factory.save"]
    fix, ingest, opened, second, first = (e.to_dict() for e in log)
    assert opened["factory_id"] == opened["after"]["factory_id"] == "F"  # the batch names its factory
    assert first["actor"] == "alice" and second["actor"] == "system"
    assert first["before"]["factory"] is None and first["after"]["counts"]["meters"] == 1
    assert first["after"]["changes"]["production"]["added"] == ["P@1698768000"]
    assert second["after"]["changes"] == {"meters": {"added": [], "changed": ["E1"], "removed": []}}
    assert ingest["after"]["readings"] == ingest["after"]["accepted"] == 4
    assert ingest["after"]["factories"] == ["F"] and ingest["after"]["readings_sha256"] == stored
    assert fix["before"] == {"meter_id": meter, "ts": T0, "revision": 0, "value": 1.0}
    assert fix["after"]["value"] == 1.5 and fix["after"]["revision"] == 1 and fix["after"]["reason"]
    result = audit.verify(store_url)
    assert result.ok and result.entries == 5 and result.head == log[0].hash
    assert audit.verify(store_url, anchor=log[2].hash).ok
    ids = [e.id for e in audit.entries(store_url, limit=100)]
    assert ids == list(range(5, 0, -1))  # no gaps


@pytest.mark.parametrize("tamper", ["alter", "delete", "swap", "insert", "truncate"])
def test_tampering_is_found(store_url: str, tamper: str) -> None:
    """Raw SQL edits of the log: verify names the first entry that no longer fits, and how."""
    _append(store_url, 6)
    good = audit.verify(store_url)
    assert good.ok and good.entries == 6
    with transaction(store_url) as conn:
        a = s.audit_log
        if tamper == "alter":
            conn.execute(update(a).where(a.c.id == 3).values(after='{"i":99}'))
        elif tamper == "delete":
            conn.execute(a.delete().where(a.c.id == 3))
        elif tamper == "swap":
            conn.execute(update(a).where(a.c.id == 3).values(id=-3))
            conn.execute(update(a).where(a.c.id == 4).values(id=3))
            conn.execute(update(a).where(a.c.id == -3).values(id=4))
        elif tamper == "insert":  # a forged entry that links correctly to its predecessor, re-numbered in
            row = conn.execute(select(a).where(a.c.id == 2)).mappings().one()
            for i in range(6, 2, -1):
                conn.execute(update(a).where(a.c.id == i).values(id=i + 1))
            forged = audit.entry_hash(row["hash"], 1, "mallory", "test.write", "thing", "x", "F", None, None)
            conn.execute(insert(a).values(id=3, at=1, actor="mallory", action="test.write", entity="thing",
                                          entity_id="x", factory_id="F", before=None, after=None,
                                          prev_hash=row["hash"], hash=forged))
        else:
            conn.execute(a.delete().where(a.c.id == 6))
    result = audit.verify(store_url)
    if tamper == "truncate":  # invisible without an anchor; the anchor shows it
        assert result.ok and result.entries == 5
        cut = audit.verify(store_url, anchor=good.head)
        assert not cut.ok and "anchored" in cut.reason
        return
    assert not result.ok
    # (first bad id, good entries before it, what the reason says)
    expected = {"alter": (3, 2, "altered"), "delete": (4, 2, "entry 3 before entry 4 was removed"),
                "swap": (3, 2, "out of order"), "insert": (4, 3, "inserted")}[tamper]
    assert (result.first_bad_id, result.entries) == expected[:2]
    assert expected[2] in result.reason, result.reason


def test_audit_rows_roll_back_with_the_write(store_url: str) -> None:
    save_factory_setup(SETUP, store_url)
    before = audit.count(store_url)
    with pytest.raises(IntegrityError), transaction(store_url) as conn:
        audit.record(conn, "factory.save", "factory", "F", "F", after={"x": 1})
        conn.execute(insert(s.factories).values(id="F", name_zh="重复", province="江苏", created_at=0))
    with pytest.raises(InputError):  # nothing to correct: no correction, no entry
        correct_reading(load_meters("F", store_url)["E1"].id, T0, 1.0, "why", url=store_url)
    cyclic = _variant("G")
    cyclic = cyclic.model_copy(update={"nodes": [cyclic.nodes[0].model_copy(update={"parent": "W"}), cyclic.nodes[1]]})
    with pytest.raises(InputError):
        save_factory_setup(cyclic, store_url)
    assert audit.count(store_url) == before
    with transaction(store_url) as conn:
        assert conn.execute(select(func.count()).select_from(s.factories)).scalar_one() == 1
    assert audit.verify(store_url).ok


def test_concurrent_appends_keep_one_chain(store_url: str) -> None:
    """Four threads append at once, some with a write before the entry and some without: one chain."""
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def writer(k: int) -> None:
        try:
            start.wait()
            for i in range(15):
                with transaction(store_url) as conn:
                    if k % 2:  # a write first, as the store's writers do
                        conn.execute(text("UPDATE dead_letters SET reason = reason WHERE id < 0"))
                    audit.record(conn, "test.write", "thing", f"{k}-{i}", actor=f"w{k}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    result = audit.verify(store_url)
    assert result.ok and result.entries == 60
    with transaction(store_url) as conn:
        prevs = conn.execute(select(s.audit_log.c.prev_hash)).scalars().all()
    assert len(set(prevs)) == 60  # no two entries claim the same predecessor: no fork


def test_actor_comes_from_the_context(store_url: str) -> None:
    with transaction(store_url) as conn:
        assert audit.record(conn, "a.b", "x").actor == "system"
        with audit.acting_as("apikey:zc_12345"):
            assert audit.record(conn, "a.b", "x").actor == "apikey:zc_12345"
        assert audit.record(conn, "a.b", "x", actor="explicit").actor == "explicit"
    assert audit.current_actor.get() == "system"
    assert audit.cli_actor().startswith("cli:")
