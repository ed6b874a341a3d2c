"""A batch pushed over REST brings the factory's kept roll-ups up to date after the response."""

from __future__ import annotations

from tests.api.conftest import OURS, World
from tests.api.test_api_keys import BATCH

from zerocarbon.store import rollups as stored


def test_a_rest_push_keeps_the_roll_ups_after_the_response(world: World) -> None:
    variant = stored.variant("linear", False)
    assert stored.kept_years(OURS, variant, world.url) == []
    push = world.client.post(f"/api/v1/factories/{OURS}/readings", json=BATCH, headers=world.auth("apikey"))
    assert push.status_code == 200, push.text
    assert stored.kept_years(OURS, variant, world.url) == [2023]
