"""Hour roll-ups of the metered year kept next to the store: one Parquet file per local month, and a manifest.

The monthly pieces of :mod:`zerocarbon.store.rollups` are small (a row per meter and month) and live in
the store's tables; the hour roll-ups are 8,760 rows per meter and year (17.5 M at 2,000 meters), so they
live as columnar files beside the store, where every server worker reads the same ones:

* an SQLite store: ``<database>.rollups/`` next to the database file (as its Parquet cache of readings);
* any store: the folder ``$ZEROCARBON_ROLLUP_DIR`` when it is set (for PostgreSQL, a folder the workers
  share); without it a PostgreSQL store keeps no hour roll-ups and they are computed when asked for.

Layout: ``<root>/<factory>/<year>/<variant>/hour-MM.parquet`` and ``manifest.json``, which names the state
the files match (the audit entry up to which readings were read and the fingerprint of the meters, the
same :class:`~zerocarbon.store.rollups.State` as the monthly pieces). Files are replaced by atomic
rename, the manifest last: a crash in between leaves a manifest that no longer matches the store's
state, and the hours are then computed again rather than read stale.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path
from urllib.parse import quote

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from zerocarbon.store.columnar import cache_dir
from zerocarbon.store.db import database_url
from zerocarbon.store.rollups import State
from zerocarbon.timeseries.months import month_starts

ENV = "ZEROCARBON_ROLLUP_DIR"
MANIFEST = "manifest.json"


def rollup_root(url: str | None = None) -> Path | None:
    """Where hour roll-ups are kept for the store ``url`` (None: not kept)."""
    configured = os.environ.get(ENV)
    if configured:
        return Path(configured)
    columnar = cache_dir(database_url(url))
    return None if columnar is None else columnar.with_name(columnar.name.replace(".columnar", "") + ".rollups")


def _folder(root: Path, factory_id: str, year: int, kind: str) -> Path:
    return root / quote(factory_id, safe="") / str(int(year)) / quote(kind, safe="")


def load_hours(factory_id: str, year: int, kind: str, state: State, url: str | None = None,
               months: set[int] | None = None) -> pa.Table | None:
    """The kept hour roll-ups of ``months`` (0-based; None: all) if the manifest matches ``state``, else None."""
    root = rollup_root(url)
    if root is None:
        return None
    folder = _folder(root, factory_id, year, kind)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("audit_id") != state.audit_id or manifest.get("setup") != state.setup:
        return None
    wanted = sorted(months) if months is not None else list(range(12))
    missing = [m for m in wanted if m not in manifest.get("months", [])]
    if missing:
        return None
    tables = [pq.read_table(folder / f"hour-{m + 1:02d}.parquet") for m in wanted]
    if not tables:
        return None
    # each month's file is ordered by meter and hour; the year is wanted the same way (one sort, here)
    return pa.concat_tables(tables).sort_by([("meter_id", "ascending"), ("ts", "ascending")])


def save_hours(factory_id: str, year: int, kind: str, hourly: pa.Table, state: State, tz: str,
               url: str | None = None, months: set[int] | None = None) -> bool:
    """Write the hour roll-ups of ``months`` (0-based; None: all twelve, replacing whatever was kept) from
    ``hourly`` and record ``state`` in the manifest; False when the store keeps no hour roll-ups."""
    root = rollup_root(url)
    if root is None:
        return False
    folder = _folder(root, factory_id, year, kind)
    manifest_path = folder / MANIFEST
    if months is None:
        shutil.rmtree(folder, ignore_errors=True)
        kept: set[int] = set()
    else:
        try:
            kept = set(json.loads(manifest_path.read_text(encoding="utf-8")).get("months", []))
        except (OSError, ValueError):
            kept = set()
    folder.mkdir(parents=True, exist_ok=True)
    starts = month_starts(year, tz)
    for m in sorted(months) if months is not None else range(12):
        part = hourly.filter(pc.and_(pc.greater_equal(hourly["ts"], starts[m]), pc.less(hourly["ts"], starts[m + 1])))
        final = folder / f"hour-{m + 1:02d}.parquet"
        tmp = folder / f".{uuid.uuid4().hex}.tmp"
        pq.write_table(part.sort_by([("meter_id", "ascending"), ("ts", "ascending")]), tmp, compression="zstd")
        os.replace(tmp, final)
        kept.add(m)
    tmp = folder / f".{uuid.uuid4().hex}.json"
    tmp.write_text(json.dumps({"audit_id": state.audit_id, "setup": state.setup, "months": sorted(kept)}),
                   encoding="utf-8")
    os.replace(tmp, manifest_path)
    return True
