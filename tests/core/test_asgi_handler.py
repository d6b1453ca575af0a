"""The ASGI handler `carecircle serve` runs (core/asgi_handler.py): a request's synchronous part in
one hop on a kept thread, at most CARECIRCLE_REQUEST_SLOTS requests of a process in Django at once
and the others in order of arrival, and connections ended by a crowded process so that clients
spread over the processes. Driven as uvicorn drives it (tests/asgi.py), on an event loop of its own
thread. Django's own handler fails the first two: a new thread per request, and every request in
at once."""

import asyncio
import threading
import time

import pytest
from django.core import signals
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import path

from carecircle.core import asgi_handler
from carecircle.core.asgi_handler import THREAD_NAME, FifoSlots, OneHopASGIHandler, shed_chance
from tests.asgi import asgi_get, get, on_own_loop, scope_of, status_of

pytestmark = pytest.mark.django_db(transaction=True)
PATH = "/static/no-such-file.css"  # answered by Django (404) without a session or a query


def _header(sent: list[dict], name: bytes) -> bytes | None:
    start = next(m for m in sent if m["type"] == "http.response.start")
    return next((v for k, v in start["headers"] if k.lower() == name), None)


def test_a_request_runs_signal_middleware_view_and_close_on_one_kept_thread(settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    seen: list[tuple[str, str]] = []

    def started(**kwargs):
        seen.append(("started", threading.current_thread().name))

    def finished(**kwargs):
        seen.append(("finished", threading.current_thread().name))

    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    try:
        handler = OneHopASGIHandler()
        statuses = [status_of(asgi_get(handler, PATH)) for _ in range(3)]
    finally:
        signals.request_started.disconnect(started)
        signals.request_finished.disconnect(finished)
    assert statuses == [404, 404, 404]
    assert [event for event, _ in seen] == ["started", "finished"] * 3
    threads = {name for _, name in seen}
    assert len(threads) == 1 and threads.pop().startswith(THREAD_NAME), seen


def _concurrently(handler, count: int) -> list[list[dict]]:
    async def all_at_once():
        return await asyncio.gather(*(get(handler, f"/static/no-such-{n}.css") for n in range(count)))

    return on_own_loop(all_at_once())


def test_at_most_the_slots_are_in_django_at_once_and_the_others_go_in_order(settings, monkeypatch):
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.CARECIRCLE_REQUEST_SLOTS = 2
    monkeypatch.setattr(asgi_handler.random, "random", lambda: 0.0)  # any chance to end is taken
    lock = threading.Lock()
    inside, most, order = 0, 0, []

    def started(scope, **kwargs):
        nonlocal inside, most
        with lock:
            inside += 1
            most = max(most, inside)
            order.append(int(scope["path"].split("-")[-1].split(".")[0]))
        time.sleep(0.05)  # a request that takes its time in Django
        with lock:
            inside -= 1

    signals.request_started.connect(started)
    try:
        sent = _concurrently(OneHopASGIHandler(), 6)
    finally:
        signals.request_started.disconnect(started)
    assert [status_of(s) for s in sent] == [404] * 6
    assert most == 2
    assert order == [0, 1, 2, 3, 4, 5]
    # The first answers left others waiting: they end their connections; the last found no one.
    assert _header(sent[0], b"connection") == b"close"
    assert _header(sent[5], b"connection") is None


def test_a_lone_request_keeps_its_connection(settings, monkeypatch):
    settings.ALLOWED_HOSTS = ["testserver"]
    monkeypatch.setattr(asgi_handler.random, "random", lambda: 0.0)
    assert _header(asgi_get(OneHopASGIHandler(), PATH), b"connection") is None


def test_the_chance_to_end_a_connection_grows_with_the_waiting_and_stops_at_one():
    assert shed_chance(0, 2) == shed_chance(2, 2) == 0.0
    assert 0 < shed_chance(3, 2) < shed_chance(27, 2) < 1
    assert shed_chance(10_000, 2) == 1.0


def test_a_freed_slot_goes_to_the_longest_waiter_and_a_cancelled_waiter_loses_none():
    async def scenario():
        slots = FifoSlots(1)
        got: list[str] = []

        async def take(name: str, hold: float):
            async with slots:
                got.append(name)
                await asyncio.sleep(hold)

        first = asyncio.create_task(take("first", 0.02))
        await asyncio.sleep(0)
        gone = asyncio.create_task(take("gone", 0))
        second = asyncio.create_task(take("second", 0))
        await asyncio.sleep(0)
        gone.cancel()  # a client that left while it waited
        third = asyncio.create_task(take("third", 0))
        await asyncio.gather(first, second, third)
        with pytest.raises(asyncio.CancelledError):
            await gone
        return got, slots.load

    got, load = on_own_loop(scenario())
    assert got == ["first", "second", "third"]
    assert load == 0  # every slot came back


def test_a_waiter_cancelled_as_it_is_handed_the_slot_passes_it_on():
    async def scenario():
        slots = FifoSlots(1)
        await slots.__aenter__()
        handed = asyncio.create_task(slots.__aenter__())
        nxt = asyncio.create_task(slots.__aenter__())
        await asyncio.sleep(0)
        await slots.__aexit__()  # hands the slot to `handed` …
        handed.cancel()  # … which is cancelled before it runs
        with pytest.raises(asyncio.CancelledError):
            await handed
        await asyncio.wait_for(nxt, 1)  # the slot went on to the next
        return slots.load

    assert on_own_loop(scenario()) == 1


async def _endless():
    while True:
        yield b"tick\n"
        await asyncio.sleep(0.01)


def _stream_view(request):
    return StreamingHttpResponse(_endless(), content_type="text/plain")


urlpatterns = [path("stream/", _stream_view), path("plain/", lambda request: HttpResponse("ok"))]


def test_a_stream_ends_when_its_client_goes_away_and_gives_its_slot_back(settings):
    """An alarm console's live feed: streamed without a slot, stopped and closed when the browser leaves."""
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.ROOT_URLCONF = __name__
    settings.CARECIRCLE_REQUEST_SLOTS = 1
    finished = []

    def on_finished(**kwargs):
        finished.append(threading.current_thread().name)

    async def scenario(handler):
        sent: list[dict] = []
        left = asyncio.Event()
        messages = [{"type": "http.request", "body": b"", "more_body": False}]

        async def receive():
            if messages:
                return messages.pop()
            await left.wait()
            return {"type": "http.disconnect"}

        async def send(message):
            sent.append(message)

        scope = scope_of("/stream/")
        streaming = asyncio.create_task(handler(scope, receive, send))
        while not any(m.get("body") for m in sent):
            await asyncio.sleep(0.01)
        other = await asyncio.wait_for(get(handler, "/plain/"), 5)  # the one slot is free meanwhile
        left.set()  # then the browser closes
        await asyncio.wait_for(streaming, 5)
        return sent, other

    signals.request_finished.connect(on_finished)
    try:
        sent, other = on_own_loop(scenario(OneHopASGIHandler()))
    finally:
        signals.request_finished.disconnect(on_finished)
    assert status_of(sent) == 200 and any(m.get("body") == b"tick\n" for m in sent)
    assert status_of(other) == 200
    assert len(finished) == 2 and all(name.startswith(THREAD_NAME) for name in finished), finished
