"""Use cases of readings sent by gateways: a batch pushed over REST, the MQTT subscriber.

Both go through the one ingestion path of :mod:`zerocarbon.ingest` (validation, idempotent store,
rejected records with their location). The faces (API, CLI) call these functions; the request model of
a pushed batch, :class:`ReadingBatchIn`, is re-exported here so they need not import the importers.
Payloads: ``docs/meter-mqtt.md``.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from zerocarbon.ingest.mqtt import SubscriberStats, run_subscriber
from zerocarbon.ingest.pipeline import IngestReport
from zerocarbon.ingest.rest import ReadingBatchIn, push_readings
from zerocarbon.services.metering.rollups import refresh_after_ingest

__all__ = ["IngestReport", "ReadingBatchIn", "SubscriberStats", "push_batch", "subscribe"]


def push_batch(batch: ReadingBatchIn, factory_id: str, url: str | None = None, client: str = "rest",
               now: int | None = None) -> IngestReport:
    """Store a batch of readings of ``factory_id`` pushed over REST; returns its report.

    Entries that do not fit are rejected one by one with their location; re-sending a batch stores
    nothing twice (:func:`zerocarbon.ingest.rest.push_readings`).

    Parameters
    ----------
    batch : ReadingBatchIn
        The readings as sent (values [the meter's unit], times ISO 8601 or [s since epoch, UTC]).
    factory_id : str
        The factory they belong to.
    url : str or None
        The store (default: ``ZEROCARBON_DATABASE_URL`` or the embedded file).
    client : str
        Name of the store batch (who pushed it).
    now : int or None
        Current time [s since epoch, UTC] for the "in the future" check; the clock by default.

    Raises
    ------
    InputError
        The store does not know ``factory_id``.
    """
    return push_readings(batch, factory_id, url, client=client, now=now)


def subscribe(factory_id: str | None, url: str | None = None, host: str = "127.0.0.1", port: int = 1883,
              topic: str | Sequence[str] | None = None, client_id: str | None = None,
              stop_event: threading.Event | None = None) -> SubscriberStats:
    """Subscribe to the meter topics of ``factory_id`` (None: any known factory, given ``topic``) on the
    broker ``host:port`` and store the readings until ``stop_event`` is set; returns the counts.

    See :func:`zerocarbon.ingest.mqtt.run_subscriber` for the delivery guarantees and the defaults of
    the topic filters and the persistent session's ``client_id``. A subscriber of one factory brings its
    kept roll-ups up to date each time a store batch closes (every ten minutes by default); one over
    every factory leaves that to the next read (its batches mix factories).
    """
    def on_close(report: IngestReport) -> None:
        if factory_id is not None:
            refresh_after_ingest(factory_id, report, url)
    return run_subscriber(factory_id, url, host, port, topic, client_id, stop_event, on_close=on_close)
