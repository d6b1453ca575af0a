"""A GET through an ASGI application as uvicorn sends it, on an event loop of its own thread (a
browser test before may leave Playwright's loop running in the test's thread). The test clients
bypass the ASGI handler's own thread and streaming, which these tests are about."""

import asyncio
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any


def scope_of(path: str, headers: Sequence[tuple[bytes, bytes]] = ()) -> dict[str, Any]:
    """The scope uvicorn hands the application for GET `path`."""
    return {
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


def on_own_loop(coroutine: Any) -> Any:
    """Run `coroutine` on an event loop of its own thread (a browser test before may leave one
    running in this one)."""
    with ThreadPoolExecutor(1) as loop_thread:
        return loop_thread.submit(asyncio.run, coroutine).result()


async def get(application: Any, path: str, headers: Sequence[tuple[bytes, bytes]] = ()) -> list[dict]:
    """The messages `application` sent for GET `path`, on the running loop."""
    sent: list[dict] = []
    requests = [{"type": "http.request", "body": b"", "more_body": False}]
    scope = scope_of(path, headers)

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
    return on_own_loop(get(application, path, headers))


def status_of(sent: list[dict]) -> int:
    return next(m for m in sent if m["type"] == "http.response.start")["status"]
