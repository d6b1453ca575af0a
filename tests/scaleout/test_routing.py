"""The pieces of the scale-out layout that need no second machine: which queue a task goes to,
what `carecircle worker --queues` starts, and where the replica router sends a request's reads.
The whole layout runs in test_layout.py."""

from contextlib import nullcontext
from types import SimpleNamespace

import pytest
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.http import HttpResponse
from django.test import RequestFactory

from carecircle.core import dbrouter, taskroutes, tasks
from carecircle.core.models import AuditEvent, User
from carecircle.registry.models import Person

ROUTES = "339901=east, 339902000000=west,339902001=west-jiangcun"


def test_region_queues_setting_is_read_and_checked():
    routes = taskroutes.parse(ROUTES)
    assert routes == {"339901": "east", "339902": "west", "339902001": "west-jiangcun"}
    assert taskroutes.queues(routes) == ["celery", "east", "west", "west-jiangcun"]
    assert taskroutes.queue_for(routes, "339901001001") == "east"  # a community of the district
    assert taskroutes.queue_for(routes, "339901000000") == "east"
    assert taskroutes.queue_for(routes, "339902001002") == "west-jiangcun"  # the most specific entry
    assert taskroutes.queue_for(routes, "339902002001") == "west"
    assert taskroutes.queue_for(routes, "339900000000") == "celery"  # the whole city: no district's
    assert taskroutes.queue_for(routes, "339903000000") == "celery"
    assert taskroutes.queue_for(routes, "") == "celery"
    assert taskroutes.queue_for({}, "339901000000") == "celery"
    for bad, named in (
        ("339901", "339901"),
        ("339901=", "339901="),
        ("3399x1=east", "3399x1"),
        ("339901=east queue", "339901=east queue"),
    ):
        with pytest.raises(taskroutes.QueueSettingError, match=named):
            taskroutes.parse(bad)


def test_a_districts_tasks_are_sent_to_its_queue(settings, db, monkeypatch):
    from carecircle.benefits.tasks import region_payroll
    from carecircle.registry.models import ImportJob
    from carecircle.registry.tasks import import_people

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing is sent: apply_async is recorded
    settings.CARECIRCLE_REGION_QUEUES = taskroutes.parse(ROUTES)
    sent = []
    for f in (import_people, region_payroll):
        monkeypatch.setattr(
            f.celery_task, "apply_async", lambda kwargs, queue, f=f: sent.append((f.__name__, queue))
        )
    east_job = ImportJob.objects.create(file_name="a.csv", stored_path="/x", region_code="339901000000")
    city_job = ImportJob.objects.create(file_name="b.csv", stored_path="/x", region_code="")
    tasks._dispatch(import_people, {"job_id": east_job.pk})
    tasks._dispatch(import_people, {"job_id": city_job.pk})
    tasks._dispatch(region_payroll, {"month": "2026-12", "region_code": "339902001001"})
    tasks._dispatch(region_payroll, {"month": "2026-12", "region_code": "339902000000"})
    assert sent == [
        ("import_people", "east"),
        ("import_people", "celery"),
        ("region_payroll", "west-jiangcun"),
        ("region_payroll", "west"),
    ]
    settings.CARECIRCLE_REGION_QUEUES = {}
    sent.clear()
    tasks._dispatch(import_people, {"job_id": east_job.pk})
    assert sent == [("import_people", "celery")]  # no setting: one queue, as before


def test_worker_consumes_the_queues_it_is_given(settings, monkeypatch):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CARECIRCLE_TASK_QUEUES = taskroutes.queues(taskroutes.parse("339901=east,339902=west"))
    seen = []
    monkeypatch.setattr(tasks.celery_app, "worker_main", lambda argv: seen.append(argv))
    call_command("worker", queues="east", no_beat=True)
    call_command("worker")
    east, everything = seen
    assert "--queues=east" in east and "--hostname=east@%h" in east and "--beat" not in east
    assert "--queues=celery,east,west" in everything and "--beat" in everything  # the one beat
    with pytest.raises(CommandError, match="未知的队列：esat"):
        call_command("worker", queues="esat")


