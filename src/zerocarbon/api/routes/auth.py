"""Sign-in (OAuth2 password flow, throttled), token refresh with rotation, sign-out."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, status
from fastapi.concurrency import run_in_threadpool
from fastapi.security import OAuth2PasswordRequestForm

from zerocarbon.api import security
from zerocarbon.api.deps import ClientIp, Now, SettingsDep, StoreUrl
from zerocarbon.api.errors import COMMON_ERRORS, ErrorResponse, too_many_attempts, unauthorized
from zerocarbon.api.schemas import RefreshRequest, Token
from zerocarbon.services.identity import logins

router = APIRouter(prefix="/auth", tags=["auth"], responses={k: COMMON_ERRORS[k] for k in (401, 422, 500)})

THROTTLED: dict[int | str, dict[str, Any]] = {429: {
    "model": ErrorResponse,
    "description": "too many failed sign-ins of this user name or from this address (auth.too_many_attempts)",
    "headers": {"Retry-After": {"description": "seconds until the next attempt is accepted",
                                "schema": {"type": "integer"}}}}}


def _token(pair: security.TokenPair) -> Token:
    return Token(access_token=pair.access_token, expires_in=pair.expires_in, refresh_token=pair.refresh_token,
                 refresh_expires_in=pair.refresh_expires_in)


@router.post("/token", response_model=Token, responses=THROTTLED,
             summary="Sign in: user name and password → access and refresh token")
async def login(form: Annotated[OAuth2PasswordRequestForm, Depends()], settings: SettingsDep, url: StoreUrl,
                client_ip: ClientIp, now: Now) -> Token:
    """OAuth2 password flow (form fields ``username``, ``password``).

    Wrong name and wrong password give the same answer (401 ``auth.invalid_credentials``). After
    ``ZEROCARBON_LOGIN_MAX_FAILURES_PER_USER`` failures of a user name, or
    ``ZEROCARBON_LOGIN_MAX_FAILURES_PER_IP`` from an address, within
    ``ZEROCARBON_LOGIN_WINDOW_MINUTES``, attempts answer 429 ``auth.too_many_attempts`` with
    ``Retry-After`` [s]. Every attempt is in the audit chain (``auth.login``).
    """
    throttle = logins.Throttle(settings.login_max_failures_per_user, settings.login_max_failures_per_ip,
                               settings.login_window_minutes * 60)
    attempt = await run_in_threadpool(logins.sign_in, form.username, form.password, client_ip, throttle, url, now)
    if attempt.outcome == "throttled":
        raise too_many_attempts(attempt.retry_after, {"limits": list(attempt.limits)})
    if attempt.user is None:
        raise unauthorized("auth.invalid_credentials", "用户名或密码错误", "wrong user name or password")
    pair = await run_in_threadpool(security.issue_tokens, attempt.user, settings, url)
    return _token(pair)


@router.post("/refresh", response_model=Token, summary="Exchange a refresh token for a new pair (the old one is spent)")
def refresh(body: RefreshRequest, settings: SettingsDep, url: StoreUrl, client_ip: ClientIp) -> Token:
    """Refresh tokens rotate: each is single-use. Presenting a spent one again revokes every refresh
    token of the user (it was copied), who must then sign in again; the audit chain records it
    (``auth.refresh_reuse``)."""
    rotated = security.rotate(body.refresh_token, settings, url, client_ip)
    if rotated is None:
        raise unauthorized("auth.refresh_invalid", "刷新令牌无效、已过期或已使用，请重新登录",
                           "the refresh token is invalid, expired or already used: sign in again")
    return _token(rotated[1])


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, response_model=None,
             summary="Sign out: revoke a refresh token")
def logout(body: RefreshRequest, settings: SettingsDep, url: StoreUrl) -> None:
    """Revokes the refresh token (idempotent; always 204). Access tokens expire on their own
    (``ZEROCARBON_ACCESS_TOKEN_MINUTES``); the client discards its copy."""
    security.revoke(body.refresh_token, settings, url)
