"""Markers of the importer tests: ``slow`` for the long fuzz runs (``pytest -m slow``)."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: a long fuzz run of the importers; run with -m slow")
