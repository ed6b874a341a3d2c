"""Process decarbonisation: the equipment register's template and columns, and grading an uploaded register.

Grading reads the file with the register's importer; a file that does not read answers 422
``input.invalid`` naming the file, sheet, row and field (``details``). Nothing is stored: the
answer is the diagnosis of the register alone (grades with the table row used, 节能装备应用占比,
savings of an upgrade to grade 1 under each method regime's electricity factor, measures).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile
from fastapi.responses import JSONResponse

from zerocarbon.api.deps import ReadableFactory, get_principal
from zerocarbon.api.errors import COMMON_ERRORS
from zerocarbon.services.efficiency import runs

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
