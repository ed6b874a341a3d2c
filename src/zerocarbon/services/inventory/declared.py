"""Declared activity-data files kept in the store: upload, versions, download, the current file as a path.

A factory's declared file holds what its meters do not: fuels bought by invoice, process sources,
green-power contracts, certificates, production, other years for the base-year comparison (the
same file as ``zerocarbon inventory --factory F --declared FILE``). Energy managers upload it as the
Excel template (``ingest/template.py``) or as YAML/JSON.

Rules
-----
* A file is accepted only if the importer (:func:`zerocarbon.ingest.activity_file.load_activity_file`)
  reads it, and only for the factory it declares (``factory.id`` / 企业编号). A refused file raises
  :class:`~zerocarbon.errors.InputError` naming the uploaded file, sheet, row and field; nothing is
  stored.
* Versions are never changed or removed (table ``declared_files``). The newest version of a factory
  is its current declared file. Uploading the bytes of the current version again stores nothing and
  answers that version (idempotent); uploading an older version's bytes makes them current again
  as a new version, so the history says when it happened.
* Every stored version appends a ``declared.upload`` entry to the audit chain in the same
  transaction: who (the audit actor), when, file name, format, size and sha256, and the version it
  replaced.
* The inventory reads files by path: :func:`current_path` writes the current version once to a
  private cache directory, keyed by its sha256 (``<cache>/<sha256>/<file name>``), so a new version
  is a new path.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from zerocarbon.errors import InputError
from zerocarbon.ingest.activity_file import LoadedInput, load_activity_file
from zerocarbon.ingest.columns import FACTORY_FIELDS, FACTORY_SHEET
from zerocarbon.store import activity_files as repo
from zerocarbon.store import audit
from zerocarbon.store.activity_files import FileRow
from zerocarbon.store.db import transaction

log = logging.getLogger(__name__)

UPLOAD_ACTION = "declared.upload"
#: Largest file accepted [bytes]: a year of invoices, contracts and certificates fits in far less.
MAX_BYTES = 16 * 1024 * 1024
#: File name suffix → stored format; the importer reads each by its suffix.
FORMATS = {".xlsx": "xlsx", ".xlsm": "xlsm", ".yaml": "yaml", ".yml": "yaml", ".json": "json"}
MEDIA_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
               "yaml": "application/yaml", "json": "application/json"}
_MAX_NAME = 200
_FACTORY_ID_LABEL = next(c.zh for c in FACTORY_FIELDS if c.key == "factory.id")


@dataclass(frozen=True)
class DeclaredFile:
    """One stored version of a factory's declared file (without its bytes)."""

    id: int
    factory_id: str
    filename: str
    format: str          # yaml | json | xlsx | xlsm
    size: int            # [bytes]
    sha256: str
    uploaded_by: str     # the audit actor
    uploaded_at: int     # [s since epoch, UTC]
    uploaded_at_local: str  # in the factory's time zone, ISO 8601
    note: str
    current: bool


@dataclass(frozen=True)
class Upload:
    """What an upload did: the version (new, or the current one for the same bytes) and what the file holds."""

    file: DeclaredFile
    created: bool
    years: list[int]
    activity_lines: int
    certificates: int
    production_records: int


