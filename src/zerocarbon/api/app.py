"""The application: ``create_app`` (routers under ``/api/v1``, and the dashboard) and ``serve``."""

from __future__ import annotations

import logging

from fastapi import APIRouter, FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

import zerocarbon
from zerocarbon.api import deps
from zerocarbon.api.errors import ApiError, install_error_handlers
from zerocarbon.api.roles import GLOBAL, GlobalPermission
from zerocarbon.api.routes import activity, auth, factories, inventories, portfolio, quality, readings, users
from zerocarbon.api.routes import alerts as alert_routes
from zerocarbon.api.routes import efficiency as efficiency_routes
from zerocarbon.api.routes import hourly as hourly_routes
from zerocarbon.api.routes import plans as plan_routes
from zerocarbon.api.routes import verdict as verdict_routes
from zerocarbon.api.scheduler import lifespan as forecast_lifespan
from zerocarbon.api.scheduler import router as forecast_schedule_router
from zerocarbon.api.settings import Settings, get_settings
from zerocarbon.store.audit import current_actor
from zerocarbon.web import DashboardAccess, dashboard_router

API_PREFIX = "/api/v1"
log = logging.getLogger(__name__)


class ActorScope:
    """Each request starts as the anonymous actor and leaves no actor behind.

    :func:`zerocarbon.api.deps.get_principal` names the actor (username or ``apikey:<prefix>``)
    once the caller is known; the audit entries the request writes carry that name.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = current_actor.set("anonymous")
        try:
            await self.app(scope, receive, send)
        finally:
            current_actor.reset(token)


def api_router() -> APIRouter:
    """Every resource of the API, to be mounted under :data:`API_PREFIX`."""
    router = APIRouter()
    for module in (auth, users, factories, readings, inventories, quality, portfolio, activity, efficiency_routes,
                   verdict_routes, alert_routes, plan_routes, hourly_routes):
        router.include_router(module.router)
    router.include_router(forecast_schedule_router)
    return router


def _require_portfolio(principal: deps.Principal) -> None:
    deps.require_global(principal, GlobalPermission.PORTFOLIO)


def dashboard_access() -> DashboardAccess:
    """What the dashboard takes from the API: the caller, the store, the rules of access, the error format."""
    return DashboardAccess(
        principal=deps.get_principal, store_url=deps.get_store_url, factory_id=deps.FACTORY_ID_PATH,
        require_factory=deps.require_factory, require_portfolio=_require_portfolio,
        # Roles with the global permission see the portfolio (the ranking of the factories they oversee).
        portfolio_roles=tuple(role for role, perms in GLOBAL.items() if GlobalPermission.PORTFOLIO in perms),
        error=ApiError)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The FastAPI application.

    Raises
    ------
    ZerocarbonError
        Unsafe settings outside development (the default secret key; see :meth:`Settings.check`).
    """
    cfg = settings or get_settings()
    cfg.check()
    app = FastAPI(
        title="zerocarbon API", version=zerocarbon.__version__ if hasattr(zerocarbon, "__version__") else "0.1.0",
        description="零碳工厂管理平台接口 / API of the zero-carbon factory platform. See docs/api.md.",
        redoc_url=None, lifespan=forecast_lifespan)
    app.state.settings = cfg
    # Whoever asks for get_settings inside this app (routes, the dashboard) gets these settings.
    app.dependency_overrides[get_settings] = lambda: cfg
    install_error_handlers(app)
    app.include_router(api_router(), prefix=API_PREFIX)
    from zerocarbon.api.routes import pact as pact_routes  # the PACT v3 host under /pact (its own error format)

    pact_routes.install(app, cfg, API_PREFIX)
    app.include_router(dashboard_router(dashboard_access()))
    app.add_middleware(ActorScope)
    return app


def serve(host: str = "127.0.0.1", port: int = 8000, settings: Settings | None = None) -> None:
    """Run the server with uvicorn (blocking). The store must be migrated (``zerocarbon serve`` does it)."""
    import uvicorn

    app = create_app(settings)
    cfg: Settings = app.state.settings
    if cfg.uses_default_secret and host not in ("127.0.0.1", "localhost", "::1"):
        log.warning("zerocarbon API listens on %s with the default secret key: anyone can forge tokens", host)
    uvicorn.run(app, host=host, port=port, log_level="info")
