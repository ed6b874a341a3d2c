"""The factory's companion files: what a factory states beside its declared activity file.

The declared activity file of a factory is ``$ZEROCARBON_DECLARED_DIR/<factory id>.yaml`` (or the
version uploaded to the store, :func:`zerocarbon.services.inventory.cached.declared_file`). The inputs
of the later capabilities follow the same convention, in the same directory:

=========================================  ==========================================================
``<factory id>.planning.yaml``              planning assumptions (源头减碳, docs/renewables.md); its
                                            weather file is named relative to it
``<factory id>.assessment.yaml``            the factory's assessment declaration (docs/assessment.md)
``<factory id>.ledger.yaml``                the instrument ledger (docs/assessment.md)
``<factory id>.equipment.yaml``             the equipment register (docs/efficiency.md)
``<factory id>.footprint.yaml``             a product-footprint study (docs/footprints.md); its battery
                                            declarations are shown on the footprints page
=========================================  ==========================================================

(``.yml`` and ``.json`` are read as well; the register may also be ``.xlsx``.) A file that is absent
is a capability the factory has not used; a file that is present but wrong raises its located error.
"""

from __future__ import annotations

import os
import re
from collections.abc import Hashable
from pathlib import Path

from zerocarbon.services.inventory.cached import DECLARED_DIR_ENV

KINDS = ("planning", "assessment", "ledger", "equipment", "footprint")
_SUFFIXES = {"equipment": (".yaml", ".yml", ".json", ".xlsx")}
_SAFE_ID = re.compile(r"^[A-Za-z0-9_.\-]+$")


def companion_file(factory_id: str, kind: str) -> Path | None:
    """``$ZEROCARBON_DECLARED_DIR/<factory id>.<kind>.yaml`` (or ``.yml``/``.json``) when it exists, else None."""
    if kind not in KINDS:
        raise ValueError(f"unknown companion file kind {kind!r}")
    folder = os.environ.get(DECLARED_DIR_ENV)
    if not folder or not _SAFE_ID.match(factory_id) or factory_id.startswith("."):
        return None
    for suffix in _SUFFIXES.get(kind, (".yaml", ".yml", ".json")):
        candidate = Path(folder) / f"{factory_id}.{kind}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def files_key(factory_id: str, kinds: tuple[str, ...]) -> tuple[Hashable, ...]:
    """Part of a cache key: each companion file's path and modification time (a changed file is a new result)."""
    out: list[Hashable] = []
    for kind in kinds:
        path = companion_file(factory_id, kind)
        out.append((kind, None if path is None else (str(path), path.stat().st_mtime_ns)))
    return tuple(out)
