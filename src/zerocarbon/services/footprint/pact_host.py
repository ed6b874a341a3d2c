"""The factory's PACT v3 host system: client credentials, published footprints, suppliers' footprints.

What the host API (``api/routes/pact.py``) and the CLI (``zerocarbon footprint publish``,
``zerocarbon footprint pact-client``) share, so a footprint is published and served one way.

* **Client credentials** (PACT v3 Action Authenticate, OAuth2 client credentials, RFC 6749 §4.4):
  ``client_id`` ``pact_<12 hex>`` and a secret of 256 random bits, stored as its SHA-256 (as the
  gateways' API keys: a slow hash adds nothing against guessing 256 random bits), compared in
  constant time. Each client sees the footprints of one factory (tenant isolation).
* **Publishing**: PACT v3 documents (a study's export, or a study run here) are validated against
  the official schema where it is kept (services/footprint/exchange.py) and stored immutably. The
  same document again adds nothing; a changed document under an id already published gets a new id
  with the old one in ``precedingPfIds``, and the old one is served as ``Deprecated`` from then on
  (PACT v3 ADR-41: any change makes a new footprint id).
* **Suppliers' footprints** (pulled from another host, or received in a RequestFulfilledEvent) are
  validated and stored per factory; :func:`write_supplier_file` writes them as a PACT JSON file that
  a study names in ``suppliers[].pact_file``.

Every write is in the audit chain (``pact.publish``, ``pact.deprecate``, ``pact.supplier``,
``pact_client.create``, ``pact_client.revoke``); secrets never are.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from zerocarbon.errors import InputError
from zerocarbon.footprint.pact import import_document, validation_errors
from zerocarbon.services.footprint import exchange
from zerocarbon.services.footprint.exchange import write_documents
from zerocarbon.services.footprint.pact_filters import Criteria, matches
from zerocarbon.store import audit
from zerocarbon.store import pact as repo
from zerocarbon.store.db import transaction
from zerocarbon.store.identity import factory_exists

CLIENT_PREFIX = "pact_"
ORIGINS = ("published", "supplier")


@dataclass(frozen=True)
class PactClient:
    """A data recipient's credentials (the secret is shown once, at creation)."""

    client_id: str
    factory_id: str
    name: str
    created_by: str
    created_at: int           # [s since epoch, UTC]
    revoked_at: int | None    # [s since epoch, UTC]

    def to_dict(self) -> dict[str, Any]:
        return {"client_id": self.client_id, "factory_id": self.factory_id, "name": self.name,
                "created_by": self.created_by, "created_at": self.created_at, "revoked_at": self.revoked_at}


@dataclass(frozen=True)
class Stored:
    """The outcome of storing one document: its id, whether it was new, the id it replaced, validation."""

    pf_id: str
    added: bool
    replaced: str | None
    validation: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.pf_id, "added": self.added, "replaced": self.replaced, "validation": self.validation}


def _secret_hash(secret: str) -> str:
    return "sha256$" + hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _client(row: Any) -> PactClient:
    return PactClient(str(row["client_id"]), str(row["factory_id"]), str(row["name"] or ""), str(row["created_by"]),
                      int(row["created_at"]), None if row["revoked_at"] is None else int(row["revoked_at"]))


def _require_factory(conn: Any, factory_id: str) -> None:
    if not factory_exists(conn, factory_id):
        raise InputError(f"未知工厂 “{factory_id}”", f"unknown factory '{factory_id}'", field="factory_id",
                         expected="the id of a factory in the store")


# ------------------------------------------------------------------------------------ client credentials
def create_client(factory_id: str, name: str = "", url: str | None = None) -> tuple[str, str]:
    """New credentials for a data recipient of ``factory_id``: ``(client_id, client_secret)``.

    The secret is returned here once and stored only hashed: a lost secret is revoked and replaced.
    """
    with transaction(url) as conn:
        _require_factory(conn, factory_id)
        client_id = CLIENT_PREFIX + secrets.token_hex(6)
        while repo.client_by_client_id(conn, client_id) is not None:  # pragma: no cover - 48 random bits collide
            client_id = CLIENT_PREFIX + secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        actor = audit.current_actor.get()
        row = repo.insert_client(conn, client_id=client_id, secret_hash=_secret_hash(secret), factory_id=factory_id,
                                 name=name, created_by=actor, created_at=int(time.time()))
        audit.record(conn, "pact_client.create", "pact_client", row, factory_id,
                     after={"client_id": client_id, "factory_id": factory_id, "name": name})
    return client_id, secret


