"""Static files and other streamed responses under ASGI (`carecircle serve`, uvicorn).

WhiteNoise answers a static file with a FileResponse, whose chunks come from a synchronous iterator;
Django's ASGI handler then warns on every file ("StreamingHttpResponse must consume synchronous
iterators in order to serve them asynchronously") and reads the file on the event loop. Under ASGI
this middleware, placed just before WhiteNoise, hands such a response an asynchronous iterator that
reads each chunk in Django's sync thread (a download built from the database reads it there too).
Under WSGI nothing changes.
"""

from collections.abc import AsyncIterator, Callable, Iterator
from typing import cast

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase


def _next(chunks: Iterator[bytes]) -> bytes | None:
    return next(chunks, None)


async def _chunks(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    step = sync_to_async(_next)
    while (chunk := await step(chunks)) is not None:
        yield chunk


class AsyncStreamingMiddleware:
    """Streamed answers (WhiteNoise's files, and those of the views beneath it) stream
    asynchronously under ASGI."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            isinstance(request, ASGIRequest)
            and isinstance(response, StreamingHttpResponse)
            and not response.is_async
        ):
            response.streaming_content = _chunks(iter(cast(Iterator[bytes], response.streaming_content)))
        return response
