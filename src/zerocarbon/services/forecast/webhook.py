"""Delivery of alerts by a webhook: a POST of JSON to a configured URL, with bounded retries.

The URL is the caller's (``--webhook`` of the CLI) or ``ZEROCARBON_ALERT_WEBHOOK``. One POST carries
every alert raised by a run (``{"factory_id", "alerts": [...]}``, UTF-8 JSON). A 2xx answer is a
delivery; anything else (an error status, a refused connection, a timeout) is retried up to
``attempts`` times in all, waiting ``backoff`` × 2^k seconds between tries. The result says how many
attempts were made and the last error; it never raises, so a dead receiver cannot stop detection.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

ENV = "ZEROCARBON_ALERT_WEBHOOK"


@dataclass
class Delivery:
    url: str
    delivered: bool
    attempts: int
    status: int | None
    error: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "delivered": self.delivered, "attempts": self.attempts, "status": self.status,
                "error": self.error}


def webhook_url(url: str | None = None) -> str | None:
    return url or os.environ.get(ENV) or None


def deliver(url: str, payload: dict[str, Any], *, attempts: int = 3, backoff: float = 0.5,
            timeout: float = 5.0) -> Delivery:
    """POST ``payload`` as JSON to ``url`` (see the module docstring)."""
    if not url.startswith(("http://", "https://")):
        return Delivery(url, False, 0, None, "the webhook URL must start with http:// or https://")
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    status: int | None = None
    error = ""
    tries = max(1, attempts)
    for k in range(tries):
        request = urllib.request.Request(url, data=body, method="POST",
                                         headers={"Content-Type": "application/json; charset=utf-8",
                                                  "User-Agent": "zerocarbon-alerts"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # the scheme is checked above
                status = int(response.status)
                if 200 <= status < 300:
                    return Delivery(url, True, k + 1, status)
                error = f"HTTP {status}"
        except urllib.error.HTTPError as exc:
            status, error = int(exc.code), f"HTTP {exc.code}"
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            status, error = None, str(getattr(exc, "reason", exc))
        if k + 1 < tries:
            time.sleep(backoff * 2 ** k)
    return Delivery(url, False, tries, status, error)