def list_clients(factory_id: str, url: str | None = None) -> list[PactClient]:
    with transaction(url) as conn:
        return [_client(r) for r in repo.clients_of_factory(conn, factory_id)]


def revoke_client(client_id: str, url: str | None = None, factory_id: str | None = None) -> PactClient:
    """Revoke credentials (idempotent; with ``factory_id`` only that factory's): their tokens stop working at the
    next request.

    Raises
    ------
    InputError
        No such client (of that factory).
    """
    with transaction(url) as conn:
        row = repo.client_by_client_id(conn, client_id)
        if row is None or (factory_id is not None and row["factory_id"] != factory_id):
            raise InputError(f"没有客户端 {client_id}", f"no PACT client {client_id}", field="client_id")
        if row["revoked_at"] is None:
            now = int(time.time())
            repo.revoke_client(conn, int(row["id"]), now)
            audit.record(conn, "pact_client.revoke", "pact_client", int(row["id"]), str(row["factory_id"]),
                         before={"client_id": client_id, "revoked_at": None},
                         after={"client_id": client_id, "revoked_at": now})
        found = repo.client_by_client_id(conn, client_id)
    return _client(found)


def authenticate_client(client_id: str, secret: str, url: str | None = None) -> PactClient | None:
    """The live client with these credentials, or None (unknown, wrong secret, revoked)."""
    with transaction(url) as conn:
        row = repo.client_by_client_id(conn, client_id)
    if row is None or not hmac.compare_digest(str(row["secret_hash"]), _secret_hash(secret)):
        return None
    return None if row["revoked_at"] is not None else _client(row)


def live_client(client_id: str, url: str | None = None) -> PactClient | None:
    """The client if it still exists and is not revoked (checked on every request with its token)."""
    with transaction(url) as conn:
        row = repo.client_by_client_id(conn, client_id)
    return None if row is None or row["revoked_at"] is not None else _client(row)


# ------------------------------------------------------------------------------------ storing footprints
def _canonical(doc: Mapping[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@lru_cache(maxsize=1)
def _v3_schema() -> dict[str, Any] | None:
    """The v3 ProductFootprint schema, read once per process (a host validates every document it stores)."""
    return exchange.schema("v3")


def _validate(doc: Mapping[str, Any], where: str) -> str:
    """As :func:`exchange.validate` for v3, with the schema read once."""
    sch = _v3_schema()
    if sch is None:
        return exchange.validate(doc, where)  # says "not validated" and why
    errors = validation_errors(doc, sch)
    if errors:
        raise InputError(f"PACT 文档不符合 v3 模式：{'; '.join(errors[:5])}",
                         f"the PACT document does not validate against v3: {'; '.join(errors[:5])}",
                         file=where, field=errors[0].split(":", 1)[0], expected="a PACT v3 ProductFootprint",
                         details={"errors": errors})
    return "valid (PACT v3 schema)"


def _checked(doc: Mapping[str, Any], where: str, index: int) -> str:
    """Validate one v3 document (schema where kept, and the house's reading of it); the validation status."""
    if not isinstance(doc, Mapping):
        raise InputError("PACT 文档应为 JSON 对象", "a PACT document must be a JSON object", file=where, row=index + 1,
                         expected="a ProductFootprint object")
    if not str(doc.get("specVersion", "")).startswith("3."):
        raise InputError("只接受 PACT v3 文档", "only PACT v3 documents are accepted here", file=where, row=index + 1,
                         field="specVersion", expected="3.0.x")
    try:
        status = _validate(doc, where)
        import_document(doc, where)
    except InputError as exc:
        raise exc.with_location(row=index + 1) from exc
    return status


def _store(conn: Any, factory_id: str, origin: str, doc: dict[str, Any], source: str, status: str) -> Stored:
    pf_id = str(doc["id"]).lower()
    text = _canonical(doc)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    old = repo.footprint_by_pf_id(conn, factory_id, origin, pf_id)
    if old is not None and old["sha256"] == digest:
        return Stored(pf_id, False, None, status)
    replaced = None
    now = int(time.time())
    if old is not None:
        if origin == "supplier":
            raise InputError(f"供应商足迹 {pf_id} 的内容与已存的不同（PACT v3 规定任何修改须用新标识）",
                             f"supplier footprint {pf_id} differs from the one stored under that id (PACT v3: "
                             "any change makes a new id)", file=source, field="id", expected="a new id")
        replaced = pf_id
        pf_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"zerocarbon:pact:{pf_id}:{digest}"))
        doc = {**doc, "id": pf_id, "precedingPfIds": [*doc.get("precedingPfIds", []), replaced]}
        text = _canonical(doc)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        again = repo.footprint_by_pf_id(conn, factory_id, origin, pf_id)
        if again is not None:
            return Stored(pf_id, False, replaced, status)
        repo.set_deprecated(conn, int(old["id"]), now)
        audit.record(conn, "pact.deprecate", "pact_footprint", replaced, factory_id,
                     before={"id": replaced, "status": "Active"}, after={"id": replaced, "status": "Deprecated",
                                                                         "replaced_by": pf_id})
    repo.insert_footprint(conn, factory_id=factory_id, origin=origin, pf_id=pf_id, document=text, sha256=digest,
                          source=source, stored_by=audit.current_actor.get(), stored_at=now)
    audit.record(conn, "pact.publish" if origin == "published" else "pact.supplier", "pact_footprint", pf_id,
                 factory_id, after={"id": pf_id, "sha256": digest, "source": source, "replaces": replaced})
    return Stored(pf_id, True, replaced, status)


