"""Django's ASGI handler, made to serve our synchronous stack in one hop, in turn, on kept threads.

Every view and middleware of ours is synchronous. Django's own ASGI handler, given such a stack,
starts a thread for every request (asgiref's `ThreadSensitiveContext`) and another to join it, and
crosses between the event loop and that thread five times a request (the `request_started` signal,
into the middleware, back out to its async core under the innermost synchronous middleware, into
the view, and to close the response); and it lets every request in at once, so fifty requests in a
process take turns at the interpreter lock in no order: some wait far longer than the rest, and the
switching costs the cores. bench/portal_home.py and docs/performance.md have the figures.

Here:
- **One hop.** A request's synchronous part — the signal, the middleware and view, and for a whole
  (not streamed) response its closing, which hands the database connection back — runs in one call,
  on a thread kept from earlier requests: each request borrows a single-thread executor through
  `ThreadSensitiveContext(executor=…)`, so whatever else of it runs thread-sensitive (a streamed
  response's chunks, an async view's nested database calls) runs on that same thread, as under
  Django's handler. Async views are adapted inside the chain, as under WSGI.
- **In turn.** At most `CARECIRCLE_REQUEST_SLOTS` requests of a process are in Django at once
  (two: one computes while the other waits on the database; the interpreter lock lets no more
  than one compute); the others wait in order of arrival (`FifoSlots`). A streamed response leaves
  its slot before it streams (an alarm console's live feed holds none).
- **Spread.** A connection stays with the process that accepted it, and the processes' shares of
  kept-alive connections drift apart (4 and 46 of 50 seen): the fuller process then answers every
  request several times later than the other. A process ends a connection after its answer
  (`Connection: close`) with a chance that grows with how many requests wait in it
  (`shed_chance`), so the clients of the fuller process reconnect and land on either process until
  their shares are even. What stays Django's: the request and body reading, the sending, and a
  streamed response's watch for the client going away.
"""

from __future__ import annotations

import asyncio
import collections
import random
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.http import FileResponse
from django.http.response import HttpResponseBase
from django.urls import set_script_prefix

THREAD_NAME = "carecircle-request"
# Waiting requests at which a process ends every connection after its answer: with 25 waiting
# (50 connections even over two processes) about one answer in ten ends its connection.
SHED_FULL = 250


def shed_chance(waiting: int, slots: int) -> float:
    """The chance that an answer ends its connection, given how many requests are in the process
    (`waiting`, those in Django included): none while no one waits for a slot."""
    return min(1.0, max(0, waiting - slots) / SHED_FULL)


class FifoSlots:
    """At most `size` holders at once; the others wait their turn in order of arrival (a freed slot
    is handed to the longest waiter, never taken by one that came later, as asyncio's semaphore
    may let it)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._free = size
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()

    @property
    def load(self) -> int:
        """Holders and waiters."""
        return self.size - self._free + len(self._waiters)

    async def __aenter__(self) -> None:
        if self._free > 0 and not self._waiters:
            self._free -= 1
            return
        turn = asyncio.get_running_loop().create_future()
        self._waiters.append(turn)
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self._release()  # handed the slot just as it was cancelled: pass it on
            elif turn in self._waiters:  # a freed slot may have passed it by already
                self._waiters.remove(turn)
            raise

    async def __aexit__(self, *exc: object) -> None:
        self._release()

    def _release(self) -> None:
        while self._waiters:
            turn = self._waiters.popleft()
            if not turn.done():
                turn.set_result(None)
                return
        self._free += 1


class OneHopASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)  # the synchronous chain, as under WSGI
        self.slots = FifoSlots(settings.CARECIRCLE_REQUEST_SLOTS)
        self._idle: list[ThreadPoolExecutor] = []  # the kept request threads, the warmest last

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        try:
            set_script_prefix(get_script_prefix(scope))
            executor = self._idle.pop() if self._idle else ThreadPoolExecutor(1, THREAD_NAME)
            try:
                async with ThreadSensitiveContext(executor=executor):
                    await self._serve(scope, body_file, receive, send)
            finally:
                self._idle.append(executor)
        finally:
            body_file.close()

    async def _serve(self, scope: dict[str, Any], body_file: Any, receive: Any, send: Any) -> None:
        async with self.slots:
            response = await sync_to_async(self._respond, thread_sensitive=True)(scope, body_file)
        if response.streaming:
            await self._stream(response, receive, send)
            return
        chance = shed_chance(self.slots.load, self.slots.size)
        if chance and random.random() < chance:  # noqa: S311 - not a secret
            response["Connection"] = "close"
        await self.send_response(response, send)

    def _respond(self, scope: dict[str, Any], body_file: Any) -> HttpResponseBase:
        """The synchronous part, on the request's thread; a whole response comes back closed."""
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, refusal = self.create_request(scope, body_file)  # refused: 400 or 413
        if request is None:
            response = cast(HttpResponseBase, refusal)  # create_request answers one or the other
        else:
            response = self.get_response(request)
            response._handler_class = self.__class__  # type: ignore[attr-defined]
            if isinstance(response, FileResponse):
                response.block_size = self.chunk_size
        if not response.streaming:
            response.close()  # request_finished: the database connection goes back from this thread
        return response

    async def _stream(self, response: HttpResponseBase, receive: Any, send: Any) -> None:
        """A streamed response, sent as Django's handler sends it: stopped when the client leaves."""

        async def send_all() -> None:
            try:
                await self.send_response(response, send)
            except asyncio.CancelledError:
                pass  # the client went away during the send

        tasks = [
            asyncio.create_task(self.listen_for_disconnect(receive)),
            asyncio.create_task(send_all()),
        ]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in tasks:
                if not task.done():
                    task.cancel()
                try:
                    await task
                except (asyncio.CancelledError, RequestAborted):
                    pass
        finally:
            await sync_to_async(response.close, thread_sensitive=True)()
