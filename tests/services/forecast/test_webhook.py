"""Webhook delivery against a local HTTP server: retries bounded, JSON as sent."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, ClassVar

import pytest

from zerocarbon.services.forecast.webhook import deliver


class _Receiver(BaseHTTPRequestHandler):
    fail_first = 0
    received: ClassVar[list[dict[str, Any]]] = []
    calls = 0

    def do_POST(self) -> None:
        type(self).calls += 1
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if type(self).calls <= type(self).fail_first:
            self.send_response(503)
            self.end_headers()
            return
        type(self).received.append(json.loads(body.decode("utf-8")))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture
def receiver() -> Iterator[tuple[str, type[_Receiver]]]:
    handler = type("Handler", (_Receiver,), {"fail_first": 0, "received": [], "calls": 0})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", handler
    server.shutdown()
    server.server_close()


def test_delivered_after_a_retry(receiver: tuple[str, type[_Receiver]]) -> None:
    url, handler = receiver
    handler.fail_first = 1
    result = deliver(url, {"factory_id": "F1", "alerts": [{"id": 1, "message_zh": "尖峰"}]}, backoff=0.01)
    assert result.delivered and result.attempts == 2 and result.status == 204
    assert handler.received == [{"factory_id": "F1", "alerts": [{"id": 1, "message_zh": "尖峰"}]}]


def test_retries_are_bounded(receiver: tuple[str, type[_Receiver]]) -> None:
    url, handler = receiver
    handler.fail_first = 10
    result = deliver(url, {"x": 1}, attempts=3, backoff=0.01)
    assert not result.delivered and result.attempts == 3 and handler.calls == 3 and result.error == "HTTP 503"


def test_unreachable_and_bad_urls_do_not_raise() -> None:
    dead = deliver("http://127.0.0.1:9/hook", {"x": 1}, attempts=2, backoff=0.01, timeout=1)
    assert not dead.delivered and dead.attempts == 2 and dead.error
    assert deliver("file:///etc/passwd", {}).attempts == 0
