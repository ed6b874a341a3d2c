"""Builders shared by the time-series tests: meters and readings as the pure functions take them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pytest

from zerocarbon.model.metering import MeterRow

MeterFactory = Callable[..., MeterRow]
ReadingsFactory = Callable[..., pa.Table]


def _meter(id: int, code: str, kind: str = "cumulative", **kw: Any) -> MeterRow:
    base: dict[str, Any] = dict(
        id=id, code=code, factory_id="F", node_id=None, carrier="electricity", unit="kWh", register_kind=kind,
        multiplier=1.0, interval_seconds=900, timezone="Asia/Shanghai", category=None, item=None, cost_centre=None,
        electricity_kind=None, commissioned_at=None, valid_from=None, valid_to=None, rollover_at=None,
        spike_limit=None, virtual_formula=None, is_virtual=False)
    base.update(kw)
    if base["virtual_formula"] is not None:
        base["is_virtual"] = True
    return MeterRow(**base)


def _readings(meter_id: int, ts: list[int], values: list[float], flags: list[int] | None = None) -> pa.Table:
    return pa.table({"meter_id": pa.array([meter_id] * len(ts), pa.int64()), "ts": pa.array(ts, pa.int64()),
                     "value": pa.array(values, pa.float64()),
                     "flags": pa.array(flags or [0] * len(ts), pa.int64())})


@pytest.fixture
def meter() -> MeterFactory:
    return _meter


@pytest.fixture
def readings() -> ReadingsFactory:
    return _readings
