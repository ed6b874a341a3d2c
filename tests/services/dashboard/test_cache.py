"""The dashboard's cache is keyed by the store's data version (zerocarbon.store.audit.data_version).

For each kind of write that can change a figure (a batch of readings, a correction, a rejected
record, a dead letter, a meter, a meter event, production, the factory itself, a batch still being
written), a figure computed and cached before the write is computed again after it: never stale.
Writes that cannot change a figure (users, logins) keep the cached figures.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from zerocarbon.ingest.pipeline import IngestReport, close_batch, ingest_table, open_batch
from zerocarbon.model.metering import FactorySetup
from zerocarbon.services import dashboard
from zerocarbon.services.dashboard import _base
from zerocarbon.store import audit
from zerocarbon.store.db import get_engine, migrate
from zerocarbon.store.factories import load_meters, save_factory_setup
from zerocarbon.store.readings import correct_reading, write_dead_letters

TZ = ZoneInfo("Asia/Shanghai")
F = "F-CACHE"
YEAR = 2023
T0 = int(datetime(2023, 1, 1, tzinfo=TZ).timestamp())
Q = 900


def _setup(**changes: Any) -> FactorySetup:
    spec: dict[str, Any] = {
        "factory": {"id": F, "name_zh": "缓存厂", "province": "江苏"},
        "nodes": [{"code": "S", "kind": "site", "name_zh": "厂区"}],
        "meters": [{"code": "E1", "node": "S", "carrier": "electricity", "unit": "kWh",
                    "register_kind": "interval", "category": "electricity_purchased"}],
        "products": [{"code": "P", "name_zh": "产品", "unit": "t"}],
        "production": [{"product": "P", "period": "2023-01", "amount": "10"}],
    }
    spec.update(changes)
    return FactorySetup.model_validate(spec)


def _ingest(url: str, start: int, count: int, value: float = 1.0, meter: str = "E1") -> IngestReport:
    batch = open_batch("test", f"{meter}@{start}", url=url, factory_id=F)
    rows = {"meter": [meter] * count, "ts": [start + (i + 1) * Q for i in range(count)],
            "value": [value] * count, "unit": ["kWh"] * count, "location": [f"row {i}" for i in range(count)]}
    report = ingest_table(rows, F, batch, "test", url)  # type: ignore[arg-type]
    close_batch(report, url=url)
    return report


@pytest.fixture()
def url(tmp_path: Path) -> Iterator[str]:
    target = f"sqlite:///{tmp_path / 'cache.db'}"
    migrate(target)
    save_factory_setup(_setup(), target)
    _ingest(target, T0, 96)
    dashboard.cache_clear()
    yield target
    dashboard.cache_clear()
    get_engine(target).dispose()


def _total(url: str) -> Any:
    return dashboard.inventory_run(F, YEAR, url).inventory.totals.gbt32150_total


def _quality(url: str) -> dict[str, Any]:
    return dashboard.data_quality(F, YEAR, url)["summary"]  # type: ignore[no-any-return]


def test_a_new_batch_of_readings(url: str) -> None:
    before, version = _total(url), dashboard.store_version(url)
    assert _total(url) is before, "an unchanged store is answered from memory"
    _ingest(url, T0 + 96 * Q, 4)
    assert dashboard.store_version(url) != version
    assert _total(url) > before


def test_a_correction(url: str) -> None:
    before = _total(url)
    meter_id = load_meters(F, url)["E1"].id
    correct_reading(meter_id, T0 + 10 * Q, 50.0, "meter misread", url=url)
    assert _total(url) > before


def test_a_rejected_record(url: str) -> None:
    before = _quality(url)["rejected_records"]
    _ingest(url, T0, 1, meter="NO-SUCH-METER")
    assert _quality(url)["rejected_records"] == before + 1


def test_a_dead_letter(url: str) -> None:
    before = _quality(url)["dead_letters"]
    write_dead_letters([{"received_at": T0, "topic": f"zerocarbon/{F}/readings", "payload": "{", "reason": "not JSON"}],
                       None, url)
    assert _quality(url)["dead_letters"] == before + 1


def test_a_new_meter(url: str) -> None:
    assert [m["code"] for m in dashboard.meter_list(F, url)] == ["E1"]
    meters = [*_setup().model_dump()["meters"], {"code": "E2", "node": "S", "carrier": "electricity", "unit": "kWh",
                                                  "register_kind": "interval"}]
    save_factory_setup(_setup(meters=meters), url)
    assert [m["code"] for m in dashboard.meter_list(F, url)] == ["E1", "E2"]


def test_a_meter_event(url: str) -> None:
    assert _base._factory_meters(F, url).events.num_rows == 0
    save_factory_setup(_setup(events=[{"meter": "E1", "ts": datetime.fromtimestamp(T0 + 3600, TZ),
                                       "kind": "reset", "new_initial_value": 0}]), url)
    assert _base._factory_meters(F, url).events.num_rows == 1


def test_production(url: str) -> None:
    """Stored production does not enter a store inventory yet (it comes with the declared file); a figure
    over it would still be fresh: the cached inventory is computed again after the write."""
    run = dashboard.inventory_run(F, YEAR, url)
    assert dashboard.inventory_run(F, YEAR, url) is run
    version = dashboard.store_version(url)
    save_factory_setup(_setup(production=[{"product": "P", "period": "2023-01", "amount": "20"}]), url)
    assert dashboard.store_version(url) != version
    assert dashboard.inventory_run(F, YEAR, url) is not run


def test_the_factory(url: str) -> None:
    assert dashboard.overview(F, YEAR, url)["factory"]["name_zh"] == "缓存厂"
    save_factory_setup(_setup(factory={"id": F, "name_zh": "新名字", "province": "江苏"}), url)
    assert dashboard.overview(F, YEAR, url)["factory"]["name_zh"] == "新名字"


def test_a_batch_being_written(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Readings of a running batch are audited when it closes; meanwhile figures live a few seconds."""
    clock = [1_700_000_000.0]
    monkeypatch.setattr("zerocarbon.store.audit.time.time", lambda: clock[0])
    before = _total(url)
    batch = open_batch("test", "running", url=url, factory_id=F)
    running = dashboard.store_version(url)
    assert len(running) == 2
    rows = {"meter": ["E1"], "ts": [T0 + 97 * Q], "value": [3.0], "unit": ["kWh"], "location": ["r"]}
    ingest_table(rows, F, batch, "test", url)  # type: ignore[arg-type]
    clock[0] += audit.RUNNING_BATCH_TTL_S
    assert dashboard.store_version(url) != running
    assert _total(url) > before


def test_identity_writes_keep_the_cache(url: str) -> None:
    from zerocarbon.services.identity.users import create_user

    version = dashboard.store_version(url)
    before = _total(url)
    create_user("someone", "correct-horse-battery", "factory_manager", factories=[F], url=url)
    assert dashboard.store_version(url) == version
    assert _total(url) is before
