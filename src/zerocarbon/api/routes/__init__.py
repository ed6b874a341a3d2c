"""The routers of ``/api/v1`` (thin: check access, call a service function, shape the answer)."""
