"""One error format for every answer that is not a success.

    {"error": {"code": "factory.not_found", "message": "没有找到该工厂", "details": {...}}}

``code`` is stable (clients branch on it); ``message`` is in the request's language
(``Accept-Language``: Chinese by default, English when the client prefers ``en``); ``details`` is
optional structured data (the location of a bad value, the validation errors). The response says
which language it used in ``Content-Language``.

=================================  ======  ============================================================
raised                             status  code
=================================  ======  ============================================================
:class:`ApiError`                  any     its own
:class:`~zerocarbon.errors.ZerocarbonError`  422  ``input.invalid`` (``input.unit``, ``factor.missing``)
                                           with ``details`` = file, sheet, row, field, expected
``RequestValidationError``         422     ``request.invalid`` with ``details`` = the failing fields
HTTP errors of the router          404/405 ``route.not_found`` / ``method.not_allowed``
anything else                      500     ``internal.error`` (no details; the server log has them)
=================================  ======  ============================================================
"""

from __future__ import annotations

import logging
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from zerocarbon.errors import FactorError, UnitError, ZerocarbonError

log = logging.getLogger(__name__)

Lang = Literal["zh", "en"]
CONTENT_LANGUAGE = {"zh": "zh-CN", "en": "en"}


class ApiError(Exception):
    """An error answer: HTTP status, stable code, message in Chinese and English, optional details."""

    def __init__(self, status: int, code: str, message_zh: str, message_en: str, details: Any = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status} {code}: {message_en}")
        self.status = status
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.details = details
        self.headers = headers

    def message(self, lang: Lang) -> str:
        return self.message_zh if lang == "zh" else self.message_en


class ErrorBody(BaseModel):
    code: str = Field(description="stable error code, e.g. factory.not_found", examples=["factory.not_found"])
    message: str = Field(description="human-readable message in the request's language (zh-CN default)")
    details: Any = Field(None, description="structured details (location of a bad value, failing fields)")


class ErrorResponse(BaseModel):
    """The body of every error answer."""

    error: ErrorBody


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorResponse, "description": description}


#: Error answers documented on every route (OpenAPI ``responses``).
COMMON_ERRORS: dict[int | str, dict[str, Any]] = {
    401: _error("not signed in, or the token / API key is invalid or expired (auth.*)"),
    403: _error("signed in, but the role may not do this (auth.forbidden)"),
    404: _error("no such resource visible to the caller (factory.not_found, …)"),
    422: _error("invalid input: request.invalid (schema) or input.invalid (content), with details"),
    500: _error("unexpected server error (internal.error)"),
}


def request_lang(request: Request) -> Lang:
    """The language of the answer: a ``lang=zh|en`` query parameter where the request has one (a download's
    ``?lang=en`` answers its errors in English too), else the first of ``zh``/``en`` in ``Accept-Language`` by
    quality; ``zh`` otherwise."""
    asked = request.query_params.get("lang")
    if asked in ("zh", "en"):
        return "en" if asked == "en" else "zh"
    header = request.headers.get("accept-language", "")
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(header.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        q = 1.0
        for p in pieces[1:]:
            key, _, value = p.strip().partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if tag and q > 0:
            ranked.append((-q, i, tag))
    for _q, _i, tag in sorted(ranked):
        if tag.startswith("en"):
            return "en"
        if tag.startswith("zh"):
            return "zh"
    return "zh"


def error_response(request: Request, status: int, code: str, message_zh: str, message_en: str,
                   details: Any = None, headers: dict[str, str] | None = None) -> JSONResponse:
    lang = request_lang(request)
    body = {"error": {"code": code, "message": message_zh if lang == "zh" else message_en,
                      "details": jsonable_encoder(details)}}
    return JSONResponse(body, status_code=status,
                        headers={**(headers or {}), "Content-Language": CONTENT_LANGUAGE[lang]})


def _zerocarbon_code(exc: ZerocarbonError) -> str:
    if isinstance(exc, UnitError):
        return "input.unit"
    if isinstance(exc, FactorError):
        return "factor.missing"
    return "input.invalid"


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(request, exc.status, exc.code, exc.message_zh, exc.message_en, exc.details, exc.headers)


async def _zerocarbon_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ZerocarbonError)
    where = {"file": exc.file, "sheet": exc.sheet, "row": exc.row, "field": exc.field, "expected": exc.expected}
    details: dict[str, object] = {k: v for k, v in where.items() if v is not None}
    if exc.details:
        details["details"] = exc.details
    return error_response(request, 422, _zerocarbon_code(exc), exc.message("zh"), exc.message("en"), details or None)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # The offending input is not echoed back: it may be a password.
    errors = [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
              for e in exc.errors()]
    first = errors[0] if errors else {"loc": [], "msg": ""}
    where = ".".join(str(p) for p in first["loc"])
    return error_response(request, 422, "request.invalid", f"请求数据无效：{where} {first['msg']}".strip(),
                          f"the request is not valid: {where} {first['msg']}".strip(), errors)


_HTTP_CODES = {404: ("route.not_found", "没有这个地址", "no such address"),
               405: ("method.not_allowed", "该地址不支持此方法", "method not allowed on this address")}


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code, zh, en = _HTTP_CODES.get(exc.status_code, (f"http.{exc.status_code}", "请求无法处理", str(exc.detail)))
    return error_response(request, exc.status_code, code, zh, en, headers=dict(exc.headers or {}))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(request, 500, "internal.error", "服务器内部错误，请联系管理员",
                          "internal server error; please contact the administrator")


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers above on ``app``."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(ZerocarbonError, _zerocarbon_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)


# ------------------------------------------------------------------------ errors raised in many places
def not_found(code: str = "factory.not_found") -> ApiError:
    """404 for a factory (or anything in it) the caller may not see: the same answer whether it exists or not."""
    return ApiError(404, code, "没有找到该资源（不存在或无权访问）",
                    "not found (it does not exist or is not yours to see)")


def forbidden(what_zh: str = "当前角色无权执行此操作", what_en: str = "your role may not do this") -> ApiError:
    return ApiError(403, "auth.forbidden", what_zh, what_en)


def unauthorized(code: str, message_zh: str, message_en: str) -> ApiError:
    return ApiError(401, code, message_zh, message_en, headers={"WWW-Authenticate": "Bearer"})


def too_many_attempts(retry_after: int, details: dict[str, Any] | None = None) -> ApiError:
    """429 ``auth.too_many_attempts``: too many failed sign-ins; ``Retry-After`` [s] says when to try again."""
    return ApiError(429, "auth.too_many_attempts", f"登录失败次数过多，请 {retry_after} 秒后再试",
                    f"too many failed sign-ins: try again in {retry_after} seconds",
                    {**(details or {}), "retry_after": retry_after}, headers={"Retry-After": str(retry_after)})
