"""The HTTP API of the management centre (FastAPI): ``create_app`` and ``serve`` in :mod:`zerocarbon.api.app`.

Layout, after the FastAPI full-stack template: one settings object (:mod:`.settings`), typed
dependencies (:mod:`.deps`), layered schemas (:mod:`.schemas`), one error format (:mod:`.errors`)
and thin routers (:mod:`.routes`) that call the same service functions as the CLI. Reference:
``docs/api.md``.
"""
