"""Hourly carbon: consumption per hour × the factor valid for that hour, in DuckDB over Arrow or the kept hour files.

Two steps:

1. :func:`annual_factors` — per meter, the emission factor per unit of activity from the factor
   library, for one data year, with the library rows it used (provenance) and the formula:

   * fuel combustion (scope 1): tCO2 per unit of the meter = FC × NCV × CC × OF × 44/12 with FC = 1
     [meter unit] (GB/T 32150-2015 §7.4; :mod:`zerocarbon.accounting.formulas`);
   * purchased electricity (scope 2, location-based): the grid-average factor of the factory's
     province for the data year (falling back province → grid region → CN as the library's lookup
     rule says, recorded) [tCO2/MWh], activity in MWh. Green power is at the grid average here too:
     the location-based view does not look at contracts;
   * purchased heat (scope 2): the heat factor [tCO2/GJ], activity in GJ (a meter of steam mass
     needs the steam's state and is skipped, with the reason);
   * on-site renewable generation: 0 (memo);
   * other categories (exports, process emissions, recovery) are not in the hourly carbon (skipped
     with the reason).

   The factors are the ones :func:`zerocarbon.accounting.inventory.compute_inventory` uses for the
   ``location`` view with default settings, so the year's hourly figures add up to the inventory of
   the same meter data (``services.metering.activity.check_hourly_against_inventory``).

2. :func:`hourly_carbon` — joins hourly consumption with those factors (valid for the hour's data
   year) and, when given, an hourly grid-intensity series that replaces the annual factor of
   purchased electricity hour by hour. Written columnar: one SQL statement, no Python per row.

Float arithmetic: factors are exact Decimals from the library, used as float64 in the bulk query;
sums differ from a Decimal computation by rounding only (relative error ≲ 1e-12 for a year of data).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa

from zerocarbon.accounting import formulas as fx
from zerocarbon.accounting.lines import GRID_AVERAGE
from zerocarbon.accounting.steam import steam_enthalpy, steam_heat_gj
from zerocarbon.errors import ZerocarbonError
from zerocarbon.factors import FactorLibrary, FactorValue, FallbackPolicy, default_library
from zerocarbon.model.inventory_input import Category
from zerocarbon.timeseries.hour_parts import hour_schema, scan_sql
from zerocarbon.timeseries.intervals import METER_SCHEMA, conform, connect, fetch
from zerocarbon.units import conversion_factor, same_dimension

#: One row per meter and validity period (see :func:`annual_factors`).
FACTOR_SCHEMA = pa.schema([
    ("meter_id", pa.int64()), ("valid_from", pa.int64()), ("valid_to", pa.int64()), ("category", pa.string()),
    ("scope", pa.string()), ("item", pa.string()), ("cost_centre", pa.string()), ("activity_unit", pa.string()),
    ("to_activity", pa.float64()), ("factor", pa.float64()), ("factor_unit", pa.string()),
    ("series_applies", pa.bool_()), ("biomass", pa.bool_()),
])
#: Hour rows per query of :func:`hourly_carbon` (a range of meters).
ROWS_PER_QUERY = 2_000_000
#: Hour rows per query of :func:`hourly_carbon_batches` (the engine sorts one range at a time) and rows per batch.
STREAM_ROWS_PER_QUERY = 500_000
BATCH_ROWS = 65_536
#: The grid-intensity series: hour start [s, UTC] and intensity [tCO2/MWh] for [ts, ts + 3600).
SERIES_SCHEMA = pa.schema([("series", pa.string()), ("ts", pa.int64()), ("value", pa.float64()),
                           ("source", pa.string())])


@dataclass
class MeterFactor:
    """The factor of one meter for one data year, exactly, with its derivation."""

    meter_id: int
    code: str
    category: str
    scope: str | None
    activity_unit: str
    to_activity: Decimal          # activity units per unit of the meter's values
    factor: Decimal               # tCO2 per activity unit
    factor_unit: str
    formula: str
    factors: list[FactorValue]
    intermediates: dict[str, str]
    valid_from: int
    valid_to: int

    def to_trace(self) -> dict[str, Any]:
        return {"meter_id": self.meter_id, "meter": self.code, "category": self.category, "scope": self.scope,
                "activity_unit": self.activity_unit, "to_activity": str(self.to_activity),
                "factor": str(self.factor), "factor_unit": self.factor_unit, "formula": self.formula,
                "intermediates": dict(self.intermediates), "factors": [f.to_trace() for f in self.factors],
                "valid_from": self.valid_from, "valid_to": self.valid_to}


@dataclass
class CarbonFactors:
    """Per-meter factors (Arrow, for the query) and their derivation (exact, for the trace)."""

    table: pa.Table
    meters: list[MeterFactor]
    skipped: list[dict[str, str]] = field(default_factory=list)

    def trace(self) -> dict[str, Any]:
        return {"factors": [m.to_trace() for m in self.meters], "skipped": list(self.skipped)}


def year_bounds(year: int, tz: str = "Asia/Shanghai") -> tuple[int, int]:
    """[start, end) of a calendar year in local time [s since epoch, UTC]."""
    zone = ZoneInfo(tz)
    return (int(datetime(year, 1, 1, tzinfo=zone).timestamp()), int(datetime(year + 1, 1, 1, tzinfo=zone).timestamp()))


def _in_unit(value: FactorValue, unit: str) -> Decimal:
    return value.value * conversion_factor(value.unit, unit)


def meter_factor(meter: dict[str, Any], year: int, province: str, library: FactorLibrary,
                 tz: str = "Asia/Shanghai") -> MeterFactor:
    """The factor of one meter (a row of :data:`METER_SCHEMA` as a dict) for data year ``year``.

    Raises
    ------
    ZerocarbonError
        No factor, an unknown item or a unit that does not fit; ``details['reason']`` says which.
        ``ValueError`` for a category that is not in the hourly carbon.
    """
    policy = FallbackPolicy(region_fallback=True, allow_earlier_year=False)
    category = Category(meter["category"])
    unit = str(meter["energy_unit"])
    start, end = year_bounds(year, tz)
    common: dict[str, Any] = {"meter_id": int(meter["meter_id"]), "code": str(meter["code"]),
                              "category": category.value, "valid_from": start, "valid_to": end}
    if category is Category.FUEL_COMBUSTION:
        if not meter["item"]:
            raise ValueError(f"meter {meter['code']}: a fuel meter needs its item (the fuel)")
        item = library.resolve_item(str(meter["item"]))
        ncv = library.lookup(item, "ncv", data_year=year, region="CN", policy=policy)
        cc = library.lookup(item, "carbon_content", data_year=year, region="CN", policy=policy)
        of = library.lookup(item, "oxidation_rate", data_year=year, region="CN", policy=policy)
        to_gj = conversion_factor(f"({unit})*({ncv.unit})", "GJ")
        heat = fx.fuel_activity_gj(to_gj, ncv.value)  # GJ per unit of the meter
        cc_v, of_v = _in_unit(cc, "tC/GJ"), _in_unit(of, "dimensionless")
        ef = fx.fuel_emission_factor(cc_v, of_v)
        return MeterFactor(**common, scope="1", activity_unit=unit, to_activity=Decimal(1), factor=heat * ef,
                           factor_unit=f"tCO2/({unit})", formula="E = FC × NCV × CC × OF × 44/12",
                           factors=[ncv, cc, of],
                           intermediates={"GJ_per_unit": str(heat), "EF_tCO2_per_GJ": str(ef)})
    if category is Category.ELECTRICITY_PURCHASED:
        fv = library.lookup(GRID_AVERAGE, "emission_factor", data_year=year, region=province, policy=policy)
        return MeterFactor(**common, scope="2", activity_unit="MWh", to_activity=conversion_factor(unit, "MWh"),
                           factor=_in_unit(fv, "tCO2/MWh"), factor_unit="tCO2/MWh",
                           formula="E = AD × EF(grid average, location-based)", factors=[fv], intermediates={})
    if category is Category.HEAT_PURCHASED:
        fv = library.lookup("heat", "emission_factor", data_year=year, region="*", policy=policy)
        if same_dimension(unit, "GJ"):
            return MeterFactor(**common, scope="2", activity_unit="GJ", to_activity=conversion_factor(unit, "GJ"),
                               factor=_in_unit(fv, "tCO2/GJ"), factor_unit="tCO2/GJ", formula="E = AD × EF",
                               factors=[fv], intermediates={})
        if not same_dimension(unit, "t") or meter.get("steam_pressure_mpa") is None:
            raise ValueError(f"meter {meter['code']}: heat metered in {unit} needs the steam's state (meter.steam) "
                             "to be converted to GJ")
        temperature = meter.get("steam_temperature_c")
        enthalpy = steam_enthalpy(Decimal(repr(float(meter["steam_pressure_mpa"]))),
                                  None if temperature is None else Decimal(repr(float(temperature))),
                                  gauge=bool(meter.get("steam_gauge")))
        gj_per_t = steam_heat_gj(Decimal(1), enthalpy.value)
        return MeterFactor(**common, scope="2", activity_unit="GJ",
                           to_activity=conversion_factor(unit, "t") * gj_per_t, factor=_in_unit(fv, "tCO2/GJ"),
                           factor_unit="tCO2/GJ", formula="E = Ma × (En − 83.74) × 10⁻³ × EF", factors=[fv],
                           intermediates={"enthalpy_kJ_per_kg": str(enthalpy.value), "GJ_per_t": str(gj_per_t),
                                          "enthalpy_method": enthalpy.method})
    if category is Category.ONSITE_RENEWABLE:
        return MeterFactor(**common, scope=None, activity_unit="MWh", to_activity=conversion_factor(unit, "MWh"),
                           factor=Decimal(0), factor_unit="tCO2/MWh",
                           formula="E = 0 (on-site renewable generation, self-consumed)", factors=[], intermediates={})
    raise ValueError(f"meter {meter['code']}: category {category.value} is not in the hourly (location-based) carbon")


def annual_factors(meters: pa.Table, year: int, province: str, *, library: FactorLibrary | None = None,
                   tz: str = "Asia/Shanghai", strict: bool = False) -> CarbonFactors:
    """Factors of every meter of ``meters`` that has a category, for data year ``year``.

    Meters without a category are left out; a meter whose category is not in the hourly carbon, or
    whose factor cannot be found, is listed in ``skipped`` with the reason (``strict=True`` raises
    instead).
    """
    lib = library or default_library()
    rows = conform(meters, METER_SCHEMA).to_pylist()
    found: list[MeterFactor] = []
    skipped: list[dict[str, str]] = []
    by_id = {}
    for meter in rows:
        if not meter["category"]:
            continue
        try:
            mf = meter_factor(meter, year, province, lib, tz)
        except (ValueError, ZerocarbonError) as exc:
            if strict:
                raise
            zh, en = (exc.message("zh"), exc.message("en")) if isinstance(exc, ZerocarbonError) else (str(exc),) * 2
            skipped.append({"meter": str(meter["code"]), "category": str(meter["category"]),
                            "reason": str(exc).replace("\n", " / "), "reason_zh": zh, "reason_en": en})
            continue
        found.append(mf)
        by_id[mf.meter_id] = meter
    cols: dict[str, list[Any]] = {name: [] for name in FACTOR_SCHEMA.names}
    for mf in found:
        meter = by_id[mf.meter_id]
        item = None
        if meter["item"]:
            try:
                item = lib.resolve_item(str(meter["item"]))
            except ZerocarbonError:
                item = str(meter["item"])
        values = {"meter_id": mf.meter_id, "valid_from": mf.valid_from, "valid_to": mf.valid_to,
                  "category": mf.category, "scope": mf.scope, "item": item, "cost_centre": meter["cost_centre"],
                  "activity_unit": mf.activity_unit, "to_activity": float(mf.to_activity),
                  "factor": float(mf.factor), "factor_unit": mf.factor_unit,
                  "series_applies": mf.category == Category.ELECTRICITY_PURCHASED.value,
                  "biomass": bool(item and item in lib.items and lib.items[item].biomass)}
        for name in FACTOR_SCHEMA.names:
            cols[name].append(values[name])
    return CarbonFactors(table=pa.table(cols, schema=FACTOR_SCHEMA), meters=found, skipped=skipped)


CARBON_COLUMNS = ("meter_id", "ts", "ts_end", "category", "scope", "item", "cost_centre", "amount", "activity",
                  "activity_unit", "factor", "factor_kind", "co2_t", "flags")


def hourly_carbon(hourly: pa.Table | Sequence[str], factors: pa.Table, series: pa.Table | None = None, *,
                  rows_per_query: int = ROWS_PER_QUERY) -> pa.Table:
    """Carbon per meter and hour: activity × the factor valid for that hour [tCO2].

    Parameters
    ----------
    hourly : pa.Table or sequence of str
        meter_id, ts (hour start [s, UTC]), ts_end, value (consumption in the hour [the meter's
        energy unit]) and optionally flags: :func:`~zerocarbon.timeseries.rollups.rollup_time` with
        ``freq="hour"`` of the intervals; or the Parquet files holding them
        (:mod:`zerocarbon.timeseries.hour_parts`), read by the engine and never brought into Python.
    factors : pa.Table
        :data:`FACTOR_SCHEMA` (:func:`annual_factors` ``.table``); rows of meters not in it are left
        out, hours outside every validity period get ``factor_kind = 'no factor'`` and a null result.
    series : pa.Table, optional
        Hourly grid intensity (:data:`SERIES_SCHEMA`; ``series`` and ``source`` optional) of one
        series [tCO2/MWh]. It replaces the annual factor of purchased electricity in the hours it
        covers (``factor_kind = 'hourly'``); other hours keep the annual factor, marked
        ``'annual (no hourly value)'``.

    Returns
    -------
    pa.Table
        meter_id, ts, ts_end, category, scope, item, cost_centre (dictionary-encoded), amount
        [meter unit], activity [activity_unit], factor [tCO2/activity unit], factor_kind,
        co2_t [tCO2], flags — ordered by meter and hour. Computed one range of meters at a time (about
        ``rows_per_query`` hour rows each), so only one range is sorted at once.
    """
    with carbon_query(hourly, factors, series) as (con, select, ids):
        parts = [fetch(con, select(in_range(rng)))
                 for rng in _meter_ranges(con, ids, rows_per_query)]
    return pa.concat_tables(parts).select(list(CARBON_COLUMNS))


def hourly_carbon_batches(hourly: pa.Table | Sequence[str], factors: pa.Table, series: pa.Table | None = None, *,
                          windows: Sequence[tuple[int, int]] | None = None, batch_rows: int = BATCH_ROWS,
                          rows_per_query: int = STREAM_ROWS_PER_QUERY) -> Generator[pa.RecordBatch, None, None]:
    """The rows of :func:`hourly_carbon` as Arrow record batches of at most ``batch_rows`` rows, in the same
    order, pulled from DuckDB one batch at a time (a record-batch reader): the whole table is never in Python.

    ``windows``: only the hours that start inside one of these [start, end) [s, UTC] (e.g. local months);
    restrict the meters by giving only their rows of ``factors``. The engine sorts one range of meters
    (about ``rows_per_query`` hour rows) at a time; the connection is closed when the iterator is
    exhausted or closed. The batches carry the columns of :data:`CARBON_COLUMNS`.
    """
    if batch_rows < 1:
        raise ValueError("batch_rows must be at least 1")
    within = " OR ".join(f"(h.ts >= {int(lo)} AND h.ts < {int(hi)})" for lo, hi in windows or ())
    with carbon_query(hourly, factors, series) as (con, select, ids):
        for rng in _meter_ranges(con, ids, rows_per_query):
            where = in_range(rng)
            if windows is not None:
                where = f"{where} AND ({within or 'false'})" if where else f"WHERE ({within or 'false'})"
            # its columns are CARBON_COLUMNS, in order; the reader pulls the engine's result batch by batch
            for batch in con.sql(select(where)).to_arrow_reader(batch_rows):
                if batch.num_rows:
                    yield batch


@contextmanager
def carbon_query(hourly: pa.Table | Sequence[str], factors: pa.Table, series: pa.Table | None
                 ) -> Iterator[tuple[duckdb.DuckDBPyConnection, Callable[..., str], list[int]]]:
    """A private connection holding ``h`` (the hours), ``f`` (factors) and ``s`` (series) and the enum types of
    the carbon query; gives (connection, ``select(where, order=True)`` the query of :data:`CARBON_COLUMNS` for a
    WHERE clause, ordered by meter and hour unless ``order=False``, the factor table's meter ids)."""
    f = conform(factors, FACTOR_SCHEMA)
    has_series = series is not None
    if series is not None:
        s = conform(series, SERIES_SCHEMA)
        names = {n for n in s["series"].unique().to_pylist() if n is not None}
        if len(names) > 1:
            raise ValueError(f"give one grid-intensity series at a time, not {sorted(names)}")
    else:
        s = SERIES_SCHEMA.empty_table()
    con = connect(private=True, f=f, s=s)  # CREATE TYPE below: per database
    try:
        if isinstance(hourly, pa.Table):
            con.register("h", hourly)
            has_flags = "flags" in hourly.column_names
        else:
            con.register("h_empty", hour_schema().empty_table())
            con.execute(f"CREATE VIEW h AS SELECT * FROM {scan_sql(hourly) if hourly else 'h_empty'}")
            has_flags = True
        flags = "coalesce(h.flags, 0)" if has_flags else "0"
        for col in ("category", "scope", "item", "cost_centre"):
            con.execute(f"CREATE TYPE e_{col} AS ENUM (SELECT DISTINCT {col} FROM f WHERE {col} IS NOT NULL "
                        f"ORDER BY 1)")
        con.execute("CREATE TYPE e_kind AS ENUM ('annual', 'hourly', 'annual (no hourly value)', 'no factor')")
        con.execute("CREATE TYPE e_unit AS ENUM (SELECT DISTINCT activity_unit FROM f ORDER BY 1)")
        series_ok = "f.series_applies AND s.value IS NOT NULL"
        ids = sorted({int(i) for i in f["meter_id"].to_pylist()})

        def a(col: str) -> str:  # an attribute of the hour's factor row; without one, the meter's latest
            return f"CASE WHEN f.meter_id IS NULL THEN m.{col} ELSE f.{col} END"

        def select(where: str, order: bool = True) -> str:
            # m: one row per meter (a meter whose rows differ by period would otherwise repeat every hour)
            return f"""
            WITH m AS (SELECT DISTINCT ON (meter_id) meter_id, category, scope, item, cost_centre, activity_unit
                       FROM f ORDER BY meter_id, valid_to DESC)
            SELECT h.meter_id, h.ts, h.ts_end, {a('category')}::e_category AS category, {a('scope')}::e_scope AS scope,
                   {a('item')}::e_item AS item, {a('cost_centre')}::e_cost_centre AS cost_centre,
                   h.value AS amount, h.value * f.to_activity AS activity,
                   {a('activity_unit')}::e_unit AS activity_unit,
                   CASE WHEN {series_ok} THEN s.value ELSE f.factor END AS factor,
                   (CASE WHEN f.meter_id IS NULL THEN 'no factor'
                         WHEN {series_ok} THEN 'hourly'
                         WHEN f.series_applies AND {'true' if has_series else 'false'} THEN 'annual (no hourly value)'
                         ELSE 'annual' END)::e_kind AS factor_kind,
                   h.value * f.to_activity * CASE WHEN {series_ok} THEN s.value ELSE f.factor END AS co2_t,
                   {flags}::BIGINT AS flags
            FROM h JOIN m USING (meter_id)
            LEFT JOIN f ON f.meter_id = h.meter_id AND h.ts >= f.valid_from AND h.ts < f.valid_to
            LEFT JOIN s ON s.ts = h.ts
            {where}
            {'ORDER BY h.meter_id, h.ts' if order else ''}"""

        yield con, select, ids
    finally:
        con.close()


def _meter_ranges(con: duckdb.DuckDBPyConnection, ids: list[int], rows_per_query: int) -> list[list[int]]:
    """Consecutive ranges of the meters ``ids`` holding about ``rows_per_query`` hour rows of ``h`` each."""
    counts = dict(con.execute("SELECT meter_id, count(*) FROM h WHERE meter_id IN (SELECT meter_id FROM f) "
                              "GROUP BY meter_id").fetchall()) if len(ids) > 1 else {}
    ranges: list[list[int]] = [[]]
    size = 0
    for i in ids:
        if ranges[-1] and size + counts.get(i, 0) > rows_per_query:
            ranges.append([])
            size = 0
        ranges[-1].append(i)
        size += counts.get(i, 0)
    return ranges


def in_range(ids: list[int]) -> str:
    """The WHERE clause of one range of meters (consecutive ids of the factor table)."""
    return f"WHERE h.meter_id BETWEEN {ids[0]} AND {ids[-1]}" if ids else ""


def summarise(carbon: pa.Table, by: Sequence[str] = ("scope", "cost_centre")) -> pa.Table:
    """Σ activity and Σ co2_t of :func:`hourly_carbon` rows grouped by ``by`` (any of its columns).

    The sums run in (meter, hour) order, so the last digits do not depend on DuckDB's threads.
    """
    keys = ", ".join('"' + k.replace('"', '""') + '"' for k in by)
    sel = f"{keys}, " if by else ""
    group = f"GROUP BY {keys} ORDER BY {keys}" if by else ""
    con = connect(c=carbon)
    try:
        return fetch(con, f"""SELECT {sel}sum(activity ORDER BY meter_id, ts) AS activity,
                                     sum(co2_t ORDER BY meter_id, ts) AS co2_t, count(*) AS hours,
                                     count(*) FILTER (WHERE factor_kind = 'hourly') AS hourly_factor_hours
                              FROM c {group}""")
    finally:
        con.close()