def store_documents(factory_id: str, docs: Sequence[Mapping[str, Any]], origin: str, source: str,
                    url: str | None = None) -> list[Stored]:
    """Validate and store PACT v3 documents of a factory, all or none (see the module docstring).

    Raises
    ------
    InputError
        Unknown factory, a document that is not v3 or does not validate (naming its position).
    """
    if origin not in ORIGINS:
        raise ValueError(f"origin must be one of {ORIGINS}")
    checked = [(_checked(d, source, i), d) for i, d in enumerate(docs)]
    checked_docs = [(dict(d), st) for st, d in checked]
    with transaction(url) as conn:
        _require_factory(conn, factory_id)
        return [_store(conn, factory_id, origin, d, source, st) for d, st in checked_docs]


def publish_file(factory_id: str, path: Path, url: str | None = None) -> list[Stored]:
    """Publish the documents of a PACT JSON file (e.g. ``zerocarbon footprint export``)."""
    from zerocarbon.footprint.pact import read_documents

    return store_documents(factory_id, read_documents(Path(path)), "published", str(path), url)


def publish_study(factory_id: str, study: Path, url: str | None = None, from_store: bool = False) -> list[Stored]:
    """Run a footprint study (inventory from its activity file, or the store's with ``from_store``) and publish
    the PACT v3 document of each product."""
    from zerocarbon.services.footprint.run import run_study

    result = run_study(study, factory=factory_id if from_store else None, url=url, iterations=0)
    return store_documents(factory_id, result.pact_documents(), "published", str(study), url)


def _served(row: Any) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(str(row["document"]))
    if row["deprecated_at"] is not None:
        doc["status"] = "Deprecated"
    return doc


def footprints(factory_id: str, origin: str = "published", criteria: Criteria | None = None,
               url: str | None = None) -> list[dict[str, Any]]:
    """A factory's footprints as served (a replaced one with status Deprecated), filtered, in stored order."""
    with transaction(url) as conn:
        rows = repo.footprints_of_factory(conn, factory_id, origin)
    docs = [_served(r) for r in rows]
    return [d for d in docs if criteria is None or matches(d, criteria)]


def footprint(factory_id: str, pf_id: str, origin: str = "published", url: str | None = None) -> dict[str, Any] | None:
    """One footprint of a factory as served, or None."""
    with transaction(url) as conn:
        row = repo.footprint_by_pf_id(conn, factory_id, origin, pf_id)
    return None if row is None else _served(row)


def write_supplier_file(factory_id: str, path: Path, criteria: Criteria | None = None,
                        url: str | None = None) -> tuple[Path, int]:
    """Write the factory's stored supplier footprints (optionally filtered) as a PACT JSON list for a study."""
    docs = footprints(factory_id, "supplier", criteria, url)
    if not docs:
        raise InputError(f"工厂 {factory_id} 没有符合条件的供应商足迹", f"factory {factory_id} has no matching "
                         "supplier footprint", field="factory_id", expected="footprints pulled first")
    return write_documents(docs, path), len(docs)
