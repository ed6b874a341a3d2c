"""What became of the data sent in: ingest batches, rejected records and dead letters of a factory.

Rows as stored, newest first, a page at a time (the API's lists); the dashboard's data-quality page
(:func:`zerocarbon.services.dashboard.data_quality`) lists rejected records through the same functions.
The rows come from the store's repository :mod:`zerocarbon.store.batches`.

Which factory a batch or a rejected record belongs to is stored with it, never read from a name:
``ingest_batches.factory_id`` (set when the batch is opened, :func:`zerocarbon.ingest.pipeline.open_batch`)
and ``rejected_records.factory_id`` (set on every write, :func:`zerocarbon.store.readings.write_rejects`).
The batches of an MQTT subscriber over every factory's topics hold several factories' readings and
belong to none: no factory's list shows them. Dead letters have no such column: they are selected
by their topic, ``zerocarbon/<factory>/…`` (:func:`dead_letter_filter`).
"""

from __future__ import annotations

from typing import Any

from zerocarbon.store import batches as repo
from zerocarbon.store.batches import batch_filter, dead_letter_filter, rejected_filter

__all__ = ["batch_filter", "batches", "dead_letter_filter", "dead_letters", "rejected", "rejected_filter",
           "rejected_reasons", "rest_batch_name"]


def rest_batch_name(factory_id: str, actor: str) -> str:
    """The name of a REST batch, for people reading the list (which factory it is for is ``factory_id``)."""
    return f"{factory_id}:rest:{actor}"


def batches(factory_id: str, limit: int, offset: int, url: str | None = None) -> tuple[int, list[dict[str, Any]]]:
    """(total, a page of) the factory's ingest batches, newest first."""
    return repo.batch_page(factory_id, limit, offset, url)


def rejected(factory_id: str, limit: int, offset: int, url: str | None = None, batch_id: int | None = None
             ) -> tuple[int, list[dict[str, Any]]]:
    """(total, a page of) the factory's rejected records (of one batch if given), newest first."""
    return repo.rejected_page(factory_id, limit, offset, url, batch_id)


def rejected_reasons(factory_id: str, url: str | None = None, most: int = 20) -> list[tuple[str, int]]:
    """(reason, count) of the factory's rejected records, the ``most`` commonest first."""
    return repo.rejected_reason_counts(factory_id, url, most)


def dead_letters(factory_id: str, limit: int, offset: int, url: str | None = None) -> tuple[int, list[dict[str, Any]]]:
    """(total, a page of) the MQTT messages of the factory's topics that could not be read at all, newest first."""
    return repo.dead_letter_page(factory_id, limit, offset, url)
