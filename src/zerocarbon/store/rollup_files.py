"""Hour roll-ups of the metered year kept next to the store: one Parquet file per local month, and a manifest.

The monthly pieces of :mod:`zerocarbon.store.rollups` are small (a row per meter and month) and live in
the store's tables; the hour roll-ups are 8,760 rows per meter and year (17.5 M at 2,000 meters), so they
live as columnar files beside the store, where every server worker reads the same ones:

* an SQLite store: ``<database>.rollups/`` next to the database file (as its Parquet cache of readings);
* any store: the folder ``$ZEROCARBON_ROLLUP_DIR`` when it is set (for PostgreSQL, a folder the workers
  share); without it a PostgreSQL store keeps no hour roll-ups and they are computed when asked for.

Layout: ``<root>/<factory>/<year>/<variant>/hour-MM-<uuid>.parquet`` (a month's hours may be in several
files, one per chunk of meters of the scan that wrote them: the engine writes them straight from the
scan, :mod:`zerocarbon.timeseries.hour_parts`) and ``manifest.json``, which names the files of each
month and the state they match (the audit entry up to which readings were read and the fingerprint
of the meters, the same :class:`~zerocarbon.store.rollups.State` as the monthly pieces). Files are
written under new names and the manifest is replaced last by atomic rename: a crash in between
leaves the old manifest, naming the old files, and a manifest that no longer matches the store's
state is never read (the hours are then computed again rather than read stale). Files no manifest
names any more are removed :data:`GRACE` seconds after a manifest stopped naming them, so that a reader
(or a worker keeping some of them) that read the manifest just before can still read them.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyarrow as pa
import pyarrow.compute as pc

from zerocarbon.store.columnar import cache_dir
from zerocarbon.store.db import database_url
from zerocarbon.store.rollups import State
from zerocarbon.timeseries.hour_parts import read_hours, rewrite, write_table
from zerocarbon.timeseries.months import month_starts

ENV = "ZEROCARBON_ROLLUP_DIR"
MANIFEST = "manifest.json"
#: Files no manifest names are removed once older than this [s] (a reader may have read the old manifest).
GRACE = 3600


def rollup_root(url: str | None = None) -> Path | None:
    """Where hour roll-ups are kept for the store ``url`` (None: not kept)."""
    configured = os.environ.get(ENV)
    if configured:
        return Path(configured)
    columnar = cache_dir(database_url(url))
    return None if columnar is None else columnar.with_name(columnar.name.replace(".columnar", "") + ".rollups")


def _folder(root: Path, factory_id: str, year: int, kind: str) -> Path:
    return root / quote(factory_id, safe="") / str(int(year)) / quote(kind, safe="")


def folder_of(factory_id: str, year: int, kind: str, url: str | None = None) -> Path | None:
    """The folder of the hour roll-ups of one factory, year and variant (None: the store keeps none)."""
    root = rollup_root(url)
    return None if root is None else _folder(root, factory_id, year, kind)


def _manifest(folder: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and isinstance(manifest.get("months"), dict) else None


def hour_parts(factory_id: str, year: int, kind: str, state: State, url: str | None = None,
               months: set[int] | None = None) -> list[str] | None:
    """The files of the kept hour roll-ups of ``months`` (0-based; None: all twelve) if the manifest
    matches ``state`` and names every one of those months, else None."""
    folder = folder_of(factory_id, year, kind, url)
    manifest = None if folder is None else _manifest(folder)
    if folder is None or manifest is None:
        return None
    if manifest.get("audit_id") != state.audit_id or manifest.get("setup") != state.setup:
        return None
    kept: dict[str, list[str]] = manifest["months"]
    wanted = sorted(months) if months is not None else list(range(12))
    if any(str(m) not in kept for m in wanted):
        return None
    return [str(folder / name) for m in wanted for name in kept[str(m)]]


def load_hours(factory_id: str, year: int, kind: str, state: State, url: str | None = None,
               months: set[int] | None = None) -> pa.Table | None:
    """The kept hour roll-ups of ``months`` (0-based; None: all) if the manifest matches ``state``, else
    None; ordered by meter and hour."""
    parts = hour_parts(factory_id, year, kind, state, url, months)
    return None if parts is None else read_hours(parts)


def stage(factory_id: str, year: int, kind: str, url: str | None = None) -> Path | None:
    """A new empty folder to write hour files into before :func:`commit` (None: the store keeps none)."""
    folder = folder_of(factory_id, year, kind, url)
    if folder is None:
        return None
    staged = folder.parent / f".stage-{quote(kind, safe='')}-{uuid.uuid4().hex}"
    staged.mkdir(parents=True)
    return staged


def commit(factory_id: str, year: int, kind: str, staged: Path, files: dict[int, list[str]], state: State,
           url: str | None = None, months: set[int] | None = None) -> list[str]:
    """Keep the files ``files`` (0-based month → names in ``staged``) as the hours of ``months`` (None: all
    twelve, replacing whatever was kept; a month without files has no hours) and record ``state``;
    returns the files of all months the manifest then names."""
    folder = folder_of(factory_id, year, kind, url)
    assert folder is not None
    folder.mkdir(parents=True, exist_ok=True)
    before = _manifest(folder)
    was_named = {n for names in before["months"].values() for n in names} if before is not None else set()
    old = before if months is not None else None
    kept: dict[str, list[str]] = dict(old["months"]) if old is not None else {}
    for m in sorted(months) if months is not None else range(12):
        for name in files.get(m, []):
            if (staged / name).exists() or not (folder / name).exists():  # else: a kept file, kept as it is
                os.replace(staged / name, folder / name)
        kept[str(m)] = list(files.get(m, []))
    tmp = folder / f".{uuid.uuid4().hex}.json"
    tmp.write_text(json.dumps({"audit_id": state.audit_id, "setup": state.setup, "months": kept}), encoding="utf-8")
    os.replace(tmp, folder / MANIFEST)
    shutil.rmtree(staged, ignore_errors=True)
    named = {n for names in kept.values() for n in names}
    now = time.time()
    for name in was_named - named:  # the grace of a file starts when the manifest stops naming it
        with contextlib.suppress(OSError):
            os.utime(folder / name)
    for path in folder.iterdir():
        if path.name != MANIFEST and path.name not in named and not path.name.startswith("."):
            with contextlib.suppress(OSError):
                if now - path.stat().st_mtime > GRACE:
                    path.unlink()
    return [str(folder / n) for m in sorted(kept, key=int) for n in kept[m]]


def save_hours(factory_id: str, year: int, kind: str, hourly: pa.Table, state: State, tz: str,
               url: str | None = None, months: set[int] | None = None) -> bool:
    """Write the hour roll-ups of ``months`` (0-based; None: all twelve, replacing whatever was kept) from
    ``hourly`` and record ``state`` in the manifest; False when the store keeps no hour roll-ups."""
    staged = stage(factory_id, year, kind, url)
    if staged is None:
        return False
    starts = month_starts(year, tz)
    wanted = sorted(months) if months is not None else list(range(12))
    files = {m: [name] for m, name in write_table(hourly, [(m, starts[m], starts[m + 1]) for m in wanted],
                                                  staged).items()}
    commit(factory_id, year, kind, staged, files, state, url, months)
    return True


def replace_spans(factory_id: str, year: int, kind: str, new: pa.Table, spans: pa.Table, state: State,
                  new_state: State, tz: str, months: set[int], url: str | None = None) -> list[str] | None:
    """Replace, in the kept roll-ups of ``months`` (0-based) that match ``state``, the rows of each meter's
    span of ``spans`` (meter_id, lo, hi [s, UTC]) by ``new``'s, in the engine, and record ``new_state``:
    only the files with rows in a span are written again (:func:`~zerocarbon.timeseries.hour_parts.rewrite`).
    Returns the files of all months the manifest then names (None: nothing kept for ``state``)."""
    folder = folder_of(factory_id, year, kind, url)
    manifest = None if folder is None else _manifest(folder)
    if (folder is None or manifest is None or manifest.get("audit_id") != state.audit_id
            or manifest.get("setup") != state.setup or any(str(m) not in manifest["months"] for m in months)):
        return None
    staged = stage(factory_id, year, kind, url)
    assert staged is not None
    try:
        starts = month_starts(year, tz)
        written: dict[int, list[str]] = {}
        for m in sorted(months):
            in_month = new.filter(pc.and_(pc.greater_equal(new["ts"], starts[m]), pc.less(new["ts"], starts[m + 1])))
            written.update(rewrite([folder / n for n in manifest["months"][str(m)]], in_month, spans,
                                   [(m, starts[m], starts[m + 1])], staged))
        return commit(factory_id, year, kind, staged, written, new_state, url, months)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
