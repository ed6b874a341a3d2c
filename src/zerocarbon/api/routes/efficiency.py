"""Process decarbonisation: the equipment register's template and columns, grading an uploaded register, and
the register kept in the store (list, get, upload, delete; ``services.efficiency.equipment_store``).

Grading reads the file with the register's importer; a file that does not read answers 422
``input.invalid`` naming the file, sheet, row and field (``details``). Nothing is stored: the
answer is the diagnosis of the register alone (grades with the table row used, 节能装备应用占比,
savings of an upgrade to grade 1 under each method regime's electricity factor, measures).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Path, Query, Request, Response, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, create_model

from zerocarbon.api.deps import ReadableFactory, StoreUrl, factory_permission, get_principal
from zerocarbon.api.errors import COMMON_ERRORS, ApiError
from zerocarbon.api.roles import Permission
from zerocarbon.energy.equipment import EQUIPMENT
from zerocarbon.errors import InputError
from zerocarbon.model.entities import KINDS
from zerocarbon.services.efficiency import equipment_store, runs

router = APIRouter(tags=["efficiency"], responses=COMMON_ERRORS)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/efficiency/template.xlsx", response_class=Response, dependencies=[Depends(get_principal)],
            summary="The equipment register template (设备能效台账, Chinese headers); its columns as JSON when "
                    "the request accepts only application/json",
            responses={200: {"content": {
                XLSX: {"schema": {"type": "string", "format": "binary"}},
                "application/json": {"schema": {"type": "object", "description": "sheet key → its columns"}}}}})
def register_template(request: Request) -> Response:
    if request.headers.get("accept", "").strip() == "application/json":
        return JSONResponse(runs.register_schema())
    return Response(runs.template_bytes(), media_type=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="zerocarbon-equipment-template.xlsx"'})


@router.get("/efficiency/schema", dependencies=[Depends(get_principal)],
            summary="The register's columns per sheet, from the one entity declaration")
def register_schema() -> dict[str, list[dict[str, Any]]]:
    return runs.register_schema()


@router.post("/factories/{factory_id}/equipment/grade",
             summary="Grade an uploaded equipment register (.xlsx, .yaml, .json); nothing is stored")
def grade_register(factory_id: ReadableFactory,
                   file: Annotated[UploadFile, File(description="the register: .xlsx (template), .yaml or .json")],
                   year: Annotated[int | None, Query(ge=1990, le=2100, description="data year of the factors "
                                                                                  "(default: the register's)")] = None,
                   ) -> dict[str, Any]:
    content = file.file.read(runs.MAX_BYTES + 1)
    diagnosis = runs.grade_upload(file.filename or "register.xlsx", content, year)
    out = diagnosis.to_dict()
    out["factory"]["id"] = out["factory"]["id"] or factory_id
    return out


@router.get("/factories/{factory_id}/efficiency",
            summary="Grade the factory's register: the stored devices (台账来源 store) with the settings of its "
                    "companion register file, or that file alone when nothing is stored (台账来源 file); stored "
                    "devices without settings: their grades and shares only (savings need the settings)")
def grade_stored(factory_id: ReadableFactory, url: StoreUrl,
                 year: Annotated[int | None, Query(ge=1990, le=2100, description="data year of the factors "
                                                                                "(default: the register's)")] = None,
                 ) -> dict[str, Any]:
    """The same answer as ``POST …/equipment/grade`` for the register the factory keeps; ``register_source``
    says which register was read. 404 ``equipment.none``: no stored device and no register file. Devices
    stored but no settings (tariff, discount rate, horizon): their grades alone (``grades_only``: grades, table
    rows, below-minimum flags, 节能装备应用占比; savings ``null``, no measures) with ``savings_need_settings``
    naming the missing fields in zh and en."""
    try:
        diagnosis = runs.grade_stored_register(factory_id, year, url=url)
    except InputError as exc:
        if exc.field != "equipment":
            raise
        raise ApiError(404, "equipment.none", exc.message_zh, exc.message_en, {"factory": factory_id}) from exc
    out = diagnosis.to_dict()
    out["factory"]["id"] = out["factory"]["id"] or factory_id
    return out


# ------------------------------------------------------------------------------ the stored register
EditingFactory = Annotated[str, Depends(factory_permission(Permission.SETUP))]
DeviceCode = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f/]+$",
                                 description="device code (设备编号)")]

#: A stored device as the API shows it: the fields of the one declaration (``EQUIPMENT``), typed by its kinds.
EquipmentPublic: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "EquipmentPublic", __config__=ConfigDict(extra="forbid"),
    **{a.name: (KINDS[a.kind].api if a.required else KINDS[a.kind].api | None, Field(description=a.description))
       for a in EQUIPMENT})


class EquipmentUploaded(BaseModel):
    """What an upload did, by device code; nothing is written for ``unchanged`` devices."""

    added: list[str] = Field(description="codes added")
    changed: list[str] = Field(description="codes whose values were replaced")
    unchanged: list[str] = Field(description="codes sent with the values already stored")


@router.get("/factories/{factory_id}/equipment", response_model=list[EquipmentPublic],
            summary="The factory's stored equipment register (设备能效台账), by device code")
def list_equipment(factory_id: ReadableFactory, url: StoreUrl) -> list[dict[str, Any]]:
    return [equipment_store.device_dict(d) for d in equipment_store.devices(factory_id, url)]


@router.get("/factories/{factory_id}/equipment/{code}", response_model=EquipmentPublic,
            summary="One stored device")
def get_equipment(factory_id: ReadableFactory, code: DeviceCode, url: StoreUrl) -> dict[str, Any]:
    try:
        return equipment_store.device_dict(equipment_store.device(factory_id, code, url))
    except InputError as exc:
        raise ApiError(404, "equipment.not_found", exc.message_zh, exc.message_en, {"code": code}) from exc


@router.post("/factories/{factory_id}/equipment", response_model=EquipmentUploaded,
             summary="Upload devices into the stored register (.xlsx template sheet 设备台账, .yaml, .json); "
                     "merged by code, idempotent; every problem of the file at once")
def upload_equipment(factory_id: EditingFactory, url: StoreUrl,
                     file: Annotated[UploadFile, File(description="the register: .xlsx (sheet 设备台账), .yaml or "
                                                                  ".json (devices: [...])")]) -> EquipmentUploaded:
    """A new code is added, a code with other values is replaced, a code with the same values is left
    alone; devices not in the file stay. A file with any problem stores nothing and answers 422
    ``input.invalid`` with ``details.details.errors``: one entry per problem with file, sheet, row and
    field. Every change is in the audit chain."""
    content = file.file.read(equipment_store.MAX_BYTES + 1)
    done = equipment_store.upload(factory_id, file.filename, content, url=url)
    return EquipmentUploaded(added=done.added, changed=done.changed, unchanged=done.unchanged)


@router.delete("/factories/{factory_id}/equipment/{code}", status_code=204, response_class=Response,
               summary="Remove a device from the stored register")
def delete_equipment(factory_id: EditingFactory, code: DeviceCode, url: StoreUrl) -> Response:
    try:
        equipment_store.delete(factory_id, code, url=url)
    except InputError as exc:
        if exc.field != "code":
            raise
        raise ApiError(404, "equipment.not_found", exc.message_zh, exc.message_en, {"code": code}) from exc
    return Response(status_code=204)
