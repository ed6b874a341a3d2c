"""Use cases of metering: register a factory's meters, import meter-reading files.

The CLI, the API and the dashboard call these functions (readings pushed over REST/MQTT take
their own adapters into the same pipeline). Formats: ``docs/meter-data-format.md``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from zerocarbon.errors import InputError, ZerocarbonError
from zerocarbon.ingest.files import CHUNK_ROWS, FileLayout, detect_layout, ingest_file
from zerocarbon.ingest.pipeline import IngestReport
from zerocarbon.model.metering import FactorySetup
from zerocarbon.services.metering.rollups import refresh_after_ingest
from zerocarbon.services.metering.setup import save_setup
from zerocarbon.store.factories import factory_exists, load_meters

__all__ = ["describe_meter_file", "ingest_meter_file", "load_factory_setup", "read_file_layout"]


class _TextFloatLoader(yaml.SafeLoader):
    """YAML loader that keeps floats as their text, so a multiplier reaches Decimal without a float."""


_TextFloatLoader.add_constructor("tag:yaml.org,2002:float",
                                 lambda loader, node: str(loader.construct_scalar(node)))  # type: ignore[arg-type]

_PATH_IN_MESSAGE = re.compile(r"^(?:Value error, )?([a-z_]+\[\d+\](?:\.[a-z_]+)?): (.*)$", re.S)


def _read_mapping(path: str | Path, what_zh: str, what_en: str) -> tuple[Path, dict[str, Any]]:
    file = Path(path)
    if not file.exists():
        raise InputError(f"找不到{what_zh}文件 {file}", f"{what_en} file {file} does not exist", file=str(file))
    suffix = file.suffix.lower()
    if suffix not in (".yaml", ".yml", ".json"):
        raise InputError(f"不支持的文件类型 {suffix}", f"unsupported file type {suffix}", file=str(file),
                         expected=".yaml, .yml or .json")
    try:
        data = file.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("gb18030")  # what Chinese Windows editors save
        raw = (json.loads(text, parse_float=str, parse_constant=str) if suffix == ".json"
               else yaml.load(text, _TextFloatLoader))
    except (yaml.YAMLError, ValueError, UnicodeDecodeError, RecursionError, OSError) as exc:
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise InputError(f"文件格式错误：{reason}", f"malformed file: {reason}", file=str(file)) from exc
    if not isinstance(raw, dict):
        raise InputError("文件顶层应为映射（字典）", "the top level must be a mapping", file=str(file))
    return file, raw


def _invalid(exc: ValidationError, file: Path) -> InputError:
    """The first problem of a validation error, with the path of its field (``meters[2].unit``)."""
    errors = exc.errors()
    first = errors[0]
    msg = str(first["msg"])
    path = "".join(f"[{p + 1}]" if isinstance(p, int) else f".{p}" for p in first["loc"]).lstrip(".")
    inside = _PATH_IN_MESSAGE.match(msg)  # model-level checks start their message with the field's path
    if inside:
        path, msg = inside.group(1), inside.group(2)
    msg = msg.removeprefix("Value error, ")
    more = len(errors) - 1
    return InputError(f"数据无效：{msg}" + (f"（另有 {more} 处错误）" if more else ""),
                      f"invalid data: {msg}" + (f" ({more} more errors)" if more else ""),
                      file=str(file), field=path or None,
                      details={"errors": [{"loc": list(e["loc"]), "msg": e["msg"]} for e in errors]})


def load_factory_setup(path: str | Path, url: str | None = None) -> dict[str, int]:
    """Read a factory setup file (YAML or JSON, see :class:`FactorySetup`) and save it to the store.

    Saving the same file twice changes nothing. Returns the store ids of the meters by code.

    Raises
    ------
    InputError
        The file is missing, malformed, or a field is invalid (named as ``meters[2].unit``).
    """
    file, raw = _read_mapping(path, "工厂配置", "factory setup")
    raw.pop("schema_version", None)
    try:
        setup = FactorySetup.model_validate(raw)
    except ValidationError as exc:
        raise _invalid(exc, file) from exc
    try:
        return save_setup(setup, url)
    except ZerocarbonError as exc:
        raise exc.with_location(file=str(file)) from exc


def read_file_layout(source: str | Path | Mapping[str, Any]) -> FileLayout:
    """A :class:`FileLayout` from a YAML/JSON file or a mapping (e.g. ``{"timestamp_is": "end"}``)."""
    if isinstance(source, Mapping):
        file, raw = Path("<layout>"), dict(source)
    else:
        file, raw = _read_mapping(source, "文件布局", "file layout")
    try:
        return FileLayout.model_validate(raw)
    except ValidationError as exc:
        raise _invalid(exc, file) from exc
    except ZerocarbonError as exc:  # an unknown time zone or encoding, named by the validator
        raise exc.with_location(file=str(file)) from exc


def _layout(layout: FileLayout | Mapping[str, Any] | None) -> FileLayout | None:
    if layout is None or isinstance(layout, FileLayout):
        return layout
    return read_file_layout(layout)


def _require_factory(factory_id: str, url: str | None) -> list[str]:
    if not factory_exists(factory_id, url):
        raise InputError(f"未知企业 “{factory_id}”：请先用 `zerocarbon store load 工厂定义.yaml` 导入工厂定义",
                         f"unknown factory '{factory_id}': load its setup first with `zerocarbon store load "
                         "SETUP.yaml`", field="factory_id", expected="a factory of the store")
    return list(load_meters(factory_id, url))


def describe_meter_file(path: str | Path, factory_id: str, layout: FileLayout | Mapping[str, Any] | None = None,
                        url: str | None = None) -> FileLayout:
    """How ``path`` will be read: the layout with every column named (for a preview before importing).

    Wide when the header names two or more meters of the factory, long when it has a meter column.
    """
    return detect_layout(path, _require_factory(factory_id, url), _layout(layout))


def ingest_meter_file(path: str | Path, factory_id: str, layout: FileLayout | Mapping[str, Any] | None = None,
                      url: str | None = None, resume: bool = False, progress: bool = False,
                      chunk_rows: int = CHUNK_ROWS, now: int | None = None, lang: str = "zh") -> IngestReport:
    """Import a CSV/XLSX file of meter readings of ``factory_id``; returns accepted/rejected/duplicate counts.

    ``layout`` None (or without ``layout``) is detected from the header as in
    :func:`describe_meter_file`. ``resume`` continues an interrupted import of the same file. Once the
    batch has closed, the roll-ups kept for the factory are brought up to date with it
    (:func:`zerocarbon.services.metering.rollups.refresh_after_ingest`; ``progress`` shows that stage
    too, labelled in ``lang``), so that the dashboard, the inventory and hourly carbon read roll-ups, not
    the readings.
    """
    codes = _require_factory(factory_id, url)
    chosen = _layout(layout)
    if chosen is None or chosen.layout is None:
        chosen = detect_layout(path, codes, chosen)
    report = ingest_file(path, factory_id, chosen, url=url, resume=resume, progress=progress,
                         chunk_rows=chunk_rows, now=now, lang=lang)
    with _rollup_progress(progress) as bar:
        label = "更新汇总数据（表计）" if lang == "zh" else "updating roll-ups (meters)"
        task = bar.add_task(label, total=None) if bar is not None else None

        def step(done: int, total: int) -> None:
            if bar is not None and task is not None:
                bar.update(task, completed=done, total=total)
        refresh_after_ingest(factory_id, report, url, progress=step)
    return report


def _rollup_progress(enabled: bool) -> AbstractContextManager[Any]:
    if not enabled:
        return nullcontext(None)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=Console(stderr=True))
