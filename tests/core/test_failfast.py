"""Fail fast and say so (issue 14 item 5) and metrics (item 6), in the test process.

The same behaviour through a real server and a database cut off behind a proxy is in
tests/core/test_failfast_live.py."""

import json
import logging

import pytest
from django.db import OperationalError

from carecircle.core import observability

from ..conftest import COMMUNITY_A


def test_healthz_tells_anyone_only_ok_and_an_administrator_the_details(client, client_for, users):
    anonymous = client.get("/healthz")
    assert anonymous.status_code == 200 and anonymous.json() == {"status": "ok"}
    body = client_for(users["admin"]).get("/healthz").json()
    assert body["status"] == "ok" and body["migrations"]["up_to_date"] is True
    assert body["database"]["engine"] in ("sqlite", "postgresql")


def test_healthz_is_503_when_the_database_check_does_not_answer(client, db, settings, monkeypatch):
    from carecircle.core import health

    def hang():
        import time

        time.sleep(1.0)
        return {"ok": True, "pending": [], "error": ""}

    monkeypatch.setattr(health, "_check_once", hang)
    monkeypatch.setattr(health, "_checker", None)
    settings.CARECIRCLE_HEALTH_TIMEOUT = 0.2
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json() == {"status": "unavailable"}


def test_api_answers_json_for_unknown_urls_and_server_errors(client_for, users, monkeypatch):
    api = client_for(users["street"])
    missing = api.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and missing["Content-Type"].startswith("application/json")
    assert missing.json()["code"] == "not_found"

    from carecircle.registry import api as registry_api

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(registry_api.selectors, "person_search", broken)
    api.raise_request_exception = False
    failed = api.get("/api/v1/persons")
    assert failed.status_code == 500 and failed["Content-Type"].startswith("application/json")
    assert failed.json()["code"] == "server_error" and failed.json()["request_id"] == failed["X-Request-ID"]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("database is locked", "系统繁忙，请稍后重试"),
        ("connection refused", "数据库暂时无法连接，请稍后重试"),
    ],
)
def test_a_database_error_is_a_503_with_a_plain_message(client_for, users, monkeypatch, message, expected):
    from carecircle.registry import views as registry_views

    def broken(*args, **kwargs):
        raise OperationalError(message)

    monkeypatch.setattr(registry_views.selectors, "person_search", broken)
    page = client_for(users["street"])
    page.raise_request_exception = False
    response = page.get("/people/")
    assert response.status_code == 503
    assert expected in response.content.decode() and response["X-Request-ID"] in response.content.decode()
    api = page.get("/api/v1/persons")
    assert api.status_code == 503 and api.json()["message"] == expected


# A session that cannot be written while the database is busy: tests/core/test_sessions.py.


def test_log_lines_are_json_with_the_request_id_and_no_query_string():
    config = observability.build("json", "INFO")
    logging.config.dictConfig(config)
    try:
        handler = logging.getLogger().handlers[0]
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", ("/people/",), None
        )

        class Request:
            method = "GET"
            path = "/people/"
            GET = {"q": "330106194801011234"}

        record.request = Request()
        token = observability._request_id.set("req-12345678")
        try:
            assert handler.filter(record)
            line = json.loads(handler.format(record))
        finally:
            observability._request_id.reset(token)
        assert line["level"] == "ERROR" and line["request_id"] == "req-12345678"
        assert line["request"] == "GET /people/" and "330106" not in json.dumps(line)
    finally:
        from django.conf import settings

        logging.config.dictConfig(settings.LOGGING)


def test_metrics_for_an_internal_address_or_an_administrator_only(client, client_for, users, make_person):
    client_for(users["street"]).get("/people/")
    inside = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    text = inside.content.decode()
    assert inside.status_code == 200
    for name in (
        "carecircle_http_requests_total",
        "carecircle_http_request_duration_seconds_bucket",
        "carecircle_import_jobs",
        "carecircle_alarms_undelivered",
        "carecircle_payroll_batches",
        "carecircle_task_queue_length",
        "carecircle_periodic_unfinished",
    ):
        assert name in text, name
    assert 'carecircle_metrics_module_up{module="registry"} 1.0' in text
    outside = client.get("/metrics", REMOTE_ADDR="203.0.113.9")
    assert outside.status_code == 403
    assert client_for(users["street"]).get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    assert client_for(users["admin"]).get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 200
    assert make_person(region_code=COMMUNITY_A) is not None
