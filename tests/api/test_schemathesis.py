"""Property-based tests of the whole OpenAPI document: no generated input makes the server answer 5xx.

Schemathesis generates requests for every operation of the app's OpenAPI document (valid and
invalid path, query, header and body values) and calls the app in-process (ASGI). Requests carry
an admin's token, and most are steered to an existing factory, meter, period and line, so they get
past authentication and lookups into the routes and the services, on a store with two factories
and their data; a few examples per operation keep the run under a minute.

The schema is loaded when the module is imported (schemathesis's lazy ``from_fixture`` does not
work with this pytest), from an app whose store is a file seeded by a module fixture before the
first request.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from tests.api.conftest import OURS, SECRET, World, build_world

from zerocarbon.api.app import create_app
from zerocarbon.api.settings import Settings
from zerocarbon.services.identity import users
from zerocarbon.store.db import get_engine, migrate

EXAMPLES = 10
_DIR = Path(tempfile.mkdtemp(prefix="zerocarbon-fuzz-"))
URL = f"sqlite:///{_DIR / 'store.db'}"
APP = create_app(Settings(database_url=URL, secret_key=SECRET, environment="production"))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
#: Path values that reach data: most generated cases are steered to them, the rest stay random.
KNOWN = {"factory_id": OURS, "meter_code": "E1", "period": "2023", "line_id": "E1-2023-01"}


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> Any:
    if not path_parameters:
        return st.just(path_parameters)
    steered = {k: KNOWN.get(k, v) for k, v in path_parameters.items()}
    return st.sampled_from([steered, steered, steered, path_parameters])


@pytest.fixture(scope="module")
def fuzz_world() -> Iterator[World]:
    migrate(URL)
    world = build_world(URL)
    yield world
    world.client.close()
    get_engine(URL).dispose()
    shutil.rmtree(_DIR, ignore_errors=True)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: Any, fuzz_world: World) -> None:
    # Always an admin (a bearer token wins over any generated X-API-Key): the point is to reach the
    # routes and services with arbitrary input; tokens and keys have their own tests.
    # Generated requests may demote or deactivate the admin (PATCH /users/{id}): restore it first.
    admin = fuzz_world.users["admin"]
    if users.get_user(admin.id, URL) != admin:
        users.update_user(admin.id, role="admin", region=None, active=True, url=URL)
    headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    headers["Authorization"] = f"Bearer {fuzz_world.token('admin')}"
    # a PDF report subsets its CJK font (fontTools over a CFF font): about 10 s on the 2-core CI machine, the
    # transport's default read timeout; this test is about answers, not their speed
    case.call_and_validate(headers=headers, checks=[not_a_server_error], timeout=60)
