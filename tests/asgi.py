"""A GET through an ASGI application as uvicorn sends it, on an event loop of its own thread (a
browser test before may leave Playwright's loop running in the test's thread). The test clients
bypass the ASGI handler's own thread and streaming, which these tests are about."""

import asyncio
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any


async def _get(application: Any, path: str, headers: list[tuple[bytes, bytes]]) -> list[dict]:
    sent: list[dict] = []
    requests = [{"type": "http.request", "body": b"", "more_body": False}]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 40000),
        "server": ("testserver", 80),
    }

    async def receive() -> dict:
        if requests:
            return requests.pop()
        await asyncio.Event().wait()  # the client stays connected until the handler is done
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    await application(scope, receive, send)
    return sent


def asgi_get(application: Any, path: str, headers: Sequence[tuple[bytes, bytes]] = ()) -> list[dict]:
    """The messages `application` sent for GET `path`."""
    with ThreadPoolExecutor(1) as loop_thread:
        return loop_thread.submit(asyncio.run, _get(application, path, list(headers))).result()


def status_of(sent: list[dict]) -> int:
    return next(m for m in sent if m["type"] == "http.response.start")["status"]
