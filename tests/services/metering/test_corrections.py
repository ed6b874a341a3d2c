"""The one reading-correction use case of the CLI and the API."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from zerocarbon.errors import InputError
from zerocarbon.model.metering import FactorySetup
from zerocarbon.services.metering import catalog
from zerocarbon.services.metering.corrections import UnknownMeter, correct
from zerocarbon.services.metering.feeds import ReadingBatchIn, push_batch
from zerocarbon.services.metering.setup import save_setup
from zerocarbon.store import audit

T0 = 1_672_502_400  # 2023-01-01T00:00:00+08:00


@pytest.fixture
def url(store_url: str) -> str:
    save_setup(FactorySetup.model_validate({
        "factory": {"id": "F", "name_zh": "厂", "province": "江苏", "timezone": "Asia/Shanghai"},
        "meters": [{"code": "E1", "carrier": "electricity", "unit": "kWh", "register_kind": "interval"}],
    }), store_url)
    push_batch(ReadingBatchIn.model_validate({"readings": [{"meter": "E1", "ts": T0 + i * 900, "value": 5.0}
                                                           for i in range(3)]}), "F", store_url)
    return store_url


def _values(url: str) -> list[float]:
    meter = catalog.meters("F", url, code="E1")[0]
    rows, _ = catalog.readings(int(meter["id"]), T0, T0 + 2700, 10, "Asia/Shanghai", url)
    return [r["value"] for r in rows]


def test_every_form_of_time_names_the_same_reading(url: str) -> None:
    """Epoch seconds, naive local text, and an aware datetime in another zone are the same instant."""
    first = correct("F", "E1", T0 + 900, 6.0, "swap", "ops", url)
    assert (first.ts, first.revision, first.unit) == (T0 + 900, 1, "kWh")
    assert first.moment.isoformat() == "2023-01-01T00:15:00+08:00"
    second = correct("F", "E1", "2023-01-01T00:15", 7.0, "again", url=url)
    assert (second.ts, second.revision) == (T0 + 900, 2)
    third = correct("F", "E1", datetime(2022, 12, 31, 16, 15, tzinfo=timezone(timedelta(0))), 8.0, "utc", url=url)
    assert (third.ts, third.revision) == (T0 + 900, 3)
    assert _values(url) == [5.0, 8.0, 5.0]
    entry = audit.entries(url, factory_id="F", action="reading.correct", limit=1)[0]
    after = json.loads(entry.after or "{}")
    assert after["value"] == 8.0 and after["reason"] == "utc" and after["revision"] == 3


def test_an_unknown_meter_is_an_input_error(url: str) -> None:
    with pytest.raises(UnknownMeter) as caught:
        correct("F", "NOPE", T0, 1.0, "r", url=url)
    assert isinstance(caught.value, InputError) and "NOPE" in caught.value.message("en")


def test_no_reason_or_no_reading_is_refused(url: str) -> None:
    with pytest.raises(InputError, match="reason"):
        correct("F", "E1", T0, 1.0, "  ", url=url)
    with pytest.raises(InputError, match="no reading"):
        correct("F", "E1", T0 + 7, 1.0, "r", url=url)
    assert _values(url) == [5.0, 5.0, 5.0]
