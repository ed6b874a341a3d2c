"""The OpenAPI document is complete: every operation has a typed answer and documents its errors."""

from __future__ import annotations

from typing import Any
from unittest import mock

from zerocarbon.api import app as app_module
from zerocarbon.api.app import create_app
from zerocarbon.api.settings import Settings

ERROR_REF = "#/components/schemas/ErrorResponse"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Operations answering a file: the media types they must document.
FILES = {"/api/v1/factories/{factory_id}/reports/{period}.{fmt}": {"text/html", "application/json"},
         "/api/v1/factories/{factory_id}/activity-files/{file_id}": {XLSX, "application/yaml", "application/json"},
         "/api/v1/activity-template.xlsx": {XLSX}, "/api/v1/region/{year}/workbook": {XLSX},
         "/api/v1/factories/{factory_id}/footprints/declarations/{product}/{scheme}.{fmt}":
             {"application/json", "text/html", "application/pdf"},
         "/api/v1/factories/{factory_id}/hourly-carbon/{year}":
             {"application/json", "text/csv", "application/x-ndjson", "application/vnd.apache.parquet"}}


def _spec() -> dict[str, Any]:
    return create_app(Settings(environment="development")).openapi()


def test_every_operation_has_a_response_model_and_its_errors() -> None:
    spec = _spec()
    operations = [(path, method, op) for path, ops in spec["paths"].items() if path.startswith("/api/v1/")
                  and not path.startswith("/api/v1/dashboard/") for method, op in ops.items()]
    assert len(operations) >= 35
    for path, method, op in operations:
        where = f"{method.upper()} {path}"
        assert op.get("summary"), where
        ok = [code for code in op["responses"] if code.startswith("2")]
        assert len(ok) == 1, where
        answer = op["responses"][ok[0]]
        if ok[0] != "204":
            content = answer.get("content", {})
            if path in FILES:
                assert FILES[path] <= set(content), where
            else:
                assert content["application/json"]["schema"], where
        for code in ("422", "500") if path.startswith("/api/v1/auth/") else ("401", "403", "404", "422", "500"):
            assert op["responses"][code]["content"]["application/json"]["schema"]["$ref"] == ERROR_REF, (where, code)
        if not path.startswith("/api/v1/auth/"):
            assert op.get("security"), where  # bearer token (and API key where accepted)


def test_security_schemes() -> None:
    schemes = _spec()["components"]["securitySchemes"]
    assert schemes["OAuth2PasswordBearer"]["flows"]["password"]["tokenUrl"] == "/api/v1/auth/token"
    assert schemes["APIKeyHeader"] == {"type": "apiKey", "in": "header", "name": "X-API-Key",
                                       "description": schemes["APIKeyHeader"]["description"]}
    push = _spec()["paths"]["/api/v1/factories/{factory_id}/readings"]["post"]
    assert push["x-api-key-scope"] == "readings:write"


def test_serve_runs_uvicorn_with_the_app() -> None:
    settings = Settings(environment="production", secret_key="p" * 40)
    with mock.patch("uvicorn.run") as run:
        app_module.serve("127.0.0.1", 8123, settings)
    (app,), kwargs = run.call_args
    assert app.state.settings is settings and kwargs["host"] == "127.0.0.1" and kwargs["port"] == 8123
