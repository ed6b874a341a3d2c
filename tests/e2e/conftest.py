"""Browser tests: the real server (uvicorn, in a thread, on a free loopback port) and Debian's Chromium.

The store is the main job's sample factory (``run_demo``), with its declared data file, a factory of
another province and users; it is built once per session. Without Chromium the tests skip with a
reason starting "[service]" (a failure under ``CI=true``, see tests/conftest.py).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("ZEROCARBON_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
FACTORY = "JS-LIB-PACK-01"
FOREIGN = "GD-OTHER-01"
PASSWORD = "correct-horse-battery"


@dataclass(frozen=True)
class Server:
    base: str
    url: str           # the store
    declared_dir: Path
    year: int


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(f"[service] Chromium not found at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("[service] the playwright package is not installed")
    return CHROMIUM


def seed_capabilities(url: str, declared: Path) -> None:
    """What the later capabilities' pages show (docs/dashboard.md): the sample's companion files beside its
    declared file (planning assumptions with their weather, declaration, ledger, equipment register), the
    alerts the detector raises on one meter (about 6 s) and a budget of December."""
    from zerocarbon.demo.generator import SAMPLE_FILE
    from zerocarbon.services.forecast.budgets import set_budget
    from zerocarbon.services.forecast.runs import run_detect

    sample = SAMPLE_FILE.parent
    for name, kind in (("sample_planning.yaml", "planning"), ("sample_assessment.yaml", "assessment"),
                       ("sample_ledger.yaml", "ledger"), ("sample_equipment.yaml", "equipment")):
        shutil.copy(sample / name, declared / f"{FACTORY}.{kind}.yaml")
    shutil.copy(sample / "weather_changzhou.csv", declared / "weather_changzhou.csv")
    run_detect(FACTORY, 2023, url, meters=["EL-L1"], holidays=False)
    set_budget(FACTORY, "2023-12", "2500", url=url, note="e2e")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, chromium_path: Path) -> Iterator[Server]:
    import uvicorn

    from zerocarbon.api.app import create_app
    from zerocarbon.api.settings import Settings
    from zerocarbon.demo.generator import SAMPLE_FILE, YEAR
    from zerocarbon.model.metering import FactorySetup
    from zerocarbon.services import dashboard
    from zerocarbon.services.demo.main import run_demo
    from zerocarbon.services.identity.users import create_user
    from zerocarbon.store.db import get_engine
    from zerocarbon.store.factories import save_factory_setup

    out = tmp_path_factory.mktemp("e2e_demo")
    run_demo(out)
    url = f"sqlite:///{(out / 'zerocarbon.db').resolve()}"
    declared = out / "declared"
    declared.mkdir()
    shutil.copy(SAMPLE_FILE, declared / f"{FACTORY}.yaml")
    seed_capabilities(url, declared)
    save_factory_setup(FactorySetup.model_validate({
        "factory": {"id": FOREIGN, "name_zh": "广东测试厂", "name_en": "Guangdong test plant", "province": "广东"},
        "nodes": [], "meters": []}), url)
    create_user("manager", PASSWORD, "factory_manager", factories=[FACTORY], url=url)
    create_user("authority", PASSWORD, "authority", region="江苏", url=url)
    mp = pytest.MonkeyPatch()
    mp.setenv("ZEROCARBON_DECLARED_DIR", str(declared))
    dashboard.cache_clear()
    port = _free_port()
    config = uvicorn.Config(create_app(Settings(database_url=url)), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, name="uvicorn-e2e", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the dashboard server did not start")
        time.sleep(0.05)
    yield Server(f"http://127.0.0.1:{port}", url, declared, YEAR)
    srv.should_exit = True
    thread.join(timeout=10)
    mp.undo()
    get_engine(url).dispose()


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        except Exception as exc:  # a broken install is the same as a missing one here
            pytest.skip(f"[service] Chromium at {chromium_path} does not start: {exc}")
        yield b
        b.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