# ------------------------------------------------------------------------------------------ checks
def clean_filename(name: str | None) -> str:
    """The file name as stored: no directories or control characters, at most 200 characters (suffix kept)."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    if len(base) > _MAX_NAME:
        suffix = Path(base).suffix[:16]
        base = base[:_MAX_NAME - len(suffix)] + suffix
    return base


def file_format(filename: str) -> str:
    """The stored format of ``filename`` (by its suffix); InputError for a type the importer does not read."""
    fmt = FORMATS.get(Path(filename).suffix.lower())
    if fmt is None:
        raise InputError(f"不支持的文件类型 “{Path(filename).suffix or filename}”",
                         f"unsupported file type '{Path(filename).suffix or filename}'", file=filename or None,
                         field="file", expected=".xlsx, .xlsm, .yaml, .yml or .json")
    return fmt


def parse(filename: str, content: bytes) -> LoadedInput:
    """Read ``content`` as the importer reads a file named ``filename``.

    Raises
    ------
    InputError
        The file cannot be read, or its data are not valid: named by ``filename`` (never the
        temporary path it was read from), sheet, row and field.
    """
    name = clean_filename(filename)
    fmt = file_format(name)
    if not content:
        raise InputError("文件为空", "the file is empty", file=name, field="file")
    if fmt in ("yaml", "json"):
        try:
            content.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"文件不是 UTF-8 编码的文本（第 {exc.start} 字节）",
                             f"the file is not UTF-8 text (byte {exc.start})", file=name, expected="UTF-8") from exc
    with tempfile.TemporaryDirectory(prefix="zerocarbon-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            return load_activity_file(path)
        except InputError as exc:
            raise dataclasses.replace(exc, file=name, message_zh=exc.message_zh.replace(str(path), name),
                                      message_en=exc.message_en.replace(str(path), name)) from exc
        except Exception as exc:  # the importer tripped over a shape it does not expect: still the file's fault
            log.warning("declared file %r could not be read", name, exc_info=exc)
            raise InputError(f"无法读取文件的结构（{type(exc).__name__}）：请使用 zerocarbon 模板",
                             f"cannot read the file's structure ({type(exc).__name__}): use the zerocarbon "
                             "template", file=name) from exc


def _check_factory(loaded: LoadedInput, factory_id: str, name: str, fmt: str) -> None:
    declared = loaded.data.factory.id
    if declared != factory_id:
        sheet = FACTORY_SHEET[0] if fmt in ("xlsx", "xlsm") else None
        raise InputError(f"文件申报的是工厂 “{declared}”，不是 “{factory_id}”",
                         f"the file declares factory '{declared}', not '{factory_id}'", file=name, sheet=sheet,
                         field=_FACTORY_ID_LABEL if sheet else "factory.id", expected=factory_id)


# ------------------------------------------------------------------------------------------- store
def _version(row: FileRow, tz: str, current_id: int | None) -> DeclaredFile:
    at = row.uploaded_at
    return DeclaredFile(row.id, row.factory_id, row.filename, row.format, row.size, row.sha256, row.uploaded_by,
                        at, datetime.fromtimestamp(at, ZoneInfo(tz)).isoformat(), row.note, row.id == current_id)


def _no_factory(factory_id: str) -> InputError:
    return InputError(f"没有工厂 {factory_id}", f"no factory '{factory_id}' in the store", field="factory_id")


def upload(factory_id: str, filename: str | None, content: bytes, *, note: str = "", url: str | None = None,
           now: int | None = None) -> Upload:
    """Check and store a declared file of ``factory_id`` as its new current version.

    Parameters
    ----------
    factory_id : str
        The factory it is uploaded for; the file must declare the same ``factory.id``.
    filename : str
        The name it was uploaded under; its suffix says how it is read (.xlsx, .xlsm, .yaml, .yml, .json).
    content : bytes
        The file, at most :data:`MAX_BYTES` [bytes].
    note : str
        Why it was uploaded (kept with the version and in the audit entry).

    Returns
    -------
    Upload
        ``created`` False when ``content`` is the current version's bytes: nothing was written.

    Raises
    ------
    InputError
        Too large, unreadable or invalid (with file, sheet, row, field), of another factory, or no
        such factory in the store. Nothing is stored.
    """
    name = clean_filename(filename)
    if len(content) > MAX_BYTES:
        raise InputError(f"文件过大（{len(content)} 字节）", f"the file is too large ({len(content)} bytes)",
                         file=name, field="file", expected=f"at most {MAX_BYTES} bytes")
    loaded = parse(name, content)
    fmt = file_format(name)
    _check_factory(loaded, factory_id, name, fmt)
    digest = audit.sha256_hex(content)
    when = int(time.time()) if now is None else int(now)
    actor = audit.current_actor.get()
    with transaction(url) as conn:
        tz = repo.lock_factory(conn, factory_id)
        if tz is None:
            raise _no_factory(factory_id)
        latest = repo.latest(conn, factory_id)
        if latest is not None and latest.sha256 == digest:
            return _summary(_version(latest, tz, latest.id), False, loaded)
        file_id = repo.insert_file(conn, factory_id=factory_id, filename=name, format=fmt, content=content,
                                   sha256=digest, uploaded_by=actor, uploaded_at=when, note=note)
        before = None if latest is None else {"id": latest.id, "filename": latest.filename, "sha256": latest.sha256}
        audit.record(conn, UPLOAD_ACTION, "declared_file", file_id, factory_id, before=before, after={
            "id": file_id, "filename": name, "format": fmt, "size": len(content), "sha256": digest, "note": note,
            "years": loaded.data.years()}, actor=actor, at=when)
        row = repo.version(conn, file_id)
    return _summary(_version(row, tz, file_id), True, loaded)


def _summary(version: DeclaredFile, created: bool, loaded: LoadedInput) -> Upload:
    data = loaded.data
    return Upload(version, created, data.years(), len(data.activity), len(data.certificates), len(data.production))


def versions(factory_id: str, url: str | None = None) -> list[DeclaredFile]:
    """Every stored version of the factory's declared file, newest (the current one) first."""
    with transaction(url) as conn:
        tz = repo.factory_timezone(conn, factory_id)
        if tz is None:
            raise _no_factory(factory_id)
        rows = repo.versions(conn, factory_id)
    current = rows[0].id if rows else None
    return [_version(r, tz, current) for r in rows]


