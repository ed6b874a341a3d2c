"""A PACT v3 data recipient: pull suppliers' footprints from their host systems, answer their requests.

PACT Technical Specifications 3.0.3 (``spec/v3/rest-api.md``, "Authentication Flow", "Action
ListFootprints" → Pagination; ``spec/v3/openapi.yaml``):

1. the token: the OpenID Provider Configuration Document ``<host>/.well-known/openid-configuration``
   is read when the host offers one and its ``token_endpoint`` used; otherwise ``<host>/auth/token``
   (OAuth2 client credentials, HTTP Basic, RFC 6749 §4.4). A token refused later as expired
   (401 TokenExpired) is renewed once;
2. ListFootprints with the filter criteria, following ``Link: <…>; rel="next"`` until there is none;
   a next link on another host than the one asked is refused (the spec requires the same host);
   a 5xx or 429 answer is retried with a randomised exponential back-off (the spec's SHOULD);
3. every footprint is validated (the official schema where kept, services/footprint/exchange.py) and
   stored as a supplier footprint of the factory; a footprint that does not validate is reported
   with its problem, never stored.

Plain ``http://`` hosts are refused unless ``allow_http`` (local use and tests).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from zerocarbon.errors import InputError
from zerocarbon.services.footprint import pact_events, pact_host

RETRIES = 4
BACKOFF_S = 0.5  # first back-off [s], doubled each retry, times a random factor in [0.5, 1.5)


def _fail(zh: str, en: str, where: str, expected: str | None = None) -> InputError:
    return InputError(zh, en, file=where, expected=expected)


class PactHost:
    """A session with one PACT v3 host system as a data recipient.

    Parameters
    ----------
    base_url : str
        The host's base URL (``https://example.com/pact``): its actions are under ``/3/…`` and its
        token endpoint ``/auth/token`` beside them (or the OpenID configuration's).
    client_id, client_secret : str
        The credentials the data owner gave.
    transport : httpx.BaseTransport, optional
        For tests (e.g. ``httpx.ASGITransport`` is async-only; use a TestClient's transport).
    """

    def __init__(self, base_url: str, client_id: str, client_secret: str, *, allow_http: bool = False,
                 transport: httpx.BaseTransport | None = None, timeout_s: float = 30.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        parts = urlsplit(base_url)
        if parts.scheme != "https" and not (allow_http and parts.scheme == "http"):
            raise _fail("PACT 主机地址须为 https://", "the PACT host must be an https:// address", base_url,
                        "https://…")
        self.base = base_url.rstrip("/")
        self.host = parts.netloc
        self.credentials = (client_id, client_secret)
        self.http = httpx.Client(transport=transport, timeout=timeout_s, follow_redirects=False)
        self._token: str | None = None
        self._sleep = sleep

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> PactHost:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------------------------------- token
    def token_endpoint(self) -> str:
        """The token endpoint: the OpenID configuration's ``token_endpoint`` if offered, else ``/auth/token``."""
        try:
            r = self.http.get(f"{self.base}/.well-known/openid-configuration")
            if r.status_code == 200:
                endpoint = r.json().get("token_endpoint")
                if isinstance(endpoint, str) and endpoint.startswith(("https://", "http://")):
                    return endpoint
        except (httpx.HTTPError, ValueError, AttributeError):
            pass  # no usable discovery document: the spec's fallback below
        return f"{self.base}/auth/token"

    def token(self, renew: bool = False) -> str:
        """An access token (cached until refused as expired)."""
        if self._token is not None and not renew:
            return self._token
        endpoint = self.token_endpoint()
        r = self._send("POST", endpoint, auth=self.credentials, data={"grant_type": "client_credentials"},
                       headers={"Accept": "application/json"})
        if r.status_code != 200:
            raise _fail(f"PACT 主机拒绝了客户端凭据（HTTP {r.status_code}）",
                        f"the PACT host refused the client credentials (HTTP {r.status_code}: {r.text[:200]})",
                        endpoint, "valid client id and secret")
        try:
            token = r.json()["access_token"]
        except (ValueError, KeyError, TypeError):
            raise _fail("令牌应答中没有 access_token", "the token answer holds no access_token", endpoint,
                        "RFC 6749 §4.4.3") from None
        self._token = str(token)
        return self._token

    # ---------------------------------------------------------------------------------------- calls
    def _send(self, method: str, target: str, **kw: Any) -> httpx.Response:
        delay = BACKOFF_S
        for attempt in range(RETRIES + 1):
            try:
                r = self.http.request(method, target, **kw)
            except httpx.TransportError as exc:
                if attempt == RETRIES:
                    raise _fail("无法连接 PACT 主机", f"cannot reach the PACT host: {exc}", target) from exc
            else:
                if r.status_code < 500 and r.status_code != 429:
                    return r
                if attempt == RETRIES:
                    return r
            self._sleep(delay * (0.5 + random.random()))
            delay *= 2
        raise AssertionError("unreachable")  # pragma: no cover

    def _call(self, method: str, target: str, **kw: Any) -> httpx.Response:
        """An authorised call; a token refused as expired is renewed once."""
        for renew in (False, True):
            headers = {**kw.pop("headers", {}), "Authorization": f"Bearer {self.token(renew)}"}
            r = self._send(method, target, headers=headers, **kw)
            kw["headers"] = {k: v for k, v in headers.items() if k != "Authorization"}
            if not (r.status_code == 401 and _code(r) == "TokenExpired") or renew:
                return r
        raise AssertionError("unreachable")  # pragma: no cover

    def list_footprints(self, criteria: Mapping[str, Sequence[str] | str] | None = None,
                        limit: int | None = None) -> list[dict[str, Any]]:
        """Every footprint meeting ``criteria`` (PACT v3 filter names), following the pagination links."""
        params: list[tuple[str, str]] = []
        for key, values in (criteria or {}).items():
            params += [(key, values)] if isinstance(values, str) else [(key, v) for v in values]
        if limit is not None:
            params.append(("limit", str(limit)))
        target: str | None = str(httpx.URL(f"{self.base}/3/footprints", params=params))
        out: list[dict[str, Any]] = []
        pages = 0
        while target is not None:
            r = self._call("GET", target)
            if r.status_code not in (200, 202):
                raise _fail(f"PACT 主机的足迹列表出错（HTTP {r.status_code}）",
                            f"ListFootprints failed (HTTP {r.status_code}: {r.text[:200]})", target)
            data = _data(r, target)
            if not isinstance(data, list):
                raise _fail("列表应答的 data 不是数组", "the ListFootprints answer's data is not an array", target,
                            "{\"data\": [ … ]}")
            out += data
            pages += 1
            following = r.links.get("next", {}).get("url")
            if following is not None and urlsplit(following).netloc != self.host:
                raise _fail("分页链接指向其他主机", f"the pagination link points to another host: {following}",
                            target, self.host)
            if following is not None and pages > 100_000:  # pragma: no cover - a host that pages forever
                raise _fail("分页过多", "too many pages", target)
            target = following
        return out

    def get_footprint(self, pf_id: str) -> dict[str, Any]:
        target = f"{self.base}/3/footprints/{pf_id}"
        r = self._call("GET", target)
        if r.status_code != 200:
            raise _fail(f"取足迹 {pf_id} 失败（HTTP {r.status_code}）",
                        f"GetFootprint {pf_id} failed (HTTP {r.status_code}: {r.text[:200]})", target)
        data = _data(r, target)
        if not isinstance(data, dict):
            raise _fail("应答的 data 不是对象", "the GetFootprint answer's data is not an object", target)
        return data

    def send_event(self, event: Mapping[str, Any], target: str | None = None) -> None:
        """POST a CloudEvent to the host's Action Events (or ``target``); raises unless 2xx."""
        where = target or f"{self.base}/3/events"
        r = self._call("POST", where, json=dict(event),
                       headers={"Content-Type": "application/cloudevents+json; charset=UTF-8"})
        if not 200 <= r.status_code < 300:
            raise _fail(f"事件未被接受（HTTP {r.status_code}）",
                        f"the event was not accepted (HTTP {r.status_code}: {r.text[:200]})", where)


def _code(r: httpx.Response) -> str | None:
    try:
        body = r.json()
    except ValueError:
        return None
    return body.get("code") if isinstance(body, dict) else None


def _data(r: httpx.Response, where: str) -> Any:
    try:
        return r.json()["data"]
    except (ValueError, KeyError, TypeError):
        raise _fail("应答不是含 data 的 JSON", "the answer is not JSON with data", where, "{\"data\": …}") from None


@dataclass
class PullResult:
    """What a pull brought: the footprints stored, those refused with their problem."""

    host: str
    stored: list[pact_host.Stored] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"host": self.host, "stored": [s.to_dict() for s in self.stored], "refused": self.refused}


def pull(factory_id: str, host: PactHost, criteria: Mapping[str, Sequence[str] | str] | None = None,
         url: str | None = None) -> PullResult:
    """Pull the footprints a supplier's host offers (meeting ``criteria``) into ``factory_id``'s supplier footprints."""
    result = PullResult(host.base)
    for i, doc in enumerate(host.list_footprints(criteria)):
        try:
            result.stored += pact_host.store_documents(factory_id, [doc], "supplier", host.base, url)
        except InputError as exc:
            result.refused.append({"index": i, "id": doc.get("id") if isinstance(doc, dict) else None,
                                   "problem_zh": exc.message("zh"), "problem_en": exc.message("en")})
    return result


def deliver_answers(factory_id: str, host: PactHost, url: str | None = None) -> list[dict[str, Any]]:
    """Send the pending answers to requests that came from ``host`` (the request's ``source`` must name that
    host: the spec requires the source to be validated before answering); each delivered one is marked."""
    sent = []
    for ev in pact_events.events(factory_id, "pending", url):
        source = str(ev["source"])
        target = ("https:" + source) if source.startswith("//") else source
        if urlsplit(target).netloc != host.host:
            continue
        if urlsplit(target).scheme != urlsplit(host.base).scheme:
            target = urlsplit(host.base).scheme + ":" + target.split(":", 1)[1]
        host.send_event(ev["answer"], target)
        pact_events.mark_answered(int(ev["id"]), ev["answer"], factory_id, url)
        sent.append({"request": ev["event_id"], "answer": ev["answer"]["type"], "to": target})
    return sent
