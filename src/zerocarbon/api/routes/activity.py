"""Declared activity data: upload a factory's file (the Excel template, YAML or JSON), its versions, the template.

The file is checked by the importer before anything is stored; a file that does not read answers
422 ``input.invalid`` naming the file, sheet, row and field (``details``), like every content error
of this API. Uploading is the ``setup`` permission (admin, factory manager, data entry of the
factory); reading the versions is ``read``.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Path, Response, UploadFile

from zerocarbon.api.deps import ReadableFactory, StoreUrl, factory_permission, get_principal
from zerocarbon.api.errors import COMMON_ERRORS, ApiError
from zerocarbon.api.roles import Permission
from zerocarbon.api.schemas import ActivityFilePublic, ActivityFileUploaded
from zerocarbon.errors import InputError
from zerocarbon.services.inventory import declared, template

router = APIRouter(tags=["activity data"], responses=COMMON_ERRORS)

UploadingFactory = Annotated[str, Depends(factory_permission(Permission.SETUP))]
FileId = Annotated[int, Path(ge=1, le=2**62, description="version id of the activity file")]
XLSX = declared.MEDIA_TYPES["xlsx"]
TEMPLATE_NAME = "zerocarbon-activity-template.xlsx"


def _binary(description: str, *media: str, json_too: bool = False) -> dict[int | str, dict[str, Any]]:
    content: dict[str, Any] = {m: {"schema": {"type": "string", "format": "binary"}} for m in media}
    if json_too:
        content["application/json"] = {"schema": {"type": "object", "description": "an activity file in JSON"}}
    return {200: {"description": description, "content": content}}


def _attachment(data: bytes, media_type: str, filename: str, headers: dict[str, str] | None = None) -> Response:
    """``data`` as a download named ``filename`` (RFC 6266: UTF-8 names as ``filename*``)."""
    quoted = quote(filename)
    disposition = (f'attachment; filename="{filename}"' if quoted == filename
                   else f"attachment; filename*=utf-8''{quoted}")
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition, **(headers or {})})


@router.post("/factories/{factory_id}/activity-files", response_model=ActivityFileUploaded,
             summary="Upload the factory's declared activity data (Excel template, YAML or JSON); idempotent",
             responses={413: {"model": COMMON_ERRORS[422]["model"],
                              "description": "larger than 16 MiB (activity_file.too_large)"}})
def post_activity_file(factory_id: UploadingFactory, url: StoreUrl,
                       file: Annotated[UploadFile, File(description=".xlsx/.xlsm (the template), .yaml/.yml or .json")],
                       note: Annotated[str, Form(max_length=2000, pattern=r"^[^\x00]*$",
                                                 description="why this version")] = "") -> ActivityFileUploaded:
    """The file becomes the factory's current declared data: inventories, reports and the dashboard
    use it from now on (metered flows still come from the meters). Every version is kept and the
    upload is in the audit chain. The file must declare this factory (``factory.id`` / 企业编号).
    Like a batch of readings, sending it again is harmless: the bytes of the current version store
    nothing and answer that version with ``created`` false."""
    content = file.file.read(declared.MAX_BYTES + 1)
    if len(content) > declared.MAX_BYTES:
        raise ApiError(413, "activity_file.too_large", f"文件超过 {declared.MAX_BYTES // 2**20} MiB",
                       f"the file is larger than {declared.MAX_BYTES // 2**20} MiB",
                       {"max_bytes": declared.MAX_BYTES})
    done = declared.upload(factory_id, file.filename, content, note=note, url=url)
    summary = {k: v for k, v in dataclasses.asdict(done).items() if k != "file"}  # created, years, counts
    return ActivityFileUploaded.model_validate({**dataclasses.asdict(done.file), **summary})


@router.get("/factories/{factory_id}/activity-files", response_model=list[ActivityFilePublic],
            summary="Versions of the factory's declared activity file, newest (current) first")
def list_activity_files(factory_id: ReadableFactory, url: StoreUrl) -> list[ActivityFilePublic]:
    return [ActivityFilePublic.model_validate(v) for v in declared.versions(factory_id, url)]


@router.get("/factories/{factory_id}/activity-files/{file_id}", response_class=Response,
            summary="Download one version of the declared activity file, exactly as uploaded",
            responses=_binary("the file as uploaded (a JSON file as application/json)",
                              *sorted(set(declared.MEDIA_TYPES.values()) - {"application/json"}),
                              json_too=True))
def get_activity_file(factory_id: ReadableFactory, file_id: FileId, url: StoreUrl) -> Response:
    try:
        version, content = declared.download(factory_id, file_id, url)
    except InputError:
        raise ApiError(404, "activity_file.not_found", "该工厂没有此活动数据文件",
                       "the factory has no such activity file") from None
    return _attachment(content, declared.MEDIA_TYPES[version.format], version.filename,
                       {"ETag": f'"{version.sha256}"'})


@router.get("/activity-template.xlsx", response_class=Response,
            summary="The blank Excel template of activity data (Chinese headers, English second row)",
            responses=_binary("the template", XLSX), dependencies=[Depends(get_principal)])
def get_activity_template() -> Response:
    return _attachment(template.blank_template(TEMPLATE_NAME), XLSX, TEMPLATE_NAME)
