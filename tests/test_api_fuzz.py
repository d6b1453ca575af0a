"""schemathesis over the whole OpenAPI document: no operation may answer a server error (5xx).

Every operation is called with data generated from its schema (valid and invalid), as a signed-in
city administrator (token) and anonymously. Bounded so that CI stays short: a few examples per
operation and mode, and a time cap for the whole run (CARECIRCLE_FUZZ_EXAMPLES,
CARECIRCLE_FUZZ_SECONDS). A failure lists each operation, the request and the exception."""

import collections
import os
import time
import traceback

import pytest

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("CARECIRCLE_FUZZ_EXAMPLES", "4"))
SECONDS = float(os.environ.get("CARECIRCLE_FUZZ_SECONDS", "150"))


@pytest.fixture
def wsgi_app():
    """Django's WSGI application, with the per-request connection closing switched off (as Django's
    test client does), so that requests run inside the test's transaction and see its data."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


STATUSES: collections.Counter = collections.Counter()
REACHED: set = set()


def _run(schema, headers: dict, deadline: float, examples: int) -> tuple[list[str], int]:
    from django.core.signals import got_request_exception
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis import GenerationMode

    failures: list[str] = []
    calls = 0
    errors: list[str] = []

    def on_exception(sender, request=None, **kwargs):
        errors.append(traceback.format_exc(limit=-6))

    got_request_exception.connect(on_exception)
    try:
        for result in schema.get_all_operations():
            operation = result.ok()
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                if time.monotonic() > deadline:
                    return failures, calls

                @given(case=operation.as_strategy(generation_mode=mode))
                @settings(
                    max_examples=examples,
                    deadline=None,
                    database=None,
                    derandomize=True,
                    phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=list(HealthCheck),
                )
                def check(case):
                    nonlocal calls
                    if time.monotonic() > deadline:
                        return
                    errors.clear()
                    response = case.call(headers=headers)
                    calls += 1
                    REACHED.add((case.operation.method, case.operation.path))
                    STATUSES[response.status_code] += 1
                    if response.status_code >= 500:
                        detail = errors[-1] if errors else response.text[:300]
                        op = case.operation
                        failures.append(
                            f"{op.method.upper()} {op.path} -> {response.status_code}\n"
                            f"  {case.as_curl_command()}\n{detail}"
                        )

                try:
                    check()
                except Exception as exc:  # noqa: BLE001 — a schema schemathesis cannot generate for
                    failures.append(
                        f"{operation.method.upper()} {operation.path}: {type(exc).__name__}: {exc}"
                    )
    finally:
        got_request_exception.disconnect(on_exception)
    return failures, calls


def _seen(failures: list[str]) -> list[str]:
    first: dict[str, str] = {}
    for f in failures:
        first.setdefault(f.split("\n", 1)[0].split(" -> ")[0], f)
    return list(first.values())


def test_no_server_error_on_any_operation(users, make_person, wsgi_app):
    import schemathesis

    from carecircle.core import services

    make_person()
    _token, plain = services.token_create(user=users["admin"], name="fuzz")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    deadline = time.monotonic() + SECONDS
    failures, calls = _run(schema, {"Authorization": f"Bearer {plain}"}, deadline, EXAMPLES)
    anonymous, more = _run(schema, {}, deadline + SECONDS / 5, max(1, EXAMPLES // 2))
    total = sum(1 for _ in schema.get_all_operations())
    print(
        f"fuzz: {calls + more} calls over {len(REACHED)} of {total} operations (time cap {SECONDS:.0f} s), "
        f"statuses {dict(sorted(STATUSES.items()))}"
    )
    assert calls > 100, "the run made too few calls to mean anything"
    problems = _seen(failures + anonymous)
    assert not problems, f"{len(problems)} operations answered 5xx ({calls + more} calls):\n\n" + "\n\n".join(
        problems
    )
