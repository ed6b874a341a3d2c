"""Sign-in (OAuth2 password flow), token refresh with rotation, sign-out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status
from fastapi.concurrency import run_in_threadpool
from fastapi.security import OAuth2PasswordRequestForm

from zerocarbon.api import security
from zerocarbon.api.deps import SettingsDep, StoreUrl
from zerocarbon.api.errors import COMMON_ERRORS, unauthorized
from zerocarbon.api.schemas import RefreshRequest, Token
from zerocarbon.services import users

router = APIRouter(prefix="/auth", tags=["auth"], responses={k: COMMON_ERRORS[k] for k in (401, 422, 500)})


def _token(pair: security.TokenPair) -> Token:
    return Token(access_token=pair.access_token, expires_in=pair.expires_in, refresh_token=pair.refresh_token,
                 refresh_expires_in=pair.refresh_expires_in)


@router.post("/token", response_model=Token, summary="Sign in: user name and password → access and refresh token")
async def login(form: Annotated[OAuth2PasswordRequestForm, Depends()], settings: SettingsDep, url: StoreUrl) -> Token:
    """OAuth2 password flow (form fields ``username``, ``password``).

    Wrong name and wrong password give the same answer (401 ``auth.invalid_credentials``).
    """
    user = None
    if "\x00" not in form.username and "\x00" not in form.password and len(form.password) <= users.MAX_PASSWORD_LENGTH:
        user = await run_in_threadpool(users.authenticate, form.username, form.password, url)
    if user is None:
        raise unauthorized("auth.invalid_credentials", "用户名或密码错误", "wrong user name or password")
    pair = await run_in_threadpool(security.issue_tokens, user, settings, url)
    return _token(pair)


@router.post("/refresh", response_model=Token, summary="Exchange a refresh token for a new pair (the old one is spent)")
def refresh(body: RefreshRequest, settings: SettingsDep, url: StoreUrl) -> Token:
    """Refresh tokens rotate: each is single-use. Presenting a spent one again revokes every refresh
    token of the user (it was copied), who must then sign in again."""
    rotated = security.rotate(body.refresh_token, settings, url)
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
