"""The dashboard: HTML pages (shells) and the JSON data endpoints they fetch with the Bearer token.

Pages carry no data and need no sign-in to load; every figure comes from
``/api/v1/dashboard/...``, which requires a signed-in principal and refuses factories the
principal may not see (404). The data endpoints are thin: they call
:mod:`zerocarbon.services.dashboard`, which calls the same services as the CLI and the API.

The dashboard does not import the API: the application that serves it (:func:`zerocarbon.api.app.create_app`)
hands it, as a :class:`DashboardAccess`, the dependencies that name the caller and the store and the
rules that refuse a factory or the portfolio, and mounts :func:`dashboard_router`.
"""

# No ``from __future__ import annotations``: the routes are defined inside functions, and FastAPI reads
# their annotations (which name the injected dependencies) from the closure, at definition time.

import json
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Annotated, Any, Protocol, TypeVar

import plotly
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from zerocarbon import __version__
from zerocarbon.errors import InputError, ZerocarbonError
from zerocarbon.services import dashboard as svc
from zerocarbon.web.i18n import catalogue, normalise_lang, t

__all__ = ["DashboardAccess", "JsonResponse", "Viewer", "dashboard_router"]

FACTORY_PAGES = ("overview", "emissions", "energy", "meters", "inventory", "quality", "reports", "efficiency",
                 "verdict", "alerts", "planning", "footprints")
#: Capabilities announced in the navigation before they have a page (none left: each has its page).
COMING: tuple[str, ...] = ()
#: Factory pages that draw plotly charts (the others do not load the bundle).
PLOTLY_PAGES = ("overview", "emissions", "energy", "meters", "alerts", "planning")
STATIC = {"dashboard.css": "text/css; charset=utf-8", "dashboard.js": "application/javascript; charset=utf-8",
          "capabilities.js": "application/javascript; charset=utf-8", "favicon.svg": "image/svg+xml"}
#: Inventory lines returned per request at most (the page asks for more as the user scrolls).
MAX_LINES = 1000

T = TypeVar("T")


class JsonResponse(Response):
    """JSON encoded once with the standard library: the answers are plain dicts of strings and numbers
    (figures as Decimal text), so FastAPI's generic encoder (tens of ms for a 2,000-meter list) is skipped."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")


class Viewer(Protocol):
    """The caller as the dashboard sees it (the API's principal: a signed-in user or a gateway's key)."""

    @property
    def kind(self) -> str: ...
    @property
    def username(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def region(self) -> str | None: ...
    @property
    def factories(self) -> Collection[str]: ...

    def sees(self, factory_id: str) -> bool: ...


@dataclass(frozen=True)
class DashboardAccess:
    """What the dashboard takes from the application that serves it.

    Attributes
    ----------
    principal : callable
        FastAPI dependency giving the caller (a :class:`Viewer`); answers 401 when there is none.
    store_url : callable
        FastAPI dependency giving the store URL.
    factory_id : Any
        The parameter declaration of a factory id in a path (a ``fastapi.Path(...)``).
    require_factory : callable
        ``(factory_id, viewer)``: raises the 404 of a factory the viewer may not see.
    require_portfolio : callable
        ``(viewer)``: raises the 403 of a viewer whose role does not see the portfolio.
    portfolio_roles : tuple of str
        The roles that see the portfolio (offered in the header).
    error : callable
        ``(status, code, message_zh, message_en)``: the application's error answer.
    """

    principal: Callable[..., Any]
    store_url: Callable[..., Any]
    factory_id: Any
    require_factory: Callable[[str, Any], None]
    require_portfolio: Callable[[Any], None]
    portfolio_roles: tuple[str, ...]
    error: Callable[[int, str, str, str], Exception]


def dashboard_router(access: DashboardAccess) -> APIRouter:
    """The dashboard's pages, static assets and ``/api/v1/dashboard`` data endpoints, as one router."""
    router = APIRouter()
    router.include_router(_pages(access.portfolio_roles))
    router.include_router(_data(access))
    return router


YearQ = Annotated[int | None, Query(ge=1990, le=2100, description="data year; default: the newest with data")]


# ------------------------------------------------------------------------------------------- pages
@cache
def _env() -> Environment:
    return Environment(loader=PackageLoader("zerocarbon.web", "templates"), autoescape=select_autoescape(["html"]),
                       trim_blocks=True, lstrip_blocks=True)


