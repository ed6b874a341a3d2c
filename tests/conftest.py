"""Test-wide rules.

Tests that need a real service (PostgreSQL, an MQTT broker, a browser) carry ``@pytest.mark.service``
and skip with a reason starting ``[service]`` when it is missing. Under ``CI=true`` such a skip is
turned into a failure: CI must exercise the real thing.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "src" / "zerocarbon" / "demo" / "sample_factory.yaml"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, None, None]:
    outcome = yield
    report = outcome.get_result()
    if report.skipped and item.get_closest_marker("service") and os.environ.get("CI", "").lower() == "true":
        report.outcome = "failed"
        report.longrepr = f"[service] test skipped under CI=true: {report.longrepr}"


@pytest.fixture(scope="session")
def sample_path() -> Path:
    return SAMPLE


# ------------------------------------------------------------------------------------------- stores
PG_ADMIN = os.environ.get("ZEROCARBON_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN.replace("+psycopg", ""), connect_timeout=3):
            return True
    except Exception:
        return False


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.service)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Generator[str, None, None]:
    """A fresh, migrated store: an SQLite file, and a new PostgreSQL database on the real server."""
    from zerocarbon.store.db import get_engine, migrate

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
        migrate(url)
        yield url
        get_engine(url).dispose()
        return
    if not _pg_available():
        pytest.skip(f"[service] PostgreSQL not reachable at {PG_ADMIN}")
    import uuid

    import psycopg

    name = f"zc_test_{uuid.uuid4().hex[:12]}"
    admin = PG_ADMIN.replace("+psycopg", "")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    migrate(url)
    yield url
    get_engine(url).dispose()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# ------------------------------------------------------------------ the sample factory's store (read-only)
DEMO_FACTORY = "JS-LIB-PACK-01"
DEMO_FOREIGN = "GD-OTHER-01"   # another province: no user of the sample factory may see it
DEMO_EMPTY = "JS-EMPTY-02"     # same province as the sample, no meters and no data
DEMO_PASSWORD = "correct-horse-battery"


@dataclass(frozen=True)
class DemoStore:
    url: str
    declared_dir: Path
    year: int


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoStore]:
    from zerocarbon.demo.generator import SAMPLE_FILE, YEAR
    from zerocarbon.model.metering import FactorySetup
    from zerocarbon.services.demo.main import run_demo
    from zerocarbon.services.identity.users import create_user
    from zerocarbon.store.db import get_engine
    from zerocarbon.store.factories import save_factory_setup

    out = tmp_path_factory.mktemp("dashboard_demo")
    run_demo(out, pdf=False)
    url = f"sqlite:///{(out / 'zerocarbon.db').resolve()}"
    declared = out / "declared"
    declared.mkdir()
    shutil.copy(SAMPLE_FILE, declared / f"{DEMO_FACTORY}.yaml")
    for fid, province in ((DEMO_FOREIGN, "广东"), (DEMO_EMPTY, "江苏")):
        save_factory_setup(FactorySetup.model_validate({
            "factory": {"id": fid, "name_zh": f"{fid} 测试厂", "name_en": f"{fid} test", "province": province},
            "nodes": [], "meters": []}), url)
    create_user("manager", DEMO_PASSWORD, "factory_manager", factories=[DEMO_FACTORY], url=url)
    create_user("other", DEMO_PASSWORD, "factory_manager", factories=[DEMO_FOREIGN], url=url)
    create_user("authority", DEMO_PASSWORD, "authority", region="江苏", url=url)
    create_user("admin", DEMO_PASSWORD, "admin", url=url)
    yield DemoStore(url, declared, YEAR)
    get_engine(url).dispose()
