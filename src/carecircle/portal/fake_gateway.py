"""A fake SMS gateway for the tests, the benchmark and the demo: it speaks the protocol of
portal/channels.py, honours the client reference (a ref seen before answers "duplicate" with its
first id and sends nothing), and keeps a record of what it "sent" so that a test can count.

Run it: `carecircle portal_fake_gateway --port 8025` (then CARECIRCLE_SMS_GATEWAY_URL=
http://127.0.0.1:8025). It listens on 127.0.0.1 only.

Control (for tests and the benchmark), JSON over HTTP:
    GET  /record            {"accepted": n, "duplicates": n, "requests": n, "failed_requests": n,
                             "sends": {ref: times handed to a phone}} (?full=0: without "sends")
    POST /control           {"down": true|false, "fail_requests": n, "rate": messages per second,
                             "reject_prefix": "170"}  — down: every request answers 503;
                            fail_requests: the next n requests answer 503; rate: at most this many
                            messages a second (requests wait); reject_prefix: numbers refused for good
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


class GatewayState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ids: dict[str, str] = {}  # ref -> the id it was given
        self.sends: dict[str, int] = {}  # ref -> times handed to a phone (1 when all is well)
        self.accepted = self.duplicates = self.requests = self.failed_requests = 0
        self.down = False
        self.fail_requests = 0
        self.rate = 0.0
        self.reject_prefix = ""
        self._next_free = 0.0

    def control(self, body: dict[str, Any]) -> None:
        with self.lock:
            self.down = bool(body.get("down", self.down))
            self.fail_requests = int(body.get("fail_requests", self.fail_requests))
            self.rate = float(body.get("rate", self.rate))
            self.reject_prefix = str(body.get("reject_prefix", self.reject_prefix))

    def _pace(self, n: int) -> None:
        if self.rate <= 0:
            return
        with self.lock:
            start = max(self._next_free, time.monotonic())
            self._next_free = start + n / self.rate
        delay = start - time.monotonic()
        if delay > 0:
            time.sleep(delay)

    def handle(self, messages: list[dict[str, Any]]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.requests += 1
            if self.down or self.fail_requests > 0:
                self.fail_requests = max(0, self.fail_requests - 1)
                self.failed_requests += 1
                return 503, {"error": "unavailable"}
        self._pace(len(messages))
        results = []
        with self.lock:
            for m in messages:
                ref, to = str(m.get("ref", "")), str(m.get("to", ""))
                if not ref or not to.isdigit():
                    results.append({"ref": ref, "status": "rejected", "error": "bad number or ref"})
                elif self.reject_prefix and to.startswith(self.reject_prefix):
                    results.append({"ref": ref, "status": "rejected", "error": "number not reachable"})
                elif ref in self.ids:
                    self.duplicates += 1
                    results.append({"ref": ref, "status": "duplicate", "id": self.ids[ref]})
                else:
                    self.accepted += 1
                    self.ids[ref] = f"fake-{self.accepted}"
                    self.sends[ref] = self.sends.get(ref, 0) + 1
                    results.append({"ref": ref, "status": "accepted", "id": self.ids[ref]})
        return 200, {"results": results}

    def record(self, full: bool = True) -> dict[str, Any]:
        with self.lock:
            out: dict[str, Any] = {
                "accepted": self.accepted,
                "duplicates": self.duplicates,
                "requests": self.requests,
                "failed_requests": self.failed_requests,
                "sent_twice": sum(1 for n in self.sends.values() if n > 1),
            }
            if full:
                out["sends"] = dict(self.sends)
            return out


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # keep-alive

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 — the base class's name
        pass

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        raw = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        data = json.loads(self.rfile.read(length) or b"{}")
        return data if isinstance(data, dict) else {}

    def do_GET(self) -> None:  # noqa: N802 — http.server's name
        url = urlsplit(self.path)
        if url.path == "/record":
            full = parse_qs(url.query).get("full", ["1"])[0] != "0"
            self._answer(200, self.server.state.record(full))
        else:
            self._answer(404, {"error": "not found"})

    def do_POST(self) -> None:  # noqa: N802 — http.server's name
        url = urlsplit(self.path)
        try:
            body = self._body()
        except ValueError:
            self._answer(400, {"error": "not JSON"})
            return
        if url.path.endswith("/messages"):
            status, answer = self.server.state.handle(list(body.get("messages") or []))
            self._answer(status, answer)
        elif url.path == "/control":
            self.server.state.control(body)
            self._answer(200, {"ok": True})
        else:
            self._answer(404, {"error": "not found"})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: GatewayState


class FakeGateway:
    """`with FakeGateway() as gw:` a gateway on a free port of 127.0.0.1 in a thread; `gw.url`,
    `gw.state` (the record, in process)."""

    def __init__(self, port: int = 0) -> None:
        self.server = _Server(("127.0.0.1", port), _Handler)
        self.server.state = GatewayState()
        self.state = self.server.state
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(
            target=self.server.serve_forever, name="fake-sms-gateway", daemon=True
        )

    def start(self) -> FakeGateway:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> FakeGateway:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
