"""The metered year kept in the store per meter and month, brought up to date by what is written
(SQLite and PostgreSQL): it equals the year computed whole from the readings after each change, and a
batch or a correction recomputes only the meters and months it touches."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest
from tests.services.metering.test_activity import GAP, SETUP, T1, _data

from zerocarbon.ingest.pipeline import close_batch, ingest_table, open_batch
from zerocarbon.services.metering import rollups as kept
from zerocarbon.services.metering import year as metered
from zerocarbon.services.metering.corrections import correct
from zerocarbon.store.factories import save_factory_setup
from zerocarbon.timeseries import months


def _rows(table: pa.Table, keys: list[str]) -> list[dict[str, Any]]:
    return [{k: (str(v) if isinstance(v, Decimal) else v) for k, v in r.items()}
            for r in table.sort_by([(k, "ascending") for k in keys]).to_pylist()]


def _same_as_whole(url: str) -> None:
    got = kept.kept_year("F1", 2023, url)
    whole = metered.metered_year("F1", 2023, url, estimate="linear")
    assert _rows(got.monthly(), ["meter_id", "ts"]) == _rows(whole.monthly(), ["meter_id", "ts"])
    assert _rows(got.gaps, ["meter_id", "start"]) == _rows(whole.gaps, ["meter_id", "start"])
    assert _rows(got.unused, ["meter_id", "ts", "reason"]) == _rows(whole.unused, ["meter_id", "ts", "reason"])
    assert got.virtual.terms.equals(whole.virtual.terms)



def _load(url: str) -> None:
    save_factory_setup(SETUP, url)
    batch = open_batch("test", "meters", url=url, factory_id="F1")
    close_batch(ingest_table(_data(), "F1", batch, "test", url, now=T1 + 86_400), url=url)


def test_kept_year_follows_batches_corrections_and_set_up(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _load(store_url)
    _same_as_whole(store_url)  # the first request scans the year and keeps it
    scans: list[dict[int, tuple[int, int]] | None] = []
    real = months.scan_pieces

    def spy(*args: Any, **kw: Any) -> Any:
        scans.append(kw.get("ranges"))
        return real(*args, **kw)

    monkeypatch.setattr(kept, "scan_pieces", spy)
    late = open_batch("test", "late", url=store_url, factory_id="F1")
    report = ingest_table({"meter": ["E1"], "ts": [GAP], "value": [7.0]}, "F1", late, "test", store_url,
                          now=T1 + 86_400)
    close_batch(report, url=store_url)
    _same_as_whole(store_url)
    ids = {r["code"]: r["meter_id"] for r in metered.load_factory_meters("F1", store_url).meters.to_pylist()}
    assert scans[-1] is not None and set(scans[-1]) >= {ids["E1"], ids["V1"]} and ids["E2"] not in scans[-1]
    assert scans[-1][ids["E1"]] == (0, 0)  # January only
    correct("F1", "G1", T1 - 3600, 1.0, "读错了 misread", url=store_url)
    _same_as_whole(store_url)
    assert scans[-1] is not None and ids["G1"] in scans[-1]
    n = len(scans)
    _same_as_whole(store_url)  # nothing new since: nothing scanned
    assert len(scans) == n
    meters = [m.model_copy(update={"multiplier": Decimal(2)}) if m.code == "E2" else m for m in SETUP.meters]
    changed = SETUP.model_copy(update={"meters": meters})
    save_factory_setup(changed, store_url)
    _same_as_whole(store_url)
    assert None in scans[n:]  # the set-up changed: the whole year again
