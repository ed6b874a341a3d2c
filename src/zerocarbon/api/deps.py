"""Typed dependencies: settings, store, the caller (:class:`Principal`) and what it may touch.

    SettingsDep   the app's :class:`~zerocarbon.api.settings.Settings`
    StoreUrl      the store URL (``settings.database_url``)
    Now           the current time [s since epoch, UTC] (:func:`get_now`, which tests override)
    ClientIp      the client's address, as the server sees it
    PrincipalDep  the signed-in user (``Authorization: Bearer <access token>``) or gateway
                  (``X-API-Key: zc_<prefix>_<secret>``), loaded fresh from the store
    require_factory / require_permission
                  404 ``factory.not_found`` for a factory the caller may not see (the same answer
                  whether it exists or not, so tenants never learn of each other), 403 when it may
                  see the factory but its role may not do the thing

An API key is accepted only on routes that declare its scope (``openapi_extra`` key
``x-api-key-scope``, see :func:`api_key_route`): every other route answers 401 ``auth.api_key_scope``.
Resolving the principal also names the actor of audit entries written during the request
(username, or ``apikey:<prefix>``; :data:`zerocarbon.store.audit.current_actor`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer
from pydantic import BaseModel, ConfigDict, Field

from zerocarbon.api import security
from zerocarbon.api.errors import ApiError, forbidden, not_found, unauthorized
from zerocarbon.api.roles import API_KEY_PERMISSIONS, GLOBAL, MATRIX, WRITES, GlobalPermission, Permission
from zerocarbon.api.settings import Settings, get_settings
from zerocarbon.services.identity import api_keys, users
from zerocarbon.store.audit import current_actor

__all__ = [
    "API_KEY_SCOPE_KEY", "FACTORY_ID_PATH", "ClientIp", "FactoryId", "FactoryIdPath", "Now", "Principal",
    "PrincipalDep", "SettingsDep", "StoreUrl", "api_key_route", "factory_permission", "get_client_ip", "get_now",
    "get_principal", "get_store_url", "require_factory", "require_global", "require_permission",
]

#: The ``openapi_extra`` key naming the scope an API key needs on a route.
API_KEY_SCOPE_KEY = "x-api-key-scope"

SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_store_url(settings: SettingsDep) -> str:
    """The store URL of the app's settings."""
    return settings.database_url


StoreUrl = Annotated[str, Depends(get_store_url)]


def get_now() -> int:
    """The current time [s since epoch, UTC]; tests set their own (``app.dependency_overrides[get_now]``)."""
    return int(time.time())


Now = Annotated[int, Depends(get_now)]


def get_client_ip(request: Request) -> str:
    """The client's address as the server sees it.

    Behind a reverse proxy uvicorn puts the address from the proxy's ``X-Forwarded-For`` here when
    it trusts the proxy (environment ``FORWARDED_ALLOW_IPS``; by default 127.0.0.1 and ::1). No
    header is read here: any client could send one to escape the per-address sign-in limit.
    """
    return request.client.host if request.client else "unknown"


ClientIp = Annotated[str, Depends(get_client_ip)]

#: A factory id as it may appear in a path: 1–64 characters, no control characters.
FactoryId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f/]+$")]
#: The declaration of a factory id in a path (each route gets its own copy through ``Annotated``).
FACTORY_ID_PATH = Path(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f/]+$", description="factory id",
                       examples=["SAMPLE-001"])
FactoryIdPath = Annotated[str, FACTORY_ID_PATH]


