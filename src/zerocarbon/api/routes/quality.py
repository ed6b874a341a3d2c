"""Data quality and audit: ingest batches, rejected records, dead letters, the factory's audit entries."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from zerocarbon.api.deps import ReadableFactory, StoreUrl
from zerocarbon.api.errors import COMMON_ERRORS
from zerocarbon.api.schemas import AuditEntryPublic, BatchPublic, DeadLetterPublic, Page, RejectedRecordPublic
from zerocarbon.services.identity import audit
from zerocarbon.services.metering import quality as data_quality

router = APIRouter(prefix="/factories", tags=["data quality"], responses=COMMON_ERRORS)

Limit = Annotated[int, Query(ge=1, le=1000, description="most items returned")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="items skipped (newest first)")]


@router.get("/{factory_id}/batches", response_model=Page[BatchPublic],
            summary="Ingest batches opened for the factory (files, REST pushes, its MQTT subscriber), newest first")
def list_batches(factory_id: ReadableFactory, url: StoreUrl, limit: Limit = 100, offset: Offset = 0
                 ) -> Page[BatchPublic]:
    total, rows = data_quality.batches(factory_id, limit, offset, url)
    return Page[BatchPublic](total=total, limit=limit, offset=offset, items=[BatchPublic(**r) for r in rows])


@router.get("/{factory_id}/rejected-records", response_model=Page[RejectedRecordPublic],
            summary="Readings and rows that were refused, with location, field and reason")
def list_rejected(factory_id: ReadableFactory, url: StoreUrl, limit: Limit = 100, offset: Offset = 0,
                  batch_id: Annotated[int | None, Query(ge=1, le=2**62)] = None) -> Page[RejectedRecordPublic]:
    total, rows = data_quality.rejected(factory_id, limit, offset, url, batch_id=batch_id)
    return Page[RejectedRecordPublic](total=total, limit=limit, offset=offset,
                                      items=[RejectedRecordPublic(**r) for r in rows])


@router.get("/{factory_id}/dead-letters", response_model=Page[DeadLetterPublic],
            summary="MQTT messages of the factory's topics that could not be read at all")
def list_dead_letters(factory_id: ReadableFactory, url: StoreUrl, limit: Limit = 100, offset: Offset = 0
                      ) -> Page[DeadLetterPublic]:
    total, rows = data_quality.dead_letters(factory_id, limit, offset, url)
    return Page[DeadLetterPublic](total=total, limit=limit, offset=offset, items=[DeadLetterPublic(**r) for r in rows])


@router.get("/{factory_id}/audit", response_model=list[AuditEntryPublic],
            summary="The factory's entries in the audit chain, newest first")
def list_audit(factory_id: ReadableFactory, url: StoreUrl, limit: Limit = 100,
               after_id: Annotated[int | None, Query(ge=0, le=2**62, description="only entries after this id")] = None,
               ) -> list[AuditEntryPublic]:
    return [AuditEntryPublic(**e.to_dict()) for e in audit.entries(url, factory_id=factory_id, limit=limit,
                                                                    after_id=after_id)]
