"""The dashboard's store is the session's ``demo_store`` (tests/conftest.py): the main job's sample
factory (a year of 15-minute readings), its declared data file, a second factory in another
province and one with no data, and users; built once per session and shared read-only.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.conftest import DemoStore


@pytest.fixture(scope="session")
def dashboard_env(demo_store: DemoStore) -> Iterator[DemoStore]:
    """The declared-data directory in the environment for the whole session (the server reads it)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("ZEROCARBON_DECLARED_DIR", str(demo_store.declared_dir))
    yield demo_store
    mp.undo()
