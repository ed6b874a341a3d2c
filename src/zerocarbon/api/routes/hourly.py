"""Hourly carbon of a factory's year (meter × hour): JSON for a small selection, or the whole table streamed.

``format=json`` answers at most :data:`JSON_MAX_ROWS` rows (a meter or a month; more is 422 ``hourly.too_large``
naming the download formats). ``format=csv|ndjson|parquet`` streams every selected row from the engine one
record batch at a time (:mod:`zerocarbon.services.metering.hourly_export`), so serving 17.5 M rows holds one
batch, not the table. The method (view, factor rows, series, gap estimate, year, time zone) is in the
``X-Zerocarbon-Method`` header (ASCII JSON) of every format, in the CSV's ``#`` header block (in the
requested language) and in the Parquet file's metadata.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

from zerocarbon.api.deps import ReadableFactory, StoreUrl, bad_request
from zerocarbon.api.errors import COMMON_ERRORS, request_lang
from zerocarbon.services.metering import hourly_export as hx
from zerocarbon.services.metering import hourly_totals as ht
from zerocarbon.timeseries.carbon import BATCH_ROWS

router = APIRouter(prefix="/factories", tags=["results"], responses=COMMON_ERRORS)

#: Rows a ``format=json`` answer may hold (about 5.7 meter-years); the download formats have no limit.
JSON_MAX_ROWS = 50_000
#: Rows per streamed batch (one chunk of the response each).
STREAM_BATCH_ROWS = BATCH_ROWS
_MEDIA = {"csv": "text/csv; charset=utf-8", "ndjson": "application/x-ndjson",
          "parquet": "application/vnd.apache.parquet", "json": "application/json",
          "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


class HourlyCarbonRow(BaseModel):
    """One meter and local hour. Bulk time series: float64 [documented tolerance: rounding only]."""

    meter: str = Field(description="meter code")
    month: str = Field(description="local month YYYY-MM")
    local_start: str = Field(description="local start of the hour, YYYY-MM-DD HH:MM (the factory's time zone)")
    ts: int = Field(description="start of the hour [s since epoch, UTC]")
    ts_end: int = Field(description="end of the hour [s since epoch, UTC]")
    category: str | None
    scope: str | None
    item: str | None
    cost_centre: str | None
    amount: float | None = Field(description="consumption in the hour [meter unit]")
    unit: str | None = Field(description="the meter's energy unit")
    activity: float | None = Field(description="activity [activity_unit]")
    activity_unit: str | None
    factor: float | None = Field(description="factor of the hour [tCO2/activity_unit]")
    factor_kind: str | None = Field(description="annual | hourly | annual (no hourly value) | no factor")
    co2_t: float | None = Field(description="CO2 [tCO2]")
    flags: int = Field(description="quality flags of the hour's intervals (bit-or)")


class HourlyCarbonPublic(BaseModel):
    """A small selection of the hourly carbon with the method it was computed with."""

    method: dict[str, Any] = Field(description="factory, year, time zone, province, view, formula, gap estimate, "
                                               "factor rows with their sources, series, meters not included, filters")
    count: int
    rows: list[HourlyCarbonRow]


Format = Literal["json", "csv", "ndjson", "parquet"]
#: The filters both endpoints take: meters, local months, the grid-intensity series and the gap estimate.
MeterQ = Annotated[list[str] | None, Query(max_length=200, description="meter codes (repeat)")]
MonthQ = Annotated[list[int] | None, Query(max_length=12, description="local months 1–12 (repeat)")]
SeriesQ = Annotated[str | None, Query(max_length=200, description="a stored hourly grid-intensity series replacing "
                                                                  "the annual grid factor")]
EstimateQ = Annotated[Literal["linear", "profile", "none"], Query(description="how gaps in counters are filled")]


@router.get("/{factory_id}/hourly-carbon/{year}", response_model=HourlyCarbonPublic,
            summary="Hourly carbon per meter and local hour: JSON (small selections) or the whole year streamed "
                    "as CSV, NDJSON or Parquet",
            responses={200: {"description": "the rows (JSON) or the download",
                             "content": {_MEDIA[f].split(";")[0]: {} for f in ("csv", "ndjson", "parquet")}}})
def get_hourly_carbon(
        factory_id: ReadableFactory, year: Annotated[int, Path(ge=1900, le=2199, description="calendar year")],
        request: Request, url: StoreUrl,
        format: Annotated[Format, Query(description="json (at most 50,000 rows) or a streamed download")] = "json",
        lang: Annotated[Literal["zh", "en"] | None,
                        Query(description="language of the CSV headers; default Accept-Language")] = None,
        meter: MeterQ = None, month: MonthQ = None, series: SeriesQ = None, estimate: EstimateQ = "linear",
) -> Any:
    code: hx.Lang = "en" if (lang or request_lang(request)) == "en" else "zh"
    export = hx.hourly_export(factory_id, year, url, meters=meter, months=month, series=series,
                              estimate=None if estimate == "none" else estimate,
                              batch_rows=JSON_MAX_ROWS + 1 if format == "json" else STREAM_BATCH_ROWS)
    headers = {"X-Zerocarbon-Method": hx.method_header(export.method), "Content-Language": code}
    if format == "json":
        return JSONResponse(_json(export), headers=headers)
    chunks: Iterator[bytes]
    if format == "csv":
        chunks = hx.csv_chunks(export, code)
    elif format == "ndjson":
        chunks = hx.ndjson_chunks(export)
    else:
        chunks = hx.parquet_chunks(export)
    name = export.filename(format)
    headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return StreamingResponse(chunks, media_type=_MEDIA[format], headers=headers)


def _json(export: hx.HourlyExport) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    try:
        for batch in export.batches:
            if len(rows) + batch.num_rows > JSON_MAX_ROWS:
                raise bad_request("hourly.too_large",
                                  f"超过 {JSON_MAX_ROWS} 行：请按计量表或月份筛选，"
                                  "或用 format=csv、ndjson、parquet 下载全部",
                                  f"more than {JSON_MAX_ROWS} rows: filter by meter or "
                                  "month, or download the whole table with format=csv, ndjson or parquet",
                                  {"max_rows": JSON_MAX_ROWS, "formats": ["csv", "ndjson", "parquet"]})
            rows.extend({k: hx.json_value(v) for k, v in r.items()} for r in batch.to_pylist())
    finally:
        export.close()
    return {"method": export.method, "count": len(rows), "rows": rows}


class HourlyTotalRow(BaseModel):
    """One group of the totals: its keys (those asked for in ``by``), then the sums."""

    month: str | None = Field(None, description="local month YYYY-MM (when grouped by month)")
    meter: str | None = Field(None, description="meter code (when grouped by meter)")
    category: str | None = None
    scope: str | None = None
    item: str | None = None
    cost_centre: str | None = None
    factor_kind: str | None = None
    co2_t: float = Field(description="Σ CO2 of the group's meter-hours, each at its hour's factor [tCO2]")
    activity: float | None = Field(description="Σ activity [activity_unit]; null where the group mixes units")
    activity_unit: str | None
    mixed_units: bool
    hours: int = Field(description="meter-hours summed")
    hourly_factor_hours: int = Field(description="meter-hours whose factor came from the hourly series")
    no_factor_hours: int = Field(description="meter-hours without a factor (no CO2)")


class HourlyTotalsPublic(BaseModel):
    """The hourly carbon summed by the chosen keys, with the method it was computed with."""

    method: dict[str, Any]
    by: list[str]
    count: int
    rows: list[HourlyTotalRow]


@router.get("/{factory_id}/hourly-carbon/{year}/totals", response_model=HourlyTotalsPublic,
            response_model_exclude_unset=True,
            summary="Hourly carbon totalled by local month × cost centre (or scope, meter, item, category, factor "
                    "kind): each hour at its own factor, then summed; JSON, CSV or XLSX",
            responses={200: {"description": "the totals (JSON) or the download",
                             "content": {_MEDIA[f].split(";")[0]: {} for f in ("csv", "xlsx")}}})
def get_hourly_carbon_totals(
        factory_id: ReadableFactory, year: Annotated[int, Path(ge=1900, le=2199, description="calendar year")],
        request: Request, url: StoreUrl,
        by: Annotated[str, Query(max_length=200, description="keys, comma-separated: month, meter, category, scope, "
                                                             "item, cost_centre, factor_kind; empty for the total")
                      ] = "month,cost_centre",
        format: Annotated[Literal["json", "csv", "xlsx"], Query(description="json, or a download for Excel")] = "json",
        lang: Annotated[Literal["zh", "en"] | None,
                        Query(description="language of the headers; default Accept-Language")] = None,
        meter: MeterQ = None, month: MonthQ = None, series: SeriesQ = None, estimate: EstimateQ = "linear",
) -> Any:
    code: hx.Lang = "en" if (lang or request_lang(request)) == "en" else "zh"
    totals = ht.hourly_totals(factory_id, year, url, by=ht.parse_by(by), meters=meter, months=month, series=series,
                              estimate=None if estimate == "none" else estimate)
    headers = {"X-Zerocarbon-Method": hx.method_header(totals.method), "Content-Language": code}
    if format == "json":
        rows = [{k: hx.json_value(v) for k, v in r.items()} for r in totals.rows()]
        return JSONResponse({"method": totals.method, "by": list(totals.by), "count": len(rows), "rows": rows},
                            headers=headers)
    body = ht.totals_csv(totals, code) if format == "csv" else ht.totals_xlsx(totals, code)
    headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(totals.filename(format))}"
    return Response(body, media_type=_MEDIA[format], headers=headers)