class Principal(BaseModel):
    """Who is calling: a signed-in user or a gateway's API key, with what it may see."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["user", "apikey"]
    user_id: int | None = Field(description="the user's id; for an API key, the user who created it (if known)")
    username: str = Field(description="user name, or apikey:<prefix> for a gateway")
    role: Literal["admin", "factory_manager", "data_entry", "verifier", "authority"]
    region: str | None = None
    factories: frozenset[str] = Field(default_factory=frozenset, description="the factories it may see")
    api_key_factory: str | None = None

    @property
    def actor(self) -> str:
        """The name the audit chain records for writes made by this principal."""
        return self.username

    def permissions(self) -> frozenset[Permission]:
        return API_KEY_PERMISSIONS if self.kind == "apikey" else MATRIX[self.role]

    def may(self, permission: Permission) -> bool:
        return permission in self.permissions()

    def sees(self, factory_id: str) -> bool:
        return factory_id in self.factories


_bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False,
                               description="access token from POST /api/v1/auth/token")
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False,
                        description="a meter gateway's key zc_<prefix>_<secret> (push readings only)")


def api_key_route(scope: str = "readings:write") -> dict[str, Any]:
    """``openapi_extra`` of a route that accepts API keys of ``scope``."""
    return {API_KEY_SCOPE_KEY: scope}


def _route_scope(request: Request) -> str | None:
    route = request.scope.get("route")
    extra = getattr(route, "openapi_extra", None) or {}
    scope = extra.get(API_KEY_SCOPE_KEY)
    return str(scope) if scope else None


def _user_principal(token: str, settings: Settings, url: str) -> Principal:
    try:
        claims = security.decode(token, "access", settings)
    except security.TokenError as exc:
        if exc.reason == "expired":
            raise unauthorized("auth.token_expired", "访问令牌已过期，请刷新或重新登录",
                               "the access token has expired: refresh it or sign in again") from None
        raise unauthorized("auth.token_invalid", "访问令牌无效", "the access token is not valid") from None
    user = users.get_user(security.user_id_of(claims), url)
    if user is None or not user.active:
        raise unauthorized("auth.token_invalid", "访问令牌无效（用户不存在或已停用）",
                           "the access token is not valid (the user does not exist or is deactivated)")
    return Principal(kind="user", user_id=user.id, username=user.username, role=user.role, region=user.region,
                     factories=users.visible_factories(user, url))


def _key_principal(key: str, url: str) -> Principal:
    found = api_keys.authenticate_api_key(key, url)
    if found is None:
        raise unauthorized("auth.api_key_invalid", "API 密钥无效或已吊销", "the API key is not valid or was revoked")
    return Principal(kind="apikey", user_id=found.created_by, username=found.actor, role="data_entry",
                     factories=frozenset({found.factory_id}), api_key_factory=found.factory_id)


async def get_principal(request: Request, settings: SettingsDep, url: StoreUrl,
                        token: Annotated[str | None, Depends(_bearer)] = None,
                        api_key: Annotated[str | None, Depends(_api_key)] = None) -> Principal:
    """The caller, from ``Authorization: Bearer <access token>`` or ``X-API-Key``; 401 otherwise.

    A bearer token wins when both are sent. An API key is accepted only on routes that declare its
    scope. Sets the audit actor of the request.
    """
    if token:
        principal = await run_in_threadpool(_user_principal, token, settings, url)
    elif api_key:
        scope = _route_scope(request)
        if scope is None:
            raise unauthorized("auth.api_key_scope", "API 密钥只能用于推送计量读数",
                               "an API key may only push meter readings; sign in as a user for this")
        principal = await run_in_threadpool(_key_principal, api_key, url)
    else:
        raise unauthorized("auth.required", "请先登录（Bearer 令牌）或提供 API 密钥",
                           "sign in first (Bearer token) or send an API key")
    # Set here, in the request's own context, so the endpoint (run in a worker thread with a copy
    # of this context) writes its audit entries as this actor.
    current_actor.set(principal.actor)
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require_factory(factory_id: str, principal: Principal, write: bool = False) -> None:
    """Refuse a factory the principal may not see (404 ``factory.not_found``), or may not change (403).

    ``write=True`` asks for any permission that changes data (set-up, readings, corrections, keys,
    sign-off); use :func:`require_permission` for a specific one.
    """
    if not principal.sees(factory_id):
        raise not_found()
    if write and not (principal.permissions() & WRITES):
        raise forbidden("当前角色只能查看数据", "your role may only read data")


def require_permission(factory_id: str, principal: Principal, permission: Permission) -> None:
    """Like :func:`require_factory`, for one permission of the role matrix."""
    require_factory(factory_id, principal)
    if not principal.may(permission):
        raise forbidden(f"当前角色无权执行此操作（{permission.value}）",
                        f"your role may not do this ({permission.value})")


def require_global(principal: Principal, permission: GlobalPermission) -> None:
    """403 unless the principal's role has a global permission (API keys have none)."""
    if principal.kind != "user" or permission not in GLOBAL[principal.role]:
        raise forbidden(f"当前角色无权执行此操作（{permission.value}）",
                        f"your role may not do this ({permission.value})")


def factory_permission(permission: Permission) -> Callable[..., str]:
    """A dependency giving the path's ``factory_id`` after :func:`require_permission`.

    Usage: ``factory_id: Annotated[str, Depends(factory_permission(Permission.READ))]``.
    """
    def dependency(factory_id: FactoryIdPath, principal: PrincipalDep) -> str:
        require_permission(factory_id, principal, permission)
        return factory_id

    dependency.__name__ = f"factory_{permission.name.lower()}"
    return dependency


ReadableFactory = Annotated[str, Depends(factory_permission(Permission.READ))]


def bad_request(code: str, message_zh: str, message_en: str, details: Any = None) -> ApiError:
    """A 422 for input that passed the schema but not the route's own checks."""
    return ApiError(422, code, message_zh, message_en, details)
