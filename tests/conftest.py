"""Test-wide rules.

Tests that need a real service (PostgreSQL, an MQTT broker, a browser) carry ``@pytest.mark.service``
and skip with a reason starting ``[service]`` when it is missing. Under ``CI=true`` such a skip is
turned into a failure: CI must exercise the real thing.
"""

from __future__ import annotations

import os
from collections.abc import Generator
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