def download(factory_id: str, file_id: int, url: str | None = None) -> tuple[DeclaredFile, bytes]:
    """A stored version of the factory's declared file and its bytes, exactly as uploaded.

    Raises
    ------
    InputError
        ``field="file_id"``: the factory has no such version (another factory's versions are not its).
    """
    with transaction(url) as conn:
        tz = repo.factory_timezone(conn, factory_id)
        found = repo.version_with_content(conn, factory_id, file_id)
        latest = repo.latest(conn, factory_id) if found is not None else None
    if found is None or tz is None or latest is None:
        raise InputError(f"该工厂没有编号为 {file_id} 的活动数据文件", f"the factory has no activity file {file_id}",
                         field="file_id")
    return _version(found[0], tz, latest.id), found[1]


# --------------------------------------------------------------------------------- current as a path
_cache_lock = threading.Lock()
_cache_dir: Path | None = None


def cache_dir() -> Path:
    """The private directory the current versions are written to (``<tmp>/zerocarbon-<uid>/declared``, mode 0700).

    Should a directory of that name belong to somebody else, a fresh one is made for this process.
    """
    global _cache_dir
    with _cache_lock:
        if _cache_dir is None:
            uid = os.getuid() if hasattr(os, "getuid") else None
            root = Path(tempfile.gettempdir()) / f"zerocarbon-{uid if uid is not None else 'user'}"
            folder = root / "declared"
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            if uid is not None and (root.stat().st_uid != uid or folder.stat().st_uid != uid):
                folder = Path(tempfile.mkdtemp(prefix="zerocarbon-declared-"))
            _cache_dir = folder
        return _cache_dir


def current_path(factory_id: str, url: str | None = None) -> Path | None:
    """The current declared file of ``factory_id`` as a file (written once per version), or None without one.

    The file is named as uploaded, in a directory named by its sha256, so that the importer's
    locations name the user's file and a new version is a new path.
    """
    if not repo.store_exists(url):
        return None
    with transaction(url) as conn:
        latest = repo.latest_file(conn, factory_id)
        if latest is None:
            return None
        file_id, filename, fmt, digest, size = latest
        name = filename if Path(filename).suffix.lower() in FORMATS and not filename.startswith(".") \
            else f"declared.{fmt}"
        target = cache_dir() / digest / name
        if target.is_file() and target.stat().st_size == size:
            return target
        content = repo.content(conn, file_id)
    target.parent.mkdir(mode=0o700, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.part")
    partial.write_bytes(content)
    os.replace(partial, target)  # atomic: readers see the whole file or none
    return target