def _page(name: str, request: Request, page: str, portfolio_roles: tuple[str, ...], factory_id: str | None = None,
          plotly_js: bool = True, **extra: Any) -> HTMLResponse:
    lang = normalise_lang(request.query_params.get("lang"))
    config = {"lang": lang, "page": page, "factory": factory_id, "i18n": catalogue(lang),
              "factoryPages": FACTORY_PAGES, "portfolioRoles": portfolio_roles}
    # "</" cannot end the script element the configuration sits in
    config_json = json.dumps(config, ensure_ascii=False).replace("</", "<\\/")
    html = _env().get_template(name).render(
        lang=lang, t=lambda key: t(key, lang), page=page, factory_id=factory_id, nav_factory=FACTORY_PAGES,
        nav_coming=COMING, config_json=config_json, version=__version__, plotly=plotly_js,
        plotly_version=plotly.__version__, **extra)
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


@cache
def _plotly_js() -> bytes:
    from plotly.offline import get_plotlyjs

    return str(get_plotlyjs()).encode("utf-8")


@cache
def _static(name: str) -> bytes:
    return resources.files("zerocarbon.web").joinpath("static", name).read_bytes()


# -------------------------------------------------------------------------------------- data API
def _visible(principal: Viewer, url: str) -> list[dict[str, Any]]:
    return [f for f in svc.factories(url) if principal.sees(str(f["id"]))]


def _pages(portfolio_roles: tuple[str, ...]) -> APIRouter:
    """The HTML pages (no data, no sign-in) and the static assets."""
    router = APIRouter()

    @router.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/dashboard/", status_code=307)

    @router.get("/login", include_in_schema=False, response_class=HTMLResponse)
    def login_page(request: Request) -> HTMLResponse:
        title = t("login.title", request.query_params.get("lang", "zh"))
        return _page("login.html", request, "login", portfolio_roles, plotly_js=False, page_title=title)

    @router.get("/dashboard", include_in_schema=False)
    def dashboard_root() -> RedirectResponse:
        return RedirectResponse("/dashboard/", status_code=307)

    @router.get("/dashboard/", include_in_schema=False, response_class=HTMLResponse)
    def home_page(request: Request) -> HTMLResponse:
        return _page("home.html", request, "home", portfolio_roles, plotly_js=False,
                     page_title=t("app.title", normalise_lang(request.query_params.get("lang"))))

    @router.get("/dashboard/portfolio", include_in_schema=False, response_class=HTMLResponse)
    def portfolio_page(request: Request) -> HTMLResponse:
        return _page("portfolio.html", request, "portfolio", portfolio_roles, plotly_js=False)

    @router.get("/dashboard/region", include_in_schema=False, response_class=HTMLResponse)
    def region_page(request: Request) -> HTMLResponse:
        return _page("region.html", request, "region", portfolio_roles, plotly_js=False)

    @router.get("/dashboard/f/{factory_id}", include_in_schema=False)
    def factory_root(factory_id: str) -> RedirectResponse:
        return RedirectResponse(f"/dashboard/f/{factory_id}/overview", status_code=307)

    @router.get("/dashboard/f/{factory_id}/{page}", include_in_schema=False, response_class=HTMLResponse)
    def factory_page(factory_id: str, page: str, request: Request) -> HTMLResponse:
        if page in COMING:
            return _page("coming.html", request, page, portfolio_roles, factory_id, plotly_js=False)
        if page not in FACTORY_PAGES:
            lang = normalise_lang(request.query_params.get("lang"))
            return HTMLResponse(f"<p>{t('err.title', lang)}: {page}</p>", status_code=404)
        plotly_js = page in PLOTLY_PAGES
        return _page(f"{page}.html", request, page, portfolio_roles, factory_id, plotly_js=plotly_js)

    @router.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js() -> Response:
        """The plotly bundle shipped with the Python package: pages never load it from a CDN."""
        return Response(_plotly_js(), media_type="application/javascript; charset=utf-8",
                        headers={"Cache-Control": "public, max-age=86400"})

    @router.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(_static("favicon.svg"), media_type="image/svg+xml",
                        headers={"Cache-Control": "public, max-age=86400"})

    @router.get("/static/{name}", include_in_schema=False)
    def static_file(name: str) -> Response:
        if name not in STATIC:
            return Response(status_code=404)
        return Response(_static(name), media_type=STATIC[name], headers={"Cache-Control": "no-cache"})

    return router