@pytest.fixture
def router(monkeypatch):
    """The router with a replica that answers (no real second database needed for the decisions)."""
    primary = SimpleNamespace(in_atomic_block=False)
    replica = SimpleNamespace(ensure_connection=lambda: None, execute_wrapper=lambda wrapper: nullcontext())
    monkeypatch.setattr(dbrouter, "connections", {"default": primary, "replica": replica})
    monkeypatch.setattr(dbrouter, "_replica_down_until", 0.0)
    return SimpleNamespace(router=dbrouter.ReplicaRouter(), primary=primary, replica=replica)


def _through_middleware(request, view):
    return dbrouter.ReplicaMiddleware(view)(request)


def test_read_only_requests_read_from_the_replica_and_writes_stay_on_the_primary(router, settings):
    r, seen = router.router, {}

    def page(request):
        seen["person"] = r.db_for_read(Person)
        seen["session"], seen["user"] = r.db_for_read(Session), r.db_for_read(User)
        r.db_for_write(AuditEvent)  # a GET's audit row: bookkeeping
        seen["after_audit"] = r.db_for_read(Person)
        return HttpResponse("ok")

    response = _through_middleware(RequestFactory().get("/people/"), page)
    assert seen == {"person": "replica", "session": "default", "user": "default", "after_audit": "replica"}
    assert dbrouter.STICKY_COOKIE not in response.cookies
    assert r.db_for_read(Person) == "default"  # outside a request (commands, workers, tests)

    def writes(request):
        seen["before"] = r.db_for_read(Person)
        assert r.db_for_write(Person) == "default"
        seen["after"] = r.db_for_read(Person)  # read-after-write in the same request
        return HttpResponse("ok")

    response = _through_middleware(RequestFactory().get("/lang/en/"), writes)
    assert (seen["before"], seen["after"]) == ("replica", "default")
    sticky = response.cookies[dbrouter.STICKY_COOKIE]
    assert sticky["max-age"] == settings.CARECIRCLE_REPLICA_STICKY_SECONDS and sticky["httponly"]


def test_after_a_post_the_client_reads_from_the_primary_for_a_few_seconds(router):
    r, seen = router.router, []

    def view(request):
        seen.append(r.db_for_read(Person))
        return HttpResponse("ok")

    posted = _through_middleware(RequestFactory().post("/people/new/"), view)
    assert dbrouter.STICKY_COOKIE in posted.cookies
    factory = RequestFactory()
    factory.cookies[dbrouter.STICKY_COOKIE] = "1"
    _through_middleware(factory.get("/people/"), view)  # the page the form redirected to
    _through_middleware(RequestFactory().get("/people/"), view)  # the cookie expired
    assert seen == ["default", "default", "replica"]


def test_transactions_read_from_the_primary(router):
    r = router.router

    def view(request):
        router.primary.in_atomic_block = True  # inside transaction.atomic(): a service, a lock
        return HttpResponse(r.db_for_read(Person))

    assert _through_middleware(RequestFactory().get("/"), view).content == b"default"


def test_a_replica_that_cannot_be_reached_sends_reads_to_the_primary(router):
    r, attempts = router.router, []

    def unreachable():
        attempts.append(1)
        raise DatabaseError("connection refused")

    router.replica.ensure_connection = unreachable

    def view(request):
        return HttpResponse(r.db_for_read(Person))

    assert _through_middleware(RequestFactory().get("/"), view).content == b"default"
    assert _through_middleware(RequestFactory().get("/"), view).content == b"default"
    assert len(attempts) == 1  # not tried again for REPLICA_RETRY seconds


def test_no_replica_no_router(settings):
    # The suite's settings: one database, no router, no middleware (everything as without scale-out).
    assert settings.DATABASE_REPLICA_URL == ""
    assert not getattr(settings, "DATABASE_ROUTERS", [])
    assert "carecircle.core.dbrouter.ReplicaMiddleware" not in settings.MIDDLEWARE
