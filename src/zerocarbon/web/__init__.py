"""The dashboard, served by the API process: pages, static assets and ``/api/v1/dashboard`` data.

``router`` is included by :func:`zerocarbon.api.app.create_app`. See ``docs/dashboard.md``.
"""

from zerocarbon.web.routes import router

__all__ = ["router"]