def _data(access: DashboardAccess) -> APIRouter:
    """The JSON endpoints under ``/api/v1/dashboard``: a signed-in caller, only the factories it may see."""
    api = APIRouter(prefix="/api/v1/dashboard", tags=["dashboard"], default_response_class=JsonResponse)
    who = Depends(access.principal)
    store = Depends(access.store_url)
    factory_path = access.factory_id

    def _call(fn: Callable[[], T]) -> T:
        """Run a service call; something asked for that is not there (a meter, a line) answers 404."""
        try:
            return fn()
        except InputError as exc:
            if exc.field in ("meter", "line", "factory_id"):
                raise access.error(404, f"{exc.field.removesuffix('_id')}.not_found", exc.message("zh"),
                                   exc.message("en")) from exc
            raise  # the API's handler answers 422 with the location of the problem

    def _factory(factory_id: str, principal: Viewer) -> str:
        access.require_factory(factory_id, principal)
        return factory_id

    def _year(factory_id: str, year: int | None, url: str) -> int:
        """The year asked for, refused (422, naming the years with data) when it has no data; else the newest."""
        if year is None:
            return _call(lambda: svc.default_year(factory_id, url))
        _call(lambda: svc.check_year(factory_id, year, url))
        return year

    @api.get("/me")
    def me(principal: Annotated[Viewer, who]) -> Response:
        """Who is signed in (for the header) and whether the portfolio is offered."""
        return JsonResponse({"username": principal.username, "role": principal.role, "region": principal.region,
                             "factories": sorted(principal.factories),
                             "portfolio": principal.kind == "user" and principal.role in access.portfolio_roles})

    @api.get("/factories")
    def factory_list(principal: Annotated[Viewer, who], url: Annotated[str, store]) -> Response:
        """The factories the principal may see, with the years that have data (declared or metered, newest
        first: the year menu) and the year their pages open on."""
        out = []
        for f in _visible(principal, url):
            fid = str(f["id"])
            try:
                years = svc.data_years(fid, url)
                year: int | None = svc.default_year(fid, url)
            except ZerocarbonError:
                years, year = [], None
            out.append({**f, "default_year": year, "years": years, "has_data": bool(years)})
        return JsonResponse(out)

    @api.get("/factories/{factory_id}/overview")
    def overview(factory_id: Annotated[str, factory_path], principal: Annotated[Viewer, who],
                 url: Annotated[str, store], year: YearQ = None) -> Response:
        """Headline figures of the year (the engine's inventory), its latest month, intensities, renewable
        share, progress against the base year and data-quality alerts."""
        fid = _factory(factory_id, principal)
        y = _year(fid, year, url)
        return JsonResponse(_call(lambda: svc.overview(fid, y, url)))

    @api.get("/factories/{factory_id}/progress")
    def progress(factory_id: Annotated[str, factory_path], principal: Annotated[Viewer, who],
                 url: Annotated[str, store], year: YearQ = None) -> Response:
        """How far the first computation of the year has got (polled by the pages while it runs):
        ``{"busy": false}``, or ``busy`` with ``stage`` (``meters``: meters read of all; ``engine``),
        ``done``, ``total``, ``percent`` and ``elapsed_s``."""
        fid = _factory(factory_id, principal)
        y = _year(fid, year, url)
        work = svc.progress(fid, y, url)
        return JsonResponse({"busy": False, "year": y} if work is None else {"busy": True, "year": y, **work})

    @api.get("/factories/{factory_id}/emissions")
    def emissions(factory_id: Annotated[str, factory_path], principal: Annotated[Viewer, who],
                  url: Annotated[str, store], year: YearQ = None) -> Response:
        """Emissions per month by category, scope, source and facility [tCO2e]."""
        fid = _factory(factory_id, principal)
        y = _year(fid, year, url)
        return JsonResponse(_call(lambda: svc.emissions_series(fid, y, url)))

    @api.get("/factories/{factory_id}/energy")
    def energy(factory_id: Annotated[str, factory_path], principal: Annotated[Viewer, who],
               url: Annotated[str, store], year: YearQ = None) -> Response:
        """Comprehensive energy by carrier and month [tce] and its Sankey (carriers → site → facilities)."""
        fid = _factory(factory_id, principal)
        y = _year(fid, year, url)
        return JsonResponse(_call(lambda: svc.energy_sankey(fid, y, url)))

    @api.get("/factories/{factory_id}/meters")
    def meters(factory_id: Annotated[str, factory_path], principal: Annotated[Viewer, who],
               url: Annotated[str, store]) -> Response:
        """The factory's meters."""
        fid = _factory(factory_id, principal)
        return JsonResponse(_call(lambda: svc.meter_list(fid, url)))

    @api.get("/factories/{factory_id}/meters/{meter}/series")
    def meter_series(factory_id: Annotated[str, factory_path], meter: str, principal: Annotated[Viewer, who],
                     url: Annotated[str, store],
                     start: Annotated[str | None, Query(description="local time, ISO 8601")] = None,
                     end: Annotated[str | None, Query(description="local time, ISO 8601 (exclusive)")] = None,
                     ) -> Response:
        """A meter's interval values over [start, end), gaps and estimated intervals marked."""
        fid = _factory(factory_id, principal)
        return JsonResponse(_call(lambda: svc.meter_series(fid, meter, start, end, url)))

    def _matches(line: dict[str, Any], q: str, period: str | None, category: str | None, facility: str | None,
                 metered: bool) -> bool:
        if metered and not line["metered"]:
            return False
        if period and line["period"] != period:
            return False
        if category and category not in (line["category"], line["scope"] and f"scope{line['scope']}"):
            return False
        if facility and line["facility"] != facility:
            return False
        if q:
            hay = " ".join(str(line.get(k) or "") for k in ("id", "facility", "facility_name_zh", "facility_name_en",
                                                             "item_zh", "item_en", "period", "source", "category_zh",
                                                             "category_en")).lower()
            return all(part in hay for part in q.lower().split())
        return True

    @api.get("/factories/{factory_id}/inventory")
    def inventory(factory_id: Annotated[str, factory_path], principal: Annotated[Viewer, who],
                  url: Annotated[str, store], year: YearQ = None,
                  q: str = "", period: str | None = None, category: str | None = None, facility: str | None = None,
                  metered: bool = False, offset: Annotated[int, Query(ge=0)] = 0,
                  limit: Annotated[int, Query(ge=1, le=MAX_LINES)] = 200) -> Response:
        """The year's inventory: totals, breakdowns, and its lines (filtered, one page of them)."""
        fid = _factory(factory_id, principal)
        y = _year(fid, year, url)
        table = _call(lambda: svc.inventory_table(fid, y, url))
        lines = [ln for ln in table["lines"] if _matches(ln, q, period, category, facility, metered)]
        return JsonResponse({
            **table, "lines": lines[offset:offset + limit], "total_lines": len(table["lines"]),
            "matching_lines": len(lines), "offset": offset, "limit": limit,
            "filters": {"q": q, "period": period, "category": category, "facility": facility, "metered": metered}})

    @api.get("/factories/{factory_id}/lines/{line_id}")
    def line_trace(factory_id: Annotated[str, factory_path], line_id: str, principal: Annotated[Viewer, who],
                   url: Annotated[str, store], year: YearQ = None) -> Response:
        """The derivation of one line: activity data, factors with their source documents, and the meter
        readings behind a metered line."""
        fid = _factory(factory_id, principal)
        y = _year(fid, year, url)
        return JsonResponse(_call(lambda: svc.line_trace(fid, y, line_id, url)))

    @api.get("/factories/{factory_id}/quality")
    def quality(factory_id: Annotated[str, factory_path], principal: Annotated[Viewer, who],
                url: Annotated[str, store], year: YearQ = None) -> Response:
        """Missing and estimated intervals, readings not used, rejected records, dead letters, warnings."""
        fid = _factory(factory_id, principal)
        y = _year(fid, year, url)
        return JsonResponse(_call(lambda: svc.data_quality(fid, y, url)))

    @api.get("/factories/{factory_id}/reports")
    def report_list(factory_id: Annotated[str, factory_path], principal: Annotated[Viewer, who],
                    url: Annotated[str, store], year: YearQ = None) -> Response:
        """The periods with a report (the year and its months) and where to download them."""
        fid = _factory(factory_id, principal)
        y = _year(fid, year, url)
        return JsonResponse(_call(lambda: svc.reports(fid, y, url)))

    @api.get("/portfolio")
    def portfolio(principal: Annotated[Viewer, who], url: Annotated[str, store], year: YearQ = None,
                  province: str | None = None) -> Response:
        """The factories the principal may see, ranked by total emissions for the year (roles with the
        portfolio permission: authority, admin)."""
        access.require_portfolio(principal)
        ids = [str(f["id"]) for f in _visible(principal, url) if province in (None, "", f["province"])]
        return JsonResponse(_call(lambda: svc.portfolio(ids, year, url)))

    return api
