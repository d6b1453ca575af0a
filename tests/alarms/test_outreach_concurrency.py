"""A proactive call recorded twice at the same moment (two operators, or a double click reaching two
workers): PostgreSQL, real transactions on two connections; one attempt is stored, never two."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from carecircle.alarms import outreach, services
from carecircle.alarms.models import OutreachAttempt, OutreachCall, OutreachRule, OutreachState
from carecircle.core.errors import Conflict
from carecircle.core.roles import Role
from tests.conftest import make_user


def _race(calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as exc:  # the race's outcome is what the test reads
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.mark.real_clock
@pytest.mark.django_db(transaction=True)
def test_two_outcomes_at_once_store_one_attempt(postgres, users, alone):
    rule = OutreachRule.objects.get(code="living-alone-weekly")
    today = timezone.localdate()
    call = OutreachCall.objects.create(
        rule=rule,
        person=alone,
        region_code=alone.region_code,
        slot_start=outreach.slot_start(today, 7),
        scheduled_for=today,
        due_at=outreach.due_at(today, rule.due_hour),
    )
    second = make_user("operator2", Role.OPERATOR, "339901000000")

    def record(user, key, target):
        return lambda: services.outreach_record(
            actor=user, call_id=target.pk, result="well", idempotency_key=key
        )

    same = _race([record(users["operator"], "twin", call), record(users["operator"], "twin", call)])
    assert all(isinstance(r, OutreachAttempt) for r in same), same
    assert same[0].pk == same[1].pk
    assert OutreachAttempt.objects.filter(call=call).count() == 1
    call.refresh_from_db()
    assert (call.state, call.attempts) == (OutreachState.WELL, 1)

    other = OutreachCall.objects.create(
        rule=rule,
        person=alone,
        region_code=alone.region_code,
        slot_start=outreach.slot_start(today, 7) + datetime.timedelta(days=7),
        scheduled_for=today,
        due_at=outreach.due_at(today, rule.due_hour),
    )
    both = _race([record(users["operator"], "a", other), record(second, "b", other)])
    assert sorted(type(r).__name__ for r in both) == ["Conflict", "OutreachAttempt"], both
    assert any(isinstance(r, Conflict) for r in both)
    assert OutreachAttempt.objects.filter(call=other).count() == 1
