"""Channels outside the site: how a batch of messages is handed to a gateway.

A sender takes `Outgoing` items (the message's idempotency key, the number, the text) and answers
one `Outcome` per item. The SMS sender speaks a small JSON protocol over HTTP to the gateway named
by CARECIRCLE_SMS_GATEWAY_URL (the fake gateway of portal/fake_gateway.py speaks it too):

    POST {url}/messages   {"messages": [{"ref": key, "to": "138…", "text": "…"}, …]}
    200 {"results": [{"ref": key, "status": "accepted" | "duplicate" | "rejected",
                      "id": "<gateway's id>", "error": "…"}, …]}

`ref` is the client reference every SMS gateway offers: a second request with a ref it has seen
answers "duplicate" with the first id and sends nothing, so a worker that died after the gateway
accepted but before it wrote "sent" can retry safely. Any other answer (a refused connection, a
timeout, a 5xx) fails the whole batch, to be retried with back-off; "rejected" (a number the
gateway will never reach) is final.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from django.conf import settings

from carecircle.portal.types import Channel


@dataclass(frozen=True)
class Outgoing:
    ref: str
    to: str
    text: str


@dataclass(frozen=True)
class Outcome:
    ref: str
    ok: bool
    provider_id: str = ""
    error: str = ""
    final: bool = False  # a failure that no retry will mend


class Sender(Protocol):
    def send(self, items: Sequence[Outgoing]) -> list[Outcome]: ...


class GatewayError(Exception):
    """The gateway could not be reached or answered out of protocol: the whole batch is retried."""


class HttpSmsGateway:
    """The SMS gateway client: one keep-alive connection per thread."""

    def __init__(self, url: str, token: str = "", timeout: float = 10.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise GatewayError(f"bad gateway URL {url!r}")
        self.https = parts.scheme == "https"
        self.host, self.port = parts.hostname, parts.port
        self.path = parts.path.rstrip("/") + "/messages"
        self.token, self.timeout = token, timeout
        self._local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        conn: http.client.HTTPConnection | None = getattr(self._local, "conn", None)
        if conn is None:
            cls = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
            conn = cls(self.host, self.port, timeout=self.timeout)
            self._local.conn = conn
        return conn

    def _post(self, payload: bytes) -> tuple[int, bytes]:
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        for attempt in (1, 2):  # a keep-alive connection the server closed: reconnect once
            conn = self._connection()
            try:
                conn.request("POST", self.path, body=payload, headers=headers)
                response = conn.getresponse()
                return response.status, response.read()
            except (OSError, http.client.HTTPException) as e:
                conn.close()
                self._local.conn = None
                if attempt == 2 or not isinstance(e, http.client.RemoteDisconnected | BrokenPipeError):
                    raise GatewayError(f"gateway unreachable: {e}") from e
        raise AssertionError("unreachable")

    def send(self, items: Sequence[Outgoing]) -> list[Outcome]:
        payload = json.dumps(
            {"messages": [{"ref": i.ref, "to": i.to, "text": i.text} for i in items]}, ensure_ascii=False
        ).encode()
        status, raw = self._post(payload)
        if status != 200:
            raise GatewayError(f"gateway answered {status}")
        try:
            results = {r["ref"]: r for r in json.loads(raw)["results"]}
        except (ValueError, KeyError, TypeError) as e:
            raise GatewayError(f"gateway answer out of protocol: {e}") from e
        outcomes = []
        for item in items:
            r = results.get(item.ref)
            if r is None:
                outcomes.append(Outcome(item.ref, ok=False, error="gateway gave no result"))
            elif r.get("status") in ("accepted", "duplicate"):
                outcomes.append(Outcome(item.ref, ok=True, provider_id=str(r.get("id", ""))[:100]))
            else:
                error = str(r.get("error") or r.get("status"))[:300]
                outcomes.append(Outcome(item.ref, ok=False, error=error, final=r.get("status") == "rejected"))
        return outcomes


_overrides: dict[Channel, Sender] = {}


def sender_for(channel: Channel) -> Sender | None:
    """The sender of a channel outside the site, or None when it is not configured."""
    if channel in _overrides:
        return _overrides[channel]
    if channel is Channel.SMS and settings.CARECIRCLE_SMS_GATEWAY_URL:
        return _sms_gateway(
            settings.CARECIRCLE_SMS_GATEWAY_URL,
            settings.CARECIRCLE_SMS_GATEWAY_TOKEN,
            settings.CARECIRCLE_SMS_GATEWAY_TIMEOUT,
        )
    return None


_gateways: dict[tuple[str, str, float], HttpSmsGateway] = {}


def _sms_gateway(url: str, token: str, timeout: float) -> HttpSmsGateway:
    key = (url, token, timeout)
    if key not in _gateways:
        _gateways[key] = HttpSmsGateway(url, token, timeout)
    return _gateways[key]


def register(channel: Channel, sender: Sender | None) -> Callable[[], None]:
    """Plug a sender in for a channel (another gateway, a test's); answers the undo."""
    previous = _overrides.get(channel)
    if sender is None:
        _overrides.pop(channel, None)
    else:
        _overrides[channel] = sender

    def undo() -> None:
        if previous is None:
            _overrides.pop(channel, None)
        else:
            _overrides[channel] = previous

    return undo
