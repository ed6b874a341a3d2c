"""Self-check of the 13 functions of the digital energy-carbon management centre (indicator 4.2).

The functions are data (``assessment/data/centre_functions.yaml``, with their source). Each is checked
against what the software can evidence for the factory and year (a capability with its evidence, handed
in by the caller), or else against the factory's own declaration; a function neither evidences nor
declares is not counted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import yaml


@dataclass(frozen=True)
class CentreFunction:
    id: int
    name_zh: str
    name_en: str
    capability: str

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en


@dataclass(frozen=True)
class FunctionCheck:
    function: CentreFunction
    status: Literal["evidenced", "declared", "missing"]
    evidence_zh: str  # what shows it (a figure, a file, a count)
    evidence_en: str

    def evidence(self, lang: str) -> str:
        return self.evidence_zh if lang == "zh" else self.evidence_en


@lru_cache(maxsize=1)
def centre_functions() -> tuple[CentreFunction, ...]:
    raw = yaml.safe_load(
        resources.files("zerocarbon.assessment").joinpath("data/centre_functions.yaml").read_text(encoding="utf-8")
    )
    funcs = tuple(
        CentreFunction(int(f["id"]), str(f["name_zh"]), str(f["name_en"]), str(f["capability"]))
        for f in raw["functions"]
    )
    if [f.id for f in funcs] != list(range(1, 14)):
        raise ValueError("centre_functions.yaml must list functions 1 to 13 in order")
    return funcs


def self_check(
    capabilities: Mapping[str, tuple[str, str] | None], declared: frozenset[int] = frozenset()
) -> list[FunctionCheck]:
    """Each function: ``evidenced`` when ``capabilities[capability]`` holds its evidence (zh, en),
    ``declared`` when its id is among the factory's declared functions, ``missing`` otherwise."""
    out = []
    for f in centre_functions():
        ev = capabilities.get(f.capability)
        if ev:
            out.append(FunctionCheck(f, "evidenced", ev[0], ev[1]))
        elif f.id in declared:
            out.append(FunctionCheck(f, "declared", "", ""))
        else:
            out.append(FunctionCheck(f, "missing", "", ""))
    return out


def functions_met(checks: list[FunctionCheck]) -> int:
    return sum(1 for c in checks if c.status != "missing")


def checks_to_dict(checks: list[FunctionCheck]) -> list[dict[str, Any]]:
    return [
        {
            "id": c.function.id,
            "name": {"zh": c.function.name_zh, "en": c.function.name_en},
            "capability": c.function.capability,
            "status": c.status,
            "evidence": {"zh": c.evidence_zh, "en": c.evidence_en},
        }
        for c in checks
    ]
