"""The main job: the full assessment of the bundled sample factory, on the embedded default store.

Today the assessment is the GB/T 32150 inventory (科学算碳); later capabilities extend this same job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from zerocarbon.demo.generator import SAMPLE_FILE
from zerocarbon.ingest.activity_file import load_activity_file
from zerocarbon.model.inventory_input import InventoryInput
from zerocarbon.services.inventory import InventoryRun, run_inventory
from zerocarbon.services.outputs import write_outputs


@dataclass
class DemoResult:
    run: InventoryRun
    files: list[Path]


def sample_input() -> InventoryInput:
    """The sample factory's input, as shipped (``zerocarbon/demo/sample_factory.yaml``)."""
    return load_activity_file(SAMPLE_FILE).data


def run_demo(out_dir: Path, progress: Callable[[str], None] | None = None) -> DemoResult:
    """Compute the sample factory's inventory and write ``out_dir`` (JSON, HTML zh/en, XLSX)."""
    say = progress or (lambda _m: None)
    run = run_inventory(SAMPLE_FILE, progress=say)
    say("reports")
    files = write_outputs(run, Path(out_dir))
    return DemoResult(run, files)
