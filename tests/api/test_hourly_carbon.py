"""GET /factories/{id}/hourly-carbon/{year}: JSON for small selections, the whole table streamed as CSV/NDJSON/Parquet.

The world's factory A (江苏) has E1 (electricity, interval register, 10 kWh per quarter hour) and G1 (natural gas,
counter) over the first two local days of 2023: 48 hours each.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import anyio
import pyarrow.parquet as pq
import pytest
from tests.api.conftest import FOREIGN, OURS, World

from zerocarbon.api.routes import hourly as hourly_routes
from zerocarbon.services.metering.activity import hourly_carbon
from zerocarbon.services.metering.hourly_export import COLUMNS, SCHEMA

BASE = f"/api/v1/factories/{OURS}/hourly-carbon/2023"
GRID_FACTOR_ID = "elec.electricity_grid_average.江苏.2023.mee-2025-47"


def _csv_rows(body: bytes) -> tuple[list[str], list[str], list[dict[str, Any]]]:
    """(method lines, column headers, rows typed as in the JSON answer) of a CSV download."""
    assert body.startswith(b"\xef\xbb\xbf")
    lines = body[3:].decode("utf-8").splitlines()
    block = [ln[2:] for ln in lines if ln.startswith("# ")]
    reader = csv.reader(lines[len(block):])
    headers = next(reader)
    rows = []
    for values in reader:
        row: dict[str, Any] = {}
        for field, text in zip(SCHEMA, values, strict=True):
            if text == "":
                row[field.name] = None
            elif str(field.type) == "int64":
                row[field.name] = int(text)
            elif str(field.type) == "double":
                row[field.name] = float(text)
            else:
                row[field.name] = text
        rows.append(row)
    return block, headers, rows


def test_every_format_holds_the_json_rows_which_are_the_services_table(world: World) -> None:
    h = world.auth("factory_manager")
    answer = world.client.get(BASE, headers=h)
    assert answer.status_code == 200, answer.text
    data = answer.json()
    rows = data["rows"]
    assert data["count"] == len(rows) == 96
    # E1: 4 × 10 kWh = 0.04 MWh an hour × 0.5827 tCO2/MWh (MEE/NBS announcement 2025 No. 47, 江苏 2023)
    e1 = [r for r in rows if r["meter"] == "E1"]
    assert len(e1) == 48 and e1[0]["local_start"] == "2023-01-01 00:00" and e1[0]["month"] == "2023-01"
    assert e1[0]["amount"] == 40.0 and e1[0]["unit"] == "kWh" and e1[0]["activity_unit"] == "MWh"
    assert e1[0]["co2_t"] == pytest.approx(0.04 * 0.5827, rel=1e-12) and e1[0]["factor_kind"] == "annual"
    # the same rows, in the same order, as the service's in-memory table
    table = hourly_carbon(OURS, 2023, world.url).to_pylist()
    assert [(r["meter"], r["ts"], r["co2_t"]) for r in rows] == [(str(r["meter"]), r["ts"], r["co2_t"]) for r in table]
    assert GRID_FACTOR_ID in {r["factor_id"] for r in data["method"]["factor_rows"]}

    csv_answer = world.client.get(BASE, params={"format": "csv"}, headers=h)
    assert csv_answer.status_code == 200 and csv_answer.headers["content-type"].startswith("text/csv")
    assert _csv_rows(csv_answer.content)[2] == rows
    nd = world.client.get(BASE, params={"format": "ndjson"}, headers=h)
    assert nd.headers["content-type"].startswith("application/x-ndjson")
    assert [json.loads(line) for line in nd.text.splitlines()] == rows
    pq_answer = world.client.get(BASE, params={"format": "parquet"}, headers=h)
    table_pq = pq.read_table(io.BytesIO(pq_answer.content))
    assert table_pq.to_pylist() == rows
    assert json.loads(table_pq.schema.metadata[b"zerocarbon.method"])["year"] == 2023


def test_csv_header_block_and_language(world: World) -> None:
    h = world.auth("factory_manager")
    zh = world.client.get(BASE, params={"format": "csv"}, headers=h)
    block, headers, _ = _csv_rows(zh.content)
    assert zh.headers["content-language"] == "zh"
    assert headers == [c[1] for c in COLUMNS] and headers[0] == "计量表"
    assert block[0] == "逐时碳排放（每表每小时）" and f"工厂: {OURS}" in block and "年份: 2023" in block
    assert any(line.startswith(f"因子: {GRID_FACTOR_ID} = 0.5827 tCO2/MWh") and "公告2025年第47号" in line
               for line in block)
    assert "口径: 基于位置（电网平均排放因子；有逐时序列时按小时替换）" in block
    assert zh.headers["content-disposition"] == f"attachment; filename*=UTF-8''{OURS}-hourly-carbon-2023.csv"
    method = json.loads(zh.headers["x-zerocarbon-method"])
    assert method["year"] == 2023 and method["view"] == "location" and method["estimate"] == "linear"
    assert GRID_FACTOR_ID in method["factor_ids"] and method["timezone"] == "Asia/Shanghai"
    en = world.client.get(BASE, params={"format": "csv", "lang": "en"}, headers=h)
    block, headers, _ = _csv_rows(en.content)
    assert en.headers["content-language"] == "en" and headers == [c[2] for c in COLUMNS]
    assert block[0] == "Hourly carbon (meter × hour)" and "year: 2023" in block and "filters: all" in block
    assert any(line.startswith(f"factor: {GRID_FACTOR_ID} = 0.5827 tCO2/MWh") for line in block)
    # labels in English; only the source documents' own (Chinese) titles stay as they are
    assert not any(line.startswith(("因子", "口径", "工厂", "筛选")) for line in block)
    by_header = world.client.get(BASE, params={"format": "csv"}, headers={**h, "Accept-Language": "en-GB,en;q=0.9"})
    assert by_header.headers["content-language"] == "en"


def test_filters_by_meter_and_month(world: World) -> None:
    h = world.auth("factory_manager")
    rows = world.client.get(BASE, params={"meter": "E1", "month": [1]}, headers=h).json()["rows"]
    assert len(rows) == 48 and {r["meter"] for r in rows} == {"E1"}
    assert world.client.get(BASE, params={"month": [2]}, headers=h).json()["count"] == 0
    block, _, csv_rows = _csv_rows(world.client.get(BASE, params={"format": "csv", "meter": ["G1"], "month": 1},
                                                    headers=h).content)
    assert {r["meter"] for r in csv_rows} == {"G1"} and len(csv_rows) == 48
    assert "筛选: 计量表 G1; 月份 1" in block
    unknown = world.client.get(BASE, params={"meter": "NOPE"}, headers=h)
    assert unknown.status_code == 422 and unknown.json()["error"]["details"]["field"] == "meter"
    assert world.client.get(BASE, params={"month": 13, "format": "csv"}, headers=h).status_code == 422


def test_json_is_for_small_selections(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hourly_routes, "JSON_MAX_ROWS", 50)
    h = world.auth("factory_manager")
    too_many = world.client.get(BASE, headers=h)
    assert too_many.status_code == 422 and too_many.json()["error"]["code"] == "hourly.too_large"
    assert world.client.get(BASE, params={"meter": "E1"}, headers=h).json()["count"] == 48
    assert world.client.get(BASE, params={"format": "csv"}, headers=h).status_code == 200  # no limit


@pytest.mark.parametrize("fmt", ["json", "csv", "ndjson", "parquet"])
def test_only_the_callers_factories(world: World, fmt: str) -> None:
    foreign = world.client.get(BASE, params={"format": fmt}, headers=world.auth("foreign_manager"))
    assert foreign.status_code == 404 and foreign.json()["error"]["code"] == "factory.not_found"
    theirs = world.client.get(f"/api/v1/factories/{FOREIGN}/hourly-carbon/2023", params={"format": fmt},
                              headers=world.auth("factory_manager"))
    assert theirs.status_code == 404 and FOREIGN not in theirs.text
    assert world.client.get(BASE, params={"format": fmt}, headers=world.auth("apikey")).status_code == 401
    assert world.client.get(BASE, params={"format": fmt}).status_code == 401
    assert world.client.get(BASE, params={"format": fmt}, headers=world.auth("authority")).status_code == 200


def _asgi_get(world: World, path: str, query: str, headers: dict[str, str]) -> tuple[int, list[bytes]]:
    """Call the app as a server would and keep every body message it sends (the chunks of the response)."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
             "client": ("127.0.0.1", 50000), "server": ("testserver", 80)}
    status: list[int] = []
    chunks: list[bytes] = []

    requested: list[bool] = []

    async def receive() -> dict[str, Any]:
        if requested:  # the client stays connected: the response ends by itself
            await anyio.sleep_forever()
        requested.append(True)
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])
        elif message["type"] == "http.response.body" and message.get("body"):
            chunks.append(message["body"])

    async def call() -> None:
        await world.app(scope, receive, send)

    anyio.run(call)
    return status[0], chunks


def test_the_download_is_sent_in_chunks(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """With 10 rows a batch, the 96 rows leave as 10 row chunks (and the header); the bytes are those of one batch."""
    h = world.auth("factory_manager")
    whole = world.client.get(BASE, params={"format": "csv"}, headers=h).content
    monkeypatch.setattr(hourly_routes, "STREAM_BATCH_ROWS", 10)
    status, chunks = _asgi_get(world, BASE, "format=csv", h)
    assert status == 200 and len(chunks) == 1 + 10
    assert b"".join(chunks) == whole
    assert all(len(c.decode("utf-8").splitlines()) <= 10 for c in chunks[1:])
    status, chunks = _asgi_get(world, BASE, "format=parquet", h)
    assert status == 200 and len(chunks) >= 10
    assert pq.read_table(io.BytesIO(b"".join(chunks))).num_rows == 96
