"""Factories: the visible list, one factory, its hierarchy and meters, its set-up, its gateways' API keys."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, status

from zerocarbon.api.deps import (
    FactoryIdPath,
    Principal,
    PrincipalDep,
    ReadableFactory,
    StoreUrl,
    factory_permission,
    require_permission,
)
from zerocarbon.api.errors import COMMON_ERRORS, ApiError, forbidden, not_found
from zerocarbon.api.roles import GlobalPermission, Permission
from zerocarbon.api.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyPublic,
    FactoryPublic,
    MeterPublic,
    NodePublic,
    SetupResult,
)
from zerocarbon.model.metering import FactorySetup
from zerocarbon.services.identity import api_keys
from zerocarbon.services.metering import catalog
from zerocarbon.services.metering.setup import save_setup

router = APIRouter(prefix="/factories", tags=["factories"], responses=COMMON_ERRORS)

MeterCode = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f/]+$", description="meter code")]
KeyPrefix = Annotated[str, Path(pattern=r"^[0-9a-f]{12}$", description="the key's prefix (zc_<prefix>_…)")]
KeysFactory = Annotated[str, Depends(factory_permission(Permission.API_KEYS))]


@router.get("", response_model=list[FactoryPublic], summary="The factories the caller may see")
def list_factories(principal: PrincipalDep, url: StoreUrl) -> list[FactoryPublic]:
    return [FactoryPublic(**f) for f in catalog.factories(principal.factories, url)]


@router.get("/{factory_id}", response_model=FactoryPublic, summary="One factory")
def get_factory(factory_id: ReadableFactory, url: StoreUrl) -> FactoryPublic:
    found = catalog.factory(factory_id, url)
    if found is None:
        raise not_found()
    return FactoryPublic(**found)


@router.get("/{factory_id}/nodes", response_model=list[NodePublic],
            summary="The factory's hierarchy: site, workshops, lines, facilities")
def list_nodes(factory_id: ReadableFactory, url: StoreUrl) -> list[NodePublic]:
    return [NodePublic(**n) for n in catalog.nodes(factory_id, url)]


def _setup_target(factory_id: FactoryIdPath, principal: PrincipalDep, url: StoreUrl) -> tuple[str, bool, Principal]:
    """(factory id, whether it exists, caller), refused before the body is read.

    A factory that does not exist yet may only be created by a role with ``factories:create`` (admin);
    to everybody else it is as invisible as another tenant's.
    """
    from zerocarbon.api.roles import GLOBAL

    exists = catalog.factory(factory_id, url) is not None
    if not exists and principal.kind == "user" and GlobalPermission.CREATE_FACTORY in GLOBAL[principal.role]:
        return factory_id, False, principal
    require_permission(factory_id, principal, Permission.SETUP)
    return factory_id, exists, principal


@router.put("/{factory_id}/setup", response_model=SetupResult,
            summary="Load the factory's set-up (hierarchy, meters, events, products, production); idempotent")
def put_setup(target: Annotated[tuple[str, bool, Principal], Depends(_setup_target)], body: FactorySetup,
              url: StoreUrl) -> SetupResult:
    """The body is a ``FactorySetup`` (the same document as ``zerocarbon meters setup FILE``).
    Saving the same set-up twice changes nothing. Only an admin may create a factory or move it to
    another province (which changes the authority that oversees it)."""
    factory_id, exists, principal = target
    if body.factory.id != factory_id:
        raise ApiError(422, "setup.factory_mismatch", "请求体中的工厂编号与地址中的不一致",
                       "the factory id in the body differs from the one in the address",
                       {"path": factory_id, "body": body.factory.id})
    if exists and principal.role != "admin":
        current = catalog.factory(factory_id, url)
        if current is not None and current["province"] != body.factory.province:
            raise forbidden("只有管理员可以更改工厂所在省份", "only an admin may change a factory's province")
    meters = save_setup(body, url)
    return SetupResult(factory_id=factory_id, created=not exists, meters=meters)


@router.get("/{factory_id}/meters", response_model=list[MeterPublic], summary="The factory's meters")
def list_meters(factory_id: ReadableFactory, url: StoreUrl) -> list[MeterPublic]:
    return [MeterPublic(**m) for m in catalog.meters(factory_id, url)]


@router.get("/{factory_id}/meters/{meter_code}", response_model=MeterPublic, summary="One meter")
def get_meter(factory_id: ReadableFactory, meter_code: MeterCode, url: StoreUrl) -> MeterPublic:
    found = catalog.meters(factory_id, url, code=meter_code)
    if not found:
        raise ApiError(404, "meter.not_found", "该工厂没有此计量表", "the factory has no such meter")
    return MeterPublic(**found[0])


# ------------------------------------------------------------------------------------------- API keys
def _key_public(key: api_keys.ApiKey) -> ApiKeyPublic:
    return ApiKeyPublic(prefix=key.prefix, factory_id=key.factory_id, scope=key.scope, name=key.name,
                        created_by=key.created_by, created_at=key.created_at, revoked_at=key.revoked_at)


@router.post("/{factory_id}/api-keys", response_model=ApiKeyCreated, status_code=status.HTTP_201_CREATED,
             summary="Create an API key for a meter gateway (shown once)")
def create_api_key(factory_id: KeysFactory, body: ApiKeyCreate, principal: PrincipalDep,
                   url: StoreUrl) -> ApiKeyCreated:
    """The key may only push readings to this factory (``X-API-Key`` on POST …/readings)."""
    key = api_keys.create_api_key(factory_id, name=body.name, created_by=principal.user_id, url=url)
    prefix = api_keys.api_key_prefix(key)
    stored = api_keys.get_api_key(prefix or "", url)
    assert stored is not None
    return ApiKeyCreated(**_key_public(stored).model_dump(), key=key)


@router.get("/{factory_id}/api-keys", response_model=list[ApiKeyPublic], summary="The factory's API keys")
def list_api_keys(factory_id: KeysFactory, url: StoreUrl) -> list[ApiKeyPublic]:
    return [_key_public(k) for k in api_keys.list_api_keys(factory_id, url)]


@router.delete("/{factory_id}/api-keys/{prefix}", response_model=ApiKeyPublic, summary="Revoke an API key")
def revoke_api_key(factory_id: KeysFactory, prefix: KeyPrefix, url: StoreUrl) -> ApiKeyPublic:
    key = api_keys.get_api_key(prefix, url)
    if key is None or key.factory_id != factory_id:
        raise ApiError(404, "api_key.not_found", "该工厂没有此 API 密钥", "the factory has no such API key")
    return _key_public(api_keys.revoke_api_key(prefix, url, factory_id=factory_id))
