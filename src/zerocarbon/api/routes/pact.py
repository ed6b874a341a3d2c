"""The PACT v3 host-system API under ``/pact`` and its management under ``/api/v1/factories/{id}/pact``.

PACT Technical Specifications 3.0.3 (WBCSD; ``spec/v3/openapi.yaml`` and ``spec/v3/rest-api.md`` of
github.com/wbcsd/data-exchange-protocol); docs/footprints.md, "PACT host system", says what is
implemented and where the spec's texts differ.

===================================  =================================================================
``POST /pact/auth/token``            Action Authenticate: OAuth2 client credentials (RFC 6749 §4.4),
                                     HTTP Basic ``client_id:client_secret``, ``grant_type=client_credentials``
``GET /pact/3/footprints``           Action ListFootprints: filters, ``limit``, ``Link: <…>; rel="next"``
``GET /pact/3/footprints/{id}``      Action GetFootprint
``POST /pact/3/events``              Action Events (CloudEvents 1.0, structured mode): 200, empty body
===================================  =================================================================

Errors are PACT error responses ``{"code": …, "message": …}`` (the message in the request's language,
zh-CN by default, as the spec allows localised messages): BadRequest 400 (also a missing or invalid
token, as the conformance test cases 6, 7 and 16 expect), TokenExpired 401, AccessDenied 403 (plain
HTTP, revoked credentials), NotFound 404 (the code of openapi.yaml's Error enum; rest-api.md's table
still names it NoSuchFootprint), NotImplemented 400 (v2's OData ``$filter``), InternalError 500. The
token endpoint answers RFC 6749 §5.2 errors (``invalid_client`` 401, ``invalid_request`` and
``unsupported_grant_type`` 400). A data recipient sees one factory's footprints; another factory's
answer NotFound, the same as an unknown id.

HTTPS only: a request that did not arrive over HTTPS (``request.url.scheme``; behind a reverse
proxy, uvicorn takes it from ``X-Forwarded-Proto`` of a trusted proxy) answers 403 AccessDenied,
unless ``ZEROCARBON_PACT_ALLOW_HTTP=true`` (local use and tests only).
"""

from __future__ import annotations

import base64
import binascii
import time
from typing import Annotated, Any
from urllib.parse import unquote, urlencode

import jwt
from fastapi import APIRouter, Body, Depends, FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from zerocarbon.api.deps import Now, PrincipalDep, StoreUrl, factory_permission
from zerocarbon.api.errors import COMMON_ERRORS, not_found, request_lang
from zerocarbon.api.roles import Permission
from zerocarbon.api.security import ALGORITHM, ISSUER, LEEWAY_SECONDS
from zerocarbon.api.settings import Settings
from zerocarbon.errors import ZerocarbonError
from zerocarbon.services.footprint import pact_events, pact_host
from zerocarbon.services.footprint.pact_filters import criteria_from
from zerocarbon.store.audit import current_actor

PACT_PREFIX = "/pact"
SCOPES = "footprint:list footprint:read"
TOKEN_TYPE = "pact"


class PactSettings(BaseSettings):
    """Settings of the PACT host (environment ``ZEROCARBON_PACT_<FIELD>``)."""

    model_config = SettingsConfigDict(env_prefix="ZEROCARBON_PACT_", env_file=".env", extra="ignore")

    allow_http: bool = Field(False, description="serve over plain HTTP too (local use and tests only)")
    token_minutes: int = Field(60, gt=0, le=24 * 60, description="life of an access token [min]")
    page_size: int = Field(100, gt=0, le=10_000, description="most footprints in one page of ListFootprints")


class PactError(Exception):
    """A PACT error response: HTTP status, PACT error code, message in Chinese and English."""

    def __init__(self, status: int, code: str, zh: str, en: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status} {code}: {en}")
        self.status, self.code, self.zh, self.en, self.headers = status, code, zh, en, headers


