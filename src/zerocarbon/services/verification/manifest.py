"""The manifest every report embeds, so that a verifier can re-check it: the digest of every input and
the figures the report states.

    inputs   activity data (the parsed input, canonical JSON), each factor row used (its shipped values),
             the method regimes, the criteria set, the ledger's events, the declaration, the store's
             audit chain head for metered data; the software version
    figures  the totals of every view, the zero-carbon indicator, the verdict per level

Digests are SHA-256 over canonical JSON (sorted keys, no spaces, decimals as exact strings). A figure is
compared as the exact decimal string the engine produced. ``verify`` (``verify.py``) recomputes from
the same inputs and says which digest and which figure no longer stands.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, is_dataclass
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from zerocarbon import __version__
from zerocarbon.errors import InputError
from zerocarbon.services.inventory.runs import InventoryRun

SCHEMA = "zerocarbon-manifest/1"
SCRIPT_ID = "zerocarbon-manifest"


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"cannot digest {type(value).__name__}")


def digest(value: Any) -> str:
    """SHA-256 of ``value`` as canonical JSON."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _factor_rows(run: InventoryRun) -> dict[str, str]:
    rows: dict[str, str] = {}
    for inv in run.inventories.values():
        for line in inv.lines:
            for fig in line.figures.values():
                for f in fig.factors:
                    if f.row is not None:
                        rows[f.row.factor_id] = digest(asdict(f.row))
                    else:
                        rows[f.key] = digest(f.to_trace())
    return dict(sorted(rows.items()))


def _data_file(package: str, name: str) -> str:
    return hashlib.sha256(resources.files(package).joinpath(name).read_bytes()).hexdigest()


def figures(run: InventoryRun, assessment: Mapping[str, Any] | None = None) -> dict[str, str]:
    """The figures a report states, as exact decimal strings (the verdict levels as their status)."""
    out: dict[str, str] = {}
    for year, inv in sorted(run.inventories.items()):
        for key, value in inv.totals.to_dict().items():
            if value is not None:
                out[f"{year}.totals.{key}"] = str(value)
    if assessment is not None:
        for ev in assessment["evaluations"]:
            for lv in ev["levels"]:
                out[f"{assessment['year']}.verdict.{ev['criteria_set']}.{lv['id']}"] = lv["status"]
        for name, ind in assessment["indicators"].items():
            if ind["value"] is not None:
                out[f"{assessment['year']}.indicator.{name}"] = str(ind["value"])
    return out


def build_manifest(
    run: InventoryRun,
    *,
    assessment: Mapping[str, Any] | None = None,
    sources: Mapping[str, str] | None = None,
    extra_inputs: Mapping[str, Any] | None = None,
    store_head: str | None = None,
) -> dict[str, Any]:
    """The manifest of the reports of ``run`` (and of its evaluation ``assessment``).

    ``sources`` records where each input came from (a file name or ``store:<factory>``) so that
    ``zerocarbon verify`` can find them again; ``extra_inputs`` are further inputs as plain data
    (ledger events, declaration, criteria set) digested as given.
    """
    inputs: dict[str, Any] = {
        "activity": digest(run.data.model_dump(mode="json")),
        "factor_rows": _factor_rows(run),
        "regimes": _data_file("zerocarbon.accounting", "data/regimes.yaml"),
        "criteria_sets": _data_file("zerocarbon.assessment", "data/criteria_sets.yaml"),
    }
    for key, value in (extra_inputs or {}).items():
        inputs[key] = digest(value)
    if store_head is not None:
        inputs["store_audit_head"] = store_head
    return {
        "schema": SCHEMA,
        "software": f"zerocarbon {__version__}",
        "factory": run.data.factory.id,
        "year": run.year,
        "sources": dict(sources or {}),
        "inputs": inputs,
        "figures": figures(run, assessment),
    }


def manifest_script(manifest: Mapping[str, Any]) -> str:
    """The manifest as an inert ``<script type="application/json">`` element for an HTML report."""
    text = json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1).replace("</", "<\\/")
    return f'<script type="application/json" id="{SCRIPT_ID}">{text}</script>'


_TAG = re.compile(rf'<script type="application/json" id="{SCRIPT_ID}"[^>]*>(.*?)</script>', flags=re.S)


def page_digest(page: str) -> str:
    """SHA-256 of an HTML page without its manifest: what a reader sees, so that an edited page is caught."""
    return hashlib.sha256(_TAG.sub("", page).encode("utf-8")).hexdigest()


def embed(html_path: Path, manifest: Mapping[str, Any]) -> None:
    """Put the manifest into an HTML report (replacing an older one), just before ``</body>``, with the
    digest of the page itself."""
    page = _TAG.sub("", html_path.read_text(encoding="utf-8"))
    body = dict(manifest)
    body["page_digest"] = page_digest(page)
    tag = manifest_script(body)
    page = page.replace("</body>", tag + "</body>", 1) if "</body>" in page else page + tag
    html_path.write_text(page, encoding="utf-8")


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest of a report: an HTML page (its embedded script), a JSON output (its ``manifest``
    key) or a manifest file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"无法读取报告：{exc}", f"cannot read the report: {exc}", file=Path(path).name) from exc
    if Path(path).suffix.lower() in (".html", ".htm"):
        m = _TAG.search(text)
        if m is None:
            raise InputError(
                "报告中没有清单（manifest），无法复核：请用本版本重新生成报告",
                "the report holds no manifest and cannot be re-checked: generate it again with this version",
                file=Path(path).name,
            )
        text = html.unescape(m.group(1)) if "&quot;" in m.group(1) else m.group(1)
    try:
        data = json.loads(text.replace("<\\/", "</"))
    except ValueError as exc:
        raise InputError(
            f"清单不是有效的 JSON：{exc}", f"the manifest is not valid JSON: {exc}", file=Path(path).name
        ) from exc
    manifest = data.get("manifest", data) if isinstance(data, dict) else None
    if not isinstance(manifest, dict) or manifest.get("schema") != SCHEMA:
        raise InputError("不是 zerocarbon 报告清单", "not a zerocarbon report manifest", file=Path(path).name)
    if "page_digest" in manifest:
        manifest["page_digest_now"] = page_digest(
            text if Path(path).suffix.lower() not in (".html", ".htm") else Path(path).read_text(encoding="utf-8")
        )
    return manifest
