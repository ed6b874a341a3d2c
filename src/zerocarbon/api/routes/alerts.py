"""Anomaly alerts (告警) and carbon budgets (碳预算) of a factory.

Reading needs ``read``; acknowledging and closing an alert needs ``alerts`` (factory manager, admin). The
alerts are those stored by ``zerocarbon forecast detect``; the budgets those set with ``zerocarbon forecast
budget set`` (docs/forecast.md). Each change of an alert is in the audit chain with who made it.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Path, Query
from pydantic import BaseModel, Field

from zerocarbon.api.deps import ReadableFactory, StoreUrl, factory_permission
from zerocarbon.api.errors import COMMON_ERRORS, not_found
from zerocarbon.api.roles import Permission
from zerocarbon.errors import InputError
from zerocarbon.services.dashboard import alerts as alert_views

router = APIRouter(prefix="/factories", tags=["alerts and budgets"], responses=COMMON_ERRORS)
AlertsFactory = Annotated[str, Depends(factory_permission(Permission.ALERTS))]
Status = Literal["open", "acknowledged", "closed"]


class AlertChange(BaseModel):
    """A change of an alert's status: ``acknowledged`` (optional) or ``closed`` (final)."""

    status: Literal["acknowledged", "closed"]
    note: str = Field("", max_length=2000, description="why (kept with the alert and in the audit chain)")


@router.get("/{factory_id}/alerts", summary="The factory's alerts, newest first, with their evidence curves "
                                            "(observed, expected, band) and counts by status")
def list_alerts(factory_id: ReadableFactory, url: StoreUrl,
                status: Annotated[Status | None, Query(description="only alerts of this status")] = None,
                ) -> dict[str, Any]:
    return alert_views.alert_list(factory_id, url, status)


@router.post("/{factory_id}/alerts/{alert_id}", summary="Acknowledge or close an alert (factory manager, admin)")
def change_alert(factory_id: AlertsFactory, alert_id: Annotated[int, Path(ge=1, le=2**62)], url: StoreUrl,
                 change: Annotated[AlertChange, Body()]) -> dict[str, Any]:
    try:
        return alert_views.change(factory_id, alert_id, change.status, url, change.note)
    except InputError as exc:
        if exc.field == "alert_id":
            raise not_found("alert.not_found") from exc
        raise


@router.get("/{factory_id}/budgets", summary="Status of the factory's carbon budgets in force: actual to date + "
                                             "forecast, projected total, P(overshoot)")
def budgets(factory_id: ReadableFactory, url: StoreUrl,
            period: Annotated[str | None, Query(pattern=r"^\d{4}(-\d{2})?$", description="YYYY or YYYY-MM")] = None,
            ) -> dict[str, Any]:
    return alert_views.budget_status(factory_id, url, period)