def _answer(request: Request, status: int, code: str, zh: str, en: str,
            headers: dict[str, str] | None = None) -> JSONResponse:
    lang = request_lang(request)
    return JSONResponse({"code": code, "message": zh if lang == "zh" else en}, status_code=status,
                        headers={**(headers or {}), "Content-Language": "zh-CN" if lang == "zh" else "en"})


def bad_request(zh: str, en: str) -> PactError:
    return PactError(400, "BadRequest", zh, en)


# ------------------------------------------------------------------------------------------ the host
class TokenAnswer(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="[s]")
    scope: str = SCOPES


def _oauth_error(status: int, error: str, description: str, basic: bool = False) -> JSONResponse:
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
    if basic:
        headers["WWW-Authenticate"] = 'Basic realm="pact"'
    return JSONResponse({"error": error, "error_description": description}, status_code=status, headers=headers)


def _basic(request: Request) -> tuple[str, str] | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        text = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = text.partition(":")
    # RFC 6749 §2.3.1: the id and secret are form-urlencoded before Basic encoding.
    return (unquote(client_id), unquote(secret)) if sep else None


def _claims(request: Request) -> dict[str, Any]:
    """The claims of the request's bearer token; PactError per the module docstring."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise bad_request("缺少访问令牌（Authorization: Bearer）", "missing access token (Authorization: Bearer)")
    settings: Settings = request.app.state.settings
    try:
        claims: dict[str, Any] = jwt.decode(token.strip(), settings.secret_key, algorithms=[ALGORITHM], issuer=ISSUER,
                                            leeway=LEEWAY_SECONDS, options={"require": ["exp", "iat", "sub", "iss"]})
    except jwt.ExpiredSignatureError:
        raise PactError(401, "TokenExpired", "访问令牌已过期", "the access token has expired",
                        {"WWW-Authenticate": 'Bearer error="invalid_token"'}) from None
    except jwt.PyJWTError:
        raise bad_request("访问令牌无效", "invalid access token") from None
    if claims.get("type") != TOKEN_TYPE or not isinstance(claims.get("factory"), str):
        raise bad_request("访问令牌无效", "invalid access token")
    return claims


async def pact_client(request: Request) -> pact_host.PactClient:
    """The data recipient of the request (HTTPS checked first, then the token, then that it is not revoked)."""
    _require_https(request)
    claims = _claims(request)
    client = await run_in_threadpool(pact_host.live_client, str(claims["sub"]), request.app.state.settings.database_url)
    if client is None or client.factory_id != claims["factory"]:
        raise PactError(403, "AccessDenied", "客户端凭据已吊销", "access denied: the client credentials were revoked")
    current_actor.set(f"pact:{client.client_id}")
    return client


ClientDep = Annotated[pact_host.PactClient, Depends(pact_client)]


def _require_https(request: Request) -> None:
    if request.url.scheme != "https" and not request.app.state.pact.allow_http:
        raise PactError(403, "AccessDenied", "PACT 接口只接受 HTTPS", "access denied: the PACT API is served over "
                        "HTTPS only")


host = APIRouter()


@host.post("/auth/token", response_model=TokenAnswer, summary="Action Authenticate (OAuth2 client credentials)")
async def token(request: Request) -> Response:
    """RFC 6749 §4.4: HTTP Basic client credentials, form body ``grant_type=client_credentials``."""
    if request.url.scheme != "https" and not request.app.state.pact.allow_http:
        return _oauth_error(400, "invalid_request", "HTTPS is required")
    form = await request.form()
    credentials = _basic(request)
    if credentials is None:
        return _oauth_error(401, "invalid_client", "client authentication failed (HTTP Basic required)", basic=True)
    client = await run_in_threadpool(pact_host.authenticate_client, *credentials,
                                     request.app.state.settings.database_url)
    if client is None:
        return _oauth_error(401, "invalid_client", "client authentication failed", basic=True)
    if form.get("grant_type") != "client_credentials":
        return _oauth_error(400, "unsupported_grant_type", "grant_type must be client_credentials")
    cfg: PactSettings = request.app.state.pact
    now = int(time.time())
    life = cfg.token_minutes * 60
    access = jwt.encode({"sub": client.client_id, "factory": client.factory_id, "type": TOKEN_TYPE,
                         "scope": SCOPES, "iat": now, "exp": now + life, "iss": ISSUER},
                        request.app.state.settings.secret_key, algorithm=ALGORITHM)
    return JSONResponse(TokenAnswer(access_token=access, expires_in=life).model_dump(),
                        headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


def _int(value: str, name: str, least: int) -> int:
    if not value.isdigit() or int(value) < least:
        raise bad_request(f"{name} 应为不小于 {least} 的整数", f"{name} must be an integer ≥ {least}")
    return int(value)


@host.get("/3/footprints", summary="Action ListFootprints")
async def list_footprints(request: Request, client: ClientDep) -> Response:
    """Filters of PACT v3 (services/footprint/pact_filters.py); ``limit``; ``offset`` of a pagination link."""
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    if "$filter" in params:
        raise PactError(400, "NotImplemented", "不支持 OData $filter（PACT v3 已弃用）",
                        "the OData $filter of PACT v2 is not implemented (deprecated in v3.0)")
    cfg: PactSettings = request.app.state.pact
    limit = min(_int(params["limit"][-1], "limit", 1), cfg.page_size) if "limit" in params else cfg.page_size
    offset = _int(params["offset"][-1], "offset", 0) if "offset" in params else 0
    try:
        criteria = criteria_from({k: v for k, v in params.items() if k in pact_events.CRITERIA_KEYS})
    except ZerocarbonError as exc:
        raise bad_request(exc.message("zh"), exc.message("en")) from None
    docs = await run_in_threadpool(pact_host.footprints, client.factory_id, "published", criteria,
                                   request.app.state.settings.database_url)
    page = docs[offset:offset + limit]
    headers = {}
    if offset + limit < len(docs):
        query = urlencode([*criteria.query(), ("limit", str(limit)), ("offset", str(offset + limit))])
        headers["Link"] = f'<{request.url.replace(query=query)}>; rel="next"'
    return JSONResponse({"data": page}, headers=headers)


@host.get("/3/footprints/{pf_id}", summary="Action GetFootprint")
async def get_footprint(pf_id: str, request: Request, client: ClientDep) -> Response:
    doc = await run_in_threadpool(pact_host.footprint, client.factory_id, pf_id, "published",
                                  request.app.state.settings.database_url)
    if doc is None:
        raise PactError(404, "NotFound", f"没有足迹 {pf_id}", f"the footprint {pf_id} does not exist")
    return JSONResponse({"data": doc})


@host.post("/3/events", summary="Action Events (CloudEvents, structured mode)")
async def events(request: Request, client: ClientDep) -> Response:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in ("application/cloudevents+json", "application/json"):
        raise bad_request("事件的内容类型应为 application/cloudevents+json",
                          "events must be sent as application/cloudevents+json")
    try:
        body = await request.json()
    except ValueError:
        raise bad_request("事件不是有效的 JSON", "the event is not valid JSON") from None
    own = f"//{request.url.netloc}{request.scope.get('root_path', '')}/3/events"
    await run_in_threadpool(pact_events.receive, client.factory_id, client.client_id, body, own,
                            request.app.state.settings.database_url)
    return Response(status_code=200)


async def _pact_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PactError)
    return _answer(request, exc.status, exc.code, exc.zh, exc.en, exc.headers)


async def _input_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ZerocarbonError)
    return _answer(request, 400, "BadRequest", exc.message("zh"), exc.message("en"))


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    return _answer(request, 400, "BadRequest", "请求无效", "bad request")


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        return _answer(request, 404, "NotFound", "没有这个地址", "no such address")
    if exc.status_code == 405:
        return _answer(request, 400, "NotImplemented", "该地址不支持此方法", "this method is not implemented here")
    return _answer(request, exc.status_code, "BadRequest", "请求无法处理", str(exc.detail))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    return _answer(request, 500, "InternalError", "服务器内部错误", "an internal or unexpected error has occurred")


def pact_app(settings: Settings, pact: PactSettings | None = None) -> FastAPI:
    """The PACT host as its own application (its own error format), to be mounted at :data:`PACT_PREFIX`."""
    app = FastAPI(title="zerocarbon PACT v3 host", version="3.0.3", redoc_url=None,
                  description="PACT Technical Specifications 3.0.3 host system (docs/footprints.md)")
    app.state.settings = settings
    app.state.pact = pact or PactSettings()
    app.include_router(host)
    app.add_exception_handler(PactError, _pact_error)
    app.add_exception_handler(ZerocarbonError, _input_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
    return app


# ------------------------------------------------------------------------------------ management (/api/v1)
router = APIRouter(tags=["pact"], responses=COMMON_ERRORS)
ManagedFactory = Annotated[str, Depends(factory_permission(Permission.API_KEYS))]


class ClientCreate(BaseModel):
    name: str = Field("", max_length=200, description="who the credentials are for (the customer)")


@router.post("/factories/{factory_id}/pact/clients", status_code=201,
             summary="New PACT client credentials for a data recipient (the secret is shown once)")
def create_client(factory_id: ManagedFactory, body: ClientCreate, url: StoreUrl) -> dict[str, str]:
    client_id, secret = pact_host.create_client(factory_id, body.name, url)
    return {"client_id": client_id, "client_secret": secret, "token_url": f"{PACT_PREFIX}/auth/token"}


@router.get("/factories/{factory_id}/pact/clients", summary="The factory's PACT client credentials (no secrets)")
def list_clients(factory_id: ManagedFactory, url: StoreUrl) -> list[dict[str, Any]]:
    return [c.to_dict() for c in pact_host.list_clients(factory_id, url)]


@router.delete("/factories/{factory_id}/pact/clients/{client_id}",
               summary="Revoke PACT client credentials (their tokens stop working at once)")
def revoke_client(factory_id: ManagedFactory, client_id: str, url: StoreUrl) -> dict[str, Any]:
    try:
        return pact_host.revoke_client(client_id, url, factory_id).to_dict()
    except ZerocarbonError:
        raise not_found("pact_client.not_found") from None


@router.post("/factories/{factory_id}/pact/footprints", summary="Publish PACT v3 documents (e.g. a study's export)")
def publish(factory_id: ManagedFactory, principal: PrincipalDep, now: Now, url: StoreUrl,
            documents: Annotated[Any, Body(description="a ProductFootprint, a list, or {\"data\": […]}")]
            ) -> dict[str, Any]:
    data = documents.get("data", documents) if isinstance(documents, dict) else documents
    docs = data if isinstance(data, list) else [data]
    stored = pact_host.store_documents(factory_id, docs, "published", f"api:{principal.username}@{now}", url)
    return {"footprints": [s.to_dict() for s in stored]}


@router.get("/factories/{factory_id}/pact/footprints", summary="The factory's published PACT footprints")
def published(factory_id: Annotated[str, Depends(factory_permission(Permission.READ))],
              url: StoreUrl) -> dict[str, Any]:
    return {"data": jsonable_encoder(pact_host.footprints(factory_id, "published", None, url))}


def install(app: FastAPI, settings: Settings, api_prefix: str) -> None:
    """Mount the PACT host at :data:`PACT_PREFIX` and the management routes under ``api_prefix``."""
    app.mount(PACT_PREFIX, pact_app(settings))
    app.include_router(router, prefix=api_prefix)
