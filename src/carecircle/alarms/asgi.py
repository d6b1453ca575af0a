"""The device intake's fast path under ASGI (the `carecircle serve` layout).

Devices post alarms and heartbeats at rates that the full Django stack (middleware, sessions,
ninja: about 8 ms of CPU a request here) cannot answer on a small machine, while an operator must
see an alarm well under a second after it was sent. This wrapper answers `POST /api/v1/alarms`
and `POST /api/v1/devices/heartbeat` itself on their common path: the same schemas and checks as
the API, then the process's alarm worker stores the event in a batch, the device is acknowledged
after the commit, and the same worker delivers it to the consoles.

Anything else goes on to Django unchanged, with the body already read handed over: a body that is
not valid JSON or fails a check, a missing, unknown or staff token, a worker held stopped, a
failed batch, no answer within `ANSWER_SECONDS`. The API then gives its own answer (4xx naming the
field, 401, 403) and stores where it should; the unique constraint on device and event id makes a
second attempt at the same event harmless. The contract is therefore the API's, whichever way a
request goes (tests/alarms/test_intake_fast_path.py).
"""

import asyncio
import gc
import json
import logging
from collections.abc import Callable
from typing import ClassVar

from django.utils import timezone
from pydantic import BaseModel, ValidationError

from carecircle.alarms import delivery, services
from carecircle.alarms.api import AlarmIn, HeartbeatIn, alarm_ack, beat_ack
from carecircle.core.errors import DomainError

log = logging.getLogger("carecircle.alarms")
MAX_BODY = 64 * 1024
ANSWER_SECONDS = 10.0


def wrap(app):
    # Django, the modules and their imports are loaded by now and live as long as the process:
    # leave them out of the cyclic garbage collector's full passes, which otherwise stop the
    # event loop (and every alarm in flight) for tens of milliseconds under load.
    gc.freeze()
    return DeviceIntake(app)


class DeviceIntake:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        kind = None
        if scope["type"] == "http" and scope.get("method") == "POST":
            kind = _KINDS.get(scope.get("path", ""))
        if kind is None:
            return await self.app(scope, receive, send)
        body, complete = await _read_body(receive)
        answer = None
        if complete:
            try:
                answer = await _answer(kind, _bearer(scope), body)
            except Exception:  # noqa: BLE001 - Django's API path answers instead
                log.exception("device intake fast path failed; passing the request to the API")
        if answer is None:
            return await self.app(scope, _replay(body, complete, receive), send)
        status, payload = answer
        data = json.dumps(payload).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json; charset=utf-8"),
                    (b"content-length", str(len(data)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": data})


async def _read_body(receive) -> tuple[bytes, bool]:
    """The request body, up to MAX_BODY; `complete` is False if more remains to be read."""
    chunks, size = list[bytes](), 0
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the client went away
            return b"".join(chunks), False
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if not message.get("more_body", False):
            return b"".join(chunks), True
        if size > MAX_BODY:
            return b"".join(chunks), False


def _replay(body: bytes, complete: bool, receive):
    """A `receive` that gives Django the body already read, then whatever follows."""
    given = False

    async def replay():
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": not complete}
        return await receive()

    return replay


def _bearer(scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() if scheme.lower() == "bearer" else ""
    return ""


async def _answer(kind, token: str, body: bytes):
    """(status, payload) for the device, or None to let the API answer."""
    if not token:
        return None
    payload = kind.parse(body)
    if payload is None:
        return None
    job = kind(token, payload, asyncio.get_running_loop())
    if not delivery.submit(job):
        return None
    try:
        return await asyncio.wait_for(asyncio.shield(job.future), ANSWER_SECONDS)
    except TimeoutError:
        log.warning("alarm worker did not answer within %s s; passing the request to the API", ANSWER_SECONDS)
        return None


class _Job:
    """One device event on its way through the alarm worker (see `DeliveryWorker.submit`); the
    worker stores the waiting jobs of a kind together with `store_many`."""

    schema: ClassVar[type[BaseModel]]
    check: ClassVar[Callable[..., None]]  # a domain check of the payload (raises DomainError)

    def __init__(self, token: str, payload, loop):
        self.token, self.payload = token, payload
        self.loop, self.future = loop, loop.create_future()

    def answer(self, result) -> None:
        def settle():
            if not self.future.done():
                self.future.set_result(result)

        try:
            self.loop.call_soon_threadsafe(settle)
        except RuntimeError:  # the event loop is gone with its connection
            pass

    @classmethod
    def parse(cls, body: bytes):
        """The validated payload, or None: the API then names the field."""
        try:
            payload = cls.schema.model_validate(json.loads(body))
            cls.check(payload)
        except (ValueError, ValidationError, DomainError):
            return None
        return payload

    @staticmethod
    def devices(jobs) -> list:
        found = services.devices_for_tokens([job.token for job in jobs])
        return [found[job.token] for job in jobs]


class _AlarmJob(_Job):
    schema = AlarmIn

    @staticmethod
    def check(p) -> None:
        services.alarm_check(event_id=p.event_id, kind=p.kind, device_time=p.device_time, now=timezone.now())

    @classmethod
    def store_many(cls, jobs) -> list:
        known = [
            (job, device) for job, device in zip(jobs, cls.devices(jobs), strict=True) if device is not None
        ]
        stored = services.alarm_receive_batch(
            [
                {
                    "device": device,
                    "event_id": job.payload.event_id,
                    "kind": job.payload.kind,
                    "device_time": job.payload.device_time,
                    "detail": job.payload.detail,
                }
                for job, device in known
            ]
        )
        answers = {
            id(job): alarm_ack(pk, created)
            for (job, _device), (pk, created) in zip(known, stored, strict=True)
        }
        # An unknown token, or a staff token: None lets the API say which.
        return [answers.get(id(job)) for job in jobs]


class _HeartbeatJob(_Job):
    schema = HeartbeatIn

    @staticmethod
    def check(p) -> None:
        services.heartbeat_check(
            beat_id=p.beat_id, device_time=p.device_time, battery=p.battery, now=timezone.now()
        )

    @classmethod
    def store_many(cls, jobs) -> list:
        answers = []
        for job, device in zip(jobs, cls.devices(jobs), strict=True):
            p = job.payload
            answers.append(
                None
                if device is None
                else beat_ack(
                    device,
                    services.heartbeat_receive(
                        device=device, beat_id=p.beat_id, device_time=p.device_time, battery=p.battery
                    ),
                )
            )
        return answers


_KINDS = {"/api/v1/alarms": _AlarmJob, "/api/v1/devices/heartbeat": _HeartbeatJob}
