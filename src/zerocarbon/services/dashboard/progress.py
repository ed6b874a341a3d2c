"""How far a long computation has got, for whoever asks while it runs.

The dashboard's first request for a year of a large factory computes the inventory from every
meter (about a minute at 2,000 meters × a year of 15-minute readings). The thread doing it reports
its stage and counts here under a key (store, factory, year); the dashboard polls
:func:`current` for that key and shows the progress instead of a bare "loading".

Nested use of the same key in one computation (the inventory, which computes the metered year
first) shares one entry; it is removed when the outermost use ends.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any

#: report(stage, done, total): ``stage`` a short code (``meters``, ``engine``), counts of that stage.
Report = Callable[[str, int, int], None]

_lock = threading.Lock()
_runs: dict[Hashable, dict[str, Any]] = {}


@contextmanager
def tracking(key: Hashable) -> Iterator[Report]:
    """Track the computation of ``key`` while the block runs; yields its report function."""
    now = time.time()
    with _lock:
        entry = _runs.get(key)
        if entry is None:
            entry = _runs[key] = {"stage": "start", "done": 0, "total": 0, "started": now, "updated": now,
                                  "depth": 0}
        entry["depth"] += 1

    def report(stage: str, done: int, total: int) -> None:
        with _lock:
            entry.update(stage=stage, done=int(done), total=int(total), updated=time.time())

    try:
        yield report
    finally:
        with _lock:
            entry["depth"] -= 1
            if entry["depth"] == 0 and _runs.get(key) is entry:
                del _runs[key]


def current(key: Hashable) -> dict[str, Any] | None:
    """The running computation of ``key`` (stage, done, total, percent of the stage, elapsed seconds), or None."""
    with _lock:
        entry = _runs.get(key)
        if entry is None:
            return None
        out = {k: entry[k] for k in ("stage", "done", "total")}
        started = float(entry["started"])
    out["percent"] = round(100.0 * out["done"] / out["total"], 1) if out["total"] else None
    out["elapsed_s"] = round(time.time() - started, 1)
    return out
