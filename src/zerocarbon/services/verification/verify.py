"""Use case: ``zerocarbon verify REPORT`` — does every figure of a report still stand?

Reads the report's manifest (``manifest.py``), recomputes from the inputs the manifest names (files
given again by the verifier, or the store for metered data), and compares: each input digest (which
input changed: the activity data, a factor row, the regimes, the criteria sets, the ledger, the
declaration, the store's audit chain) and each figure (exact decimal strings, the verdict levels). A
figure that changed is explained by the inputs that changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from zerocarbon.errors import InputError
from zerocarbon.services.verification.manifest import build_manifest, read_manifest

Status = Literal["stands", "changed", "missing", "new"]
INPUT_NAMES = {
    "activity": ("活动数据", "activity data"),
    "factor_rows": ("排放因子", "factor rows"),
    "regimes": ("核算口径定义", "method regimes"),
    "criteria_sets": ("评价指标集", "criteria sets"),
    "ledger": ("抵销台账", "instrument ledger"),
    "declaration": ("评价声明", "declaration"),
    "store_audit_head": ("库中数据（审计链）", "store data (audit chain)"),
    "equipment": ("设备台账", "equipment register"),
    "page": ("报告页面本身（被改动过）", "the report page itself (edited)"),
}


@dataclass(frozen=True)
class Check:
    key: str
    kind: Literal["input", "figure", "software"]
    status: Status
    old: str | None
    new: str | None


@dataclass
class Verification:
    report: str
    checks: list[Check] = field(default_factory=list)

    @property
    def stands(self) -> bool:
        return all(c.status == "stands" for c in self.checks if c.kind != "software")

    def changed_inputs(self) -> list[str]:
        return [c.key for c in self.checks if c.kind == "input" and c.status != "stands"]

    def summary(self, lang: str) -> list[str]:
        """What a verifier reads: the verdict, then each input and figure that no longer stands and why."""
        zh = lang == "zh"
        lines = [
            ("全部数字仍然成立。" if zh else "Every figure still stands.")
            if self.stands
            else ("有数字不再成立：" if zh else "Some figures no longer stand:")
        ]
        changed = self.changed_inputs()
        for c in self.checks:
            if c.status == "stands":
                continue
            if c.kind == "software":
                lines.append(f"  · {'软件版本' if zh else 'software'}: {c.old} → {c.new}")
            elif c.kind == "input":
                top = c.key.split(":")[0]
                name = INPUT_NAMES.get(top, (top, top))[0 if zh else 1]
                what = c.key.split(":", 1)[1] if ":" in c.key else ""
                verb = {
                    "changed": ("已改变", "changed"),
                    "missing": ("已不存在", "no longer present"),
                    "new": ("为新增", "is new"),
                }[c.status][0 if zh else 1]
                lines.append(f"  · {name}{' ' + what if what else ''} {verb}")
            else:
                why = ", ".join(INPUT_NAMES.get(k.split(":")[0], (k, k))[0 if zh else 1] for k in changed) or (
                    "计算方法（软件）" if zh else "the computation (software)"
                )
                lines.append(f"  · {c.key}: {c.old} → {c.new}" + (f"（因：{why}）" if zh else f" (because of: {why})"))
        return lines


def _compare(
    kind: Literal["input", "figure"], old: Mapping[str, Any], new: Mapping[str, Any], prefix: str = ""
) -> list[Check]:
    out = []
    for key in sorted(set(old) | set(new)):
        o, n = old.get(key), new.get(key)
        if isinstance(o, Mapping) or isinstance(n, Mapping):
            out.extend(_compare(kind, o or {}, n or {}, f"{prefix}{key}:"))
            continue
        status: Status = "stands" if o == n else "missing" if n is None else "new" if o is None else "changed"
        out.append(Check(prefix + key, kind, status, None if o is None else str(o), None if n is None else str(n)))
    return out


def _source(manifest: Mapping[str, Any], key: str, given: str | Path | None, base: Path) -> str | Path | None:
    if given is not None:
        return given
    src = manifest.get("sources", {}).get(key)
    if src is None:
        return None
    if str(src).startswith("store:"):
        return str(src)
    path = base / str(src)
    return path if path.exists() else None


def verify_report(
    report: str | Path,
    *,
    activity: str | Path | None = None,
    declaration: str | Path | None = None,
    ledger: str | Path | None = None,
    equipment: str | Path | None = None,
    url: str | None = None,
) -> Verification:
    """Recompute the report's figures from its inputs and compare them with the manifest.

    Inputs not given are looked up by the file names the manifest records, next to the report; metered
    data (``store:<factory>``) come from the store (``url``, default: the configured store).
    """
    path = Path(report)
    manifest = read_manifest(path)
    base = path.parent
    src = _source(manifest, "activity", activity, base)
    if src is None:
        raise InputError(
            "找不到报告的活动数据：请用 --activity 指定",
            "the report's activity data were not found: give it with --activity",
            file=path.name,
            field="activity",
        )
    year = int(manifest["year"])
    if isinstance(src, str) and src.startswith("store:"):
        from zerocarbon.services.inventory.runs import run_store_inventory

        store = manifest.get("sources", {}).get("store")
        if url is None and store and (base / str(store)).exists():
            url = f"sqlite:///{(base / str(store)).resolve()}"  # the embedded store shipped beside the report
        declared = _source(manifest, "declared", None, base)
        run = run_store_inventory(src.split(":", 1)[1], year, url=url, declared=declared)
    else:
        from zerocarbon.services.inventory.runs import run_inventory

        run = run_inventory(src, year)
    assessment = None
    extra: dict[str, Any] = {}
    if any(k.startswith(f"{year}.verdict.") for k in manifest["figures"]):
        from zerocarbon.services.assessment.sources import NAMED, evaluate_sources

        names = dict(manifest.get("sources", {}))
        for key, given in (("declaration", declaration), ("ledger", ledger), ("equipment", equipment)):
            if given is not None:  # a file the verifier names replaces the recorded one
                names[key] = str(Path(given).resolve())
        names = {k: v for k, v in names.items() if k not in NAMED or (base / v).exists()}
        done = evaluate_sources(run, base, names, url)
        assessment, extra = done.assessment.to_dict(), done.inputs
    head = None
    if "store_audit_head" in manifest["inputs"]:
        from zerocarbon.services.verification.store_head import audit_head

        head = audit_head(url, manifest.get("factory"))
    fresh = build_manifest(
        run, assessment=assessment, sources=manifest.get("sources"), extra_inputs=extra, store_head=head
    )
    out = Verification(path.name)
    if "page_digest" in manifest:
        same = manifest["page_digest"] == manifest.get("page_digest_now")
        out.checks.append(
            Check(
                "page",
                "input",
                "stands" if same else "changed",
                manifest["page_digest"],
                manifest.get("page_digest_now"),
            )
        )
    if manifest.get("software") != fresh["software"]:
        out.checks.append(Check("software", "software", "changed", manifest.get("software"), fresh["software"]))
    out.checks.extend(_compare("input", manifest["inputs"], fresh["inputs"]))
    out.checks.extend(_compare("figure", manifest["figures"], fresh["figures"]))
    return out
