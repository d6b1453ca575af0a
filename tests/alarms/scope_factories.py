"""Objects in region A (东湖区) for the scope walk."""


def incident_id(ctx):
    from carecircle.alarms.services import incident_open_by_phone

    return incident_open_by_phone(actor=ctx.users["admin"], person=ctx.person, note="来电").pk


def responder_id(ctx):
    from carecircle.alarms.services import responder_dispatch
    from carecircle.registry.models import FamilyContact

    FamilyContact.objects.create(
        person=ctx.person, region_code=ctx.person.region_code, name="李女儿", relation="女儿"
    )
    return responder_dispatch(actor=ctx.users["admin"], incident_id=incident_id(ctx)).pk


FACTORIES = {"incident_id": incident_id, "responder_id": responder_id}


# Device care and call quality audit (issue 18, items 4 and 6).
def device_id(ctx):
    """A new device of the walk's person (a serial of its own each time)."""
    import secrets

    from carecircle.alarms.services import device_register

    device, _token = device_register(
        actor=ctx.users["admin"], person=ctx.person, kind="sos", serial=f"WALK-{secrets.token_hex(6)}"
    )
    return device.pk


def test_call_id(ctx):
    """A test call waiting for a new device's test signal."""
    from carecircle.alarms.services import device_test_call_start

    return device_test_call_start(actor=ctx.users["operator"], device_id=device_id(ctx)).pk


def call_audit_id(ctx):
    """A sampled incident that the walk's operator handled, in a month's sample (made by hand: a
    month is drawn once, and the walk calls this many times)."""
    import datetime

    from django.utils import timezone

    from carecircle.alarms.models import CallAudit, CallAuditDraw
    from carecircle.alarms.services import incident_open_by_phone, incident_resolve

    operator = ctx.users["operator"]
    opened = incident_open_by_phone(actor=operator, person=ctx.person, note="来电")
    resolved = incident_resolve(actor=operator, incident_id=opened.pk, outcome="false_alarm")
    draw, _made = CallAuditDraw.objects.get_or_create(
        month=datetime.date(2000, 1, 1), defaults={"seed": "walk", "drawn_at": timezone.now()}
    )
    return CallAudit.objects.create(
        draw=draw,
        incident=resolved,
        operator=operator,
        region_code=resolved.region_code,
        ticket="0",
    ).pk


FACTORIES |= {"device_id": device_id, "test_call_id": test_call_id, "call_audit_id": call_audit_id}


# Proactive wellbeing calls (issue 18, item 3).
def outreach_call_id(ctx):
    """Today's wellbeing call of a new person of region A (one call per rule, person and slot)."""
    from django.utils import timezone

    from carecircle.alarms import outreach
    from carecircle.alarms.models import OutreachCall, OutreachRule

    rule = OutreachRule.objects.get(code="living-alone-weekly")
    person = ctx.make_person()
    today = timezone.localdate()
    return OutreachCall.objects.create(
        rule=rule,
        person=person,
        region_code=person.region_code,
        slot_start=outreach.slot_start(today, rule.every_days),
        scheduled_for=today,
        due_at=outreach.due_at(today, rule.due_hour),
    ).pk


FACTORIES["outreach_call_id"] = outreach_call_id


def ring_incident_id(ctx):
    """A device call still waiting for an answer (what rings): the answer page's object."""
    from carecircle.alarms.services import incident_create

    return incident_create(person=ctx.person, source="device", kind="sos", title="等待接警").pk


FACTORIES["ring_incident_id"] = ring_incident_id


def call_id(ctx):
    """A call of a new trunk of 东湖区, answered by the walk's operator, from the walk's person's phone
    (caller screen-pop, issue 18 item 5)."""
    import secrets

    from django.utils import timezone

    from carecircle.alarms.services import call_event_receive, trunk_register

    trunk, _token = trunk_register(
        actor=ctx.users["admin"], name=f"走查交换机-{secrets.token_hex(4)}", region_code="339901000000"
    )
    return call_event_receive(
        trunk=trunk,
        event_id="walk-answered",
        kind="answered",
        call_id="walk-call",
        caller=ctx.person.phone,
        operator=ctx.users["operator"].username,
        at=timezone.now(),
    ).call.pk


FACTORIES["call_id"] = call_id
