"""Fan-out of incident events to the connected consoles.

One process: subscribers register with the in-process hub, and `publish` hands each event to the
subscribers whose regions contain it. Several processes (uvicorn --workers N, Celery workers):
when a Redis broker is configured, `publish` goes through a Redis channel and a listener thread in
each process feeds its local subscribers. Subscribers are either thread queues (a WSGI server's
streaming thread) or asyncio queues (an ASGI stream), so both servers can stream.
"""

import abc
import asyncio
import json
import logging
import os
import queue
import threading
import time

from django.conf import settings

log = logging.getLogger("carecircle.alarms")
CHANNEL = "carecircle:alarms:console"
MAX_BACKLOG = 10_000  # a console that stops reading is dropped, not allowed to grow memory


class Subscriber(abc.ABC):
    def __init__(self, prefixes: list[str]):
        self.prefixes = tuple(prefixes)
        self.dropped = False

    def wants(self, event: dict) -> bool:
        return str(event.get("region_code", "")).startswith(self.prefixes)

    @abc.abstractmethod
    def put(self, data: str) -> None:
        """Hand one serialised event to this subscriber without blocking the publisher."""


class ThreadSubscriber(Subscriber):
    def __init__(self, prefixes):
        super().__init__(prefixes)
        self.queue: queue.Queue[str] = queue.Queue(maxsize=MAX_BACKLOG)

    def put(self, data: str) -> None:
        try:
            self.queue.put_nowait(data)
        except queue.Full:
            self.dropped = True

    def get(self, timeout: float) -> str | None:
        try:
            return self.queue.get(timeout=timeout)
        except queue.Empty:
            return None


class AsyncSubscriber(Subscriber):
    def __init__(self, prefixes, loop: asyncio.AbstractEventLoop):
        super().__init__(prefixes)
        self.loop = loop
        self.queue: asyncio.Queue[str] = asyncio.Queue(maxsize=MAX_BACKLOG)

    def _put(self, data: str) -> None:
        try:
            self.queue.put_nowait(data)
        except asyncio.QueueFull:
            self.dropped = True

    def put(self, data: str) -> None:
        try:
            self.loop.call_soon_threadsafe(self._put, data)
        except RuntimeError:  # loop closed: the connection is gone
            self.dropped = True


class Hub:
    def __init__(self):
        self.lock = threading.Lock()
        self.subscribers: set[Subscriber] = set()
        self._listener: threading.Thread | None = None
        self._redis = None
        self.listening = threading.Event()  # set while the Redis listener is subscribed

    # -- subscribers
    def subscribe(self, sub: Subscriber) -> Subscriber:
        with self.lock:
            self.subscribers.add(sub)
        if redis_url():
            self._ensure_listener()
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        with self.lock:
            self.subscribers.discard(sub)

    def count(self) -> int:
        with self.lock:
            return len(self.subscribers)

    # -- events
    def publish(self, event: dict) -> None:
        data = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
        url = redis_url()
        if url:
            try:
                self._client(url).publish(CHANNEL, data)
                return
            except Exception:  # noqa: BLE001 - the database holds the incident; consoles reload it
                log.exception("publishing to Redis failed; delivering in this process only")
        self.fan_out(data)

    def fan_out(self, data: str) -> None:
        event = None
        with self.lock:
            subs = list(self.subscribers)
        for sub in subs:
            if event is None:
                event = json.loads(data)
            if sub.wants(event):
                sub.put(data)

    # -- Redis
    def _client(self, url):
        if self._redis is None or self._redis[0] != url:
            import redis  # noqa: PLC0415 — start-up cost: a heavy library, loaded when this runs

            self._redis = (url, redis.Redis.from_url(url, socket_connect_timeout=2))
        return self._redis[1]

    def _ensure_listener(self):
        with self.lock:
            if self._listener is not None and self._listener.is_alive():
                return
            self._listener = threading.Thread(target=self._listen, name="alarms-redis-listener", daemon=True)
            self._listener.start()

    def _listen(self):
        import redis  # noqa: PLC0415 — start-up cost: a heavy library, loaded when this runs

        while True:
            try:
                pubsub = redis.Redis.from_url(redis_url()).pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(CHANNEL)
                pubsub.get_message(timeout=5)  # the subscribe confirmation
                self.listening.set()
                for message in pubsub.listen():
                    if message.get("type") == "message":
                        raw = message["data"]
                        self.fan_out(raw.decode() if isinstance(raw, bytes) else raw)
            except Exception:  # noqa: BLE001 - reconnect; consoles reload the queue on reconnect
                self.listening.clear()
                log.exception("Redis listener lost its connection; retrying")
                time.sleep(1)


def redis_url() -> str:
    """The Redis to fan out through: the Celery broker when it is Redis, else CARECIRCLE_REDIS_URL
    (several web processes without Celery); empty for the in-process hub."""
    url = getattr(settings, "CELERY_BROKER_URL", "") or ""
    if url.startswith(("redis://", "rediss://")):
        return url
    return os.environ.get("CARECIRCLE_REDIS_URL", "")


hub = Hub()
