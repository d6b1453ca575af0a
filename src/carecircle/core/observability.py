"""Request ids and logs a log collector can read.

Every request gets an id (the caller's `X-Request-ID` when it is a plain token, otherwise a new
one), answered in the `X-Request-ID` header, shown on the error page and written on every log line
of that request. Logs go to standard error, one JSON object per line by default
(`CARECIRCLE_LOG_FORMAT=text` for plain lines). A log line never carries personal data: the
request is logged as its method and path, without the query string (a search box's query may be
an ID number), and no request body or header values.
"""

import contextvars
import logging
import re
import time
import uuid
from typing import Any

from django.http import HttpResponseBase

from carecircle.core.types import GetResponse, Request

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("carecircle_request_id", default="")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id() -> str:
    return _request_id.get()


class RequestContextFilter(logging.Filter):
    """Adds `request_id` to every record and reduces Django's `request` extra to method and path."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        request = getattr(record, "request", None)
        if request is not None and not isinstance(request, str):
            record.request = f"{getattr(request, 'method', '')} {getattr(request, 'path', '')}"
        return True


class RequestIdMiddleware:
    """Outermost middleware: sets the request id, times the request for the metrics."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: Request) -> HttpResponseBase:
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = _request_id.set(rid)
        request.request_id = rid
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = rid
        from carecircle.core import metrics  # noqa: PLC0415 — metrics reads settings when imported; this loads with them

        metrics.observe_request(request, response.status_code, time.perf_counter() - started)
        return response


def build(fmt: str, level: str) -> dict[str, Any]:
    """The LOGGING setting: one handler on the root logger, JSON lines unless `fmt` is "text"."""
    formatters = {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "json_ensure_ascii": False,
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request": {"()": "carecircle.core.observability.RequestContextFilter"}},
        "formatters": {"main": formatters["text" if fmt == "text" else "json"]},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "main", "filters": ["request"]}
        },
        "root": {"handlers": ["stderr"], "level": "WARNING"},
        "loggers": {
            "carecircle": {"level": level},
            # 5xx with their traceback; 4xx are the users' business, not the log's.
            "django.request": {"level": "ERROR"},
            "django.server": {"level": "ERROR"},
            "uvicorn.error": {"level": "WARNING"},
        },
    }
