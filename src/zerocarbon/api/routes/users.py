"""Users: the caller's own account, and user administration (admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, status

from zerocarbon.api.deps import (
    ClientIp,
    FactoryIdPath,
    Now,
    Principal,
    PrincipalDep,
    SettingsDep,
    StoreUrl,
    require_global,
)
from zerocarbon.api.errors import COMMON_ERRORS, ApiError, forbidden, too_many_attempts
from zerocarbon.api.roles import GlobalPermission
from zerocarbon.api.routes.auth import THROTTLED
from zerocarbon.api.schemas import MePublic, PasswordChange, UserCreate, UserPublic, UserUpdate
from zerocarbon.services.identity import logins, users

router = APIRouter(prefix="/users", tags=["users"], responses=COMMON_ERRORS)
UserId = Annotated[int, Path(ge=1, le=2**31 - 1, description="user id")]


def _public(user: users.User) -> UserPublic:
    return UserPublic(id=user.id, username=user.username, display_name=user.display_name, role=user.role,
                      region=user.region, active=user.active, created_at=user.created_at,
                      factories=list(user.factories))


def _user_only(principal: PrincipalDep) -> int:
    if principal.kind != "user" or principal.user_id is None:
        raise forbidden()
    return principal.user_id


def _admin(principal: PrincipalDep) -> Principal:
    """The caller, if its role administers users (checked before the body is read)."""
    require_global(principal, GlobalPermission.USERS)
    return principal


AdminDep = Annotated[Principal, Depends(_admin)]


def _get(user_id: int, url: str) -> users.User:
    user = users.get_user(user_id, url)
    if user is None:
        raise ApiError(404, "user.not_found", "没有该用户", "no such user")
    return user


@router.get("/me", response_model=MePublic, summary="The signed-in user, what it sees and may do")
def me(principal: PrincipalDep, url: StoreUrl) -> MePublic:
    user = _get(_user_only(principal), url)
    return MePublic(**_public(user).model_dump(), visible_factories=sorted(principal.factories),
                    permissions=sorted(p.value for p in principal.permissions()))


@router.post("/me/password", status_code=status.HTTP_204_NO_CONTENT, response_model=None, responses=THROTTLED,
             summary="Change the signed-in user's password (signs out its other sessions)")
def change_password(body: PasswordChange, principal: PrincipalDep, url: StoreUrl, settings: SettingsDep,
                    client_ip: ClientIp, now: Now) -> None:
    """The current password is checked as a sign-in is: under the same throttle (a stolen access
    token cannot be used to guess the password) and in the audit chain (``auth.login``)."""
    user = _get(_user_only(principal), url)
    throttle = logins.Throttle(settings.login_max_failures_per_user, settings.login_max_failures_per_ip,
                               settings.login_window_minutes * 60)
    attempt = logins.sign_in(user.username, body.current_password, client_ip, throttle, url, now)
    if attempt.outcome == "throttled":
        raise too_many_attempts(attempt.retry_after, {"limits": list(attempt.limits)})
    if attempt.user is None or attempt.user.id != user.id:
        raise ApiError(422, "auth.wrong_password", "当前密码不正确", "the current password is wrong")
    users.set_password(user.id, body.new_password, url)


@router.get("", response_model=list[UserPublic], summary="Every user (admin)")
def list_users(principal: AdminDep, url: StoreUrl) -> list[UserPublic]:
    return [_public(u) for u in users.list_users(url)]


@router.post("", response_model=UserPublic, status_code=status.HTTP_201_CREATED, summary="Create a user (admin)")
def create_user(body: UserCreate, principal: AdminDep, url: StoreUrl) -> UserPublic:
    uid = users.create_user(body.username, body.password, body.role, region=body.region, factories=body.factories,
                            display_name=body.display_name, url=url)
    return _public(_get(uid, url))


@router.get("/{user_id}", response_model=UserPublic, summary="One user (admin)")
def get_user(user_id: UserId, principal: AdminDep, url: StoreUrl) -> UserPublic:
    return _public(_get(user_id, url))


@router.patch("/{user_id}", response_model=UserPublic, summary="Change a user's role, region, active flag (admin)")
def update_user(user_id: UserId, body: UserUpdate, principal: AdminDep, url: StoreUrl) -> UserPublic:
    _get(user_id, url)
    given = body.model_fields_set
    kwargs: dict[str, object] = {k: getattr(body, k) for k in ("role", "active", "display_name") if k in given}
    if "region" in given:
        kwargs["region"] = body.region
    return _public(users.update_user(user_id, url=url, **kwargs))  # type: ignore[arg-type]


@router.put("/{user_id}/factories/{factory_id}", response_model=UserPublic,
            summary="Assign a factory to a factory_manager, data_entry or verifier (admin)")
def assign(user_id: UserId, factory_id: FactoryIdPath, principal: AdminDep, url: StoreUrl) -> UserPublic:
    _get(user_id, url)
    return _public(users.assign_factory(user_id, factory_id, url))


@router.delete("/{user_id}/factories/{factory_id}", response_model=UserPublic,
               summary="Take a factory away from a user (admin)")
def unassign(user_id: UserId, factory_id: FactoryIdPath, principal: AdminDep, url: StoreUrl) -> UserPublic:
    _get(user_id, url)
    return _public(users.unassign_factory(user_id, factory_id, url))
