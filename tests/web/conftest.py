"""A realistic store for the dashboard: the main job's sample factory (a year of 15-minute readings),
its declared data file, a second factory in another province and one with no data, and users.

The store is built once per session (``run_demo``, a few seconds) and shared read-only.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from zerocarbon.demo.generator import SAMPLE_FILE, YEAR

FACTORY = "JS-LIB-PACK-01"
FOREIGN = "GD-OTHER-01"   # another province: no user of the sample factory may see it
EMPTY = "JS-EMPTY-02"     # same province as the sample, no meters and no data
PASSWORD = "correct-horse-battery"


@dataclass(frozen=True)
class DemoStore:
    url: str
    declared_dir: Path
    year: int


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoStore]:
    from zerocarbon.model.metering import FactorySetup
    from zerocarbon.services.demo import run_demo
    from zerocarbon.services.users import create_user
    from zerocarbon.store.db import get_engine
    from zerocarbon.store.factories import save_factory_setup

    out = tmp_path_factory.mktemp("dashboard_demo")
    run_demo(out)
    url = f"sqlite:///{(out / 'zerocarbon.db').resolve()}"
    declared = out / "declared"
    declared.mkdir()
    shutil.copy(SAMPLE_FILE, declared / f"{FACTORY}.yaml")
    for fid, province in ((FOREIGN, "广东"), (EMPTY, "江苏")):
        save_factory_setup(FactorySetup.model_validate({
            "factory": {"id": fid, "name_zh": f"{fid} 测试厂", "name_en": f"{fid} test", "province": province},
            "nodes": [], "meters": []}), url)
    create_user("manager", PASSWORD, "factory_manager", factories=[FACTORY], url=url)
    create_user("other", PASSWORD, "factory_manager", factories=[FOREIGN], url=url)
    create_user("authority", PASSWORD, "authority", region="江苏", url=url)
    create_user("admin", PASSWORD, "admin", url=url)
    yield DemoStore(url, declared, YEAR)
    get_engine(url).dispose()


@pytest.fixture(scope="session")
def dashboard_env(demo_store: DemoStore) -> Iterator[DemoStore]:
    """The declared-data directory in the environment for the whole session (the server reads it)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("ZEROCARBON_DECLARED_DIR", str(demo_store.declared_dir))
    yield demo_store
    mp.undo()
