"""The dashboard, served by the API process: pages, static assets and ``/api/v1/dashboard`` data.

:func:`dashboard_router` is mounted by :func:`zerocarbon.api.app.create_app`, which hands it what it
takes from the API (:class:`DashboardAccess`: who is calling, the store, the rules of access); the
dashboard imports nothing of the API. See ``docs/dashboard.md``.
"""

from zerocarbon.web.routes import DashboardAccess, Viewer, dashboard_router

__all__ = ["DashboardAccess", "Viewer", "dashboard_router"]
