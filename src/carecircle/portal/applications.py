"""我要申请 (issue 19 item 3; Hangzhou 三(一)5 网上业务办理, Qujing 三(一)5): what the apply page shows
of the account's applications — a capability assessment (assessment.selectors), a place on an
institution's waiting list (facilities.selectors) and a 托位 (childcare.selectors) — person by
person, in plain words; and the messages that tell the applicant what the staff decided
(an assessment appointment, a 托位 offered or refused), keyed by the fact so that a sweep run twice,
or over overlapping windows, queues each message once (the producers' pattern, portal/producers.py).

Three queries for the whole page, whatever the number of persons and applications."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.assessment import selectors as assessment
from carecircle.childcare import selectors as childcare
from carecircle.core.tasks import periodic
from carecircle.core.types import Actor
from carecircle.facilities import selectors as facilities
from carecircle.portal.services import messages_queue_bulk
from carecircle.portal.tiles import Linked
from carecircle.portal.types import MessageKind, MessageSpec

RECENT_DAYS = 90  # a decided application stays on the page this long, so its outcome can be read


@dataclass(frozen=True)
class Application:
    """One application as the resident reads it."""

    kind: str
    where: str
    state: str
    detail: str
    is_open: bool
    good: bool  # a place or an appointment: the outcome the resident hoped for
    applied_on: datetime.date


@dataclass
class PersonApplications:
    linked: Linked
    rows: list[Application] = field(default_factory=list)


def _day(at: datetime.datetime) -> datetime.date:
    return timezone.localtime(at).date()


def _assessment_rows(user: Actor, since: datetime.datetime) -> Iterable[tuple[int, Application]]:
    for r in assessment.requests_of_family(user).filter(created_at__gte=since).order_by("-created_at"):
        if r.state == "accepted":
            detail = _("已预约%(d)s由评估员上门评估，请当天在家等候") % {"d": r.appointment_on}
        elif r.state == "refused":
            detail = _("原因：%(r)s") % {"r": r.refused_reason}
        elif r.state == "done":
            detail = _("评估已完成，结果会写在“我的补贴”的原因里")
        else:
            detail = _("社区工作人员会在几个工作日内答复并约定上门时间")
        yield (
            r.person_id,
            Application(
                _("老年人能力评估"),
                _("社区评估员上门"),
                r.get_state_display(),
                detail,
                r.state in ("submitted", "accepted"),
                r.state in ("accepted", "done"),
                _day(r.created_at),
            ),
        )


def _waiting_rows(user: Actor, since: datetime.datetime) -> Iterable[tuple[int, Application]]:
    for e in facilities.family_waiting(user).filter(applied_at__gte=since):
        is_open = e.state in ("waiting", "offered")
        detail = (
            _("有空床位时按公布的轮候规则依次通知；排到第几位见“我的入住轮候”")
            if e.state == "waiting"
            else _("机构已通知可以入住，请尽快答复")
            if e.state == "offered"
            else ""
        )
        yield (
            e.person_id,
            Application(
                _("养老机构入住轮候"),
                e.facility.name,
                e.get_state_display(),
                detail,
                is_open,
                e.state in ("offered", "admitted"),
                _day(e.applied_at),
            ),
        )


def _childcare_rows(user: Actor, since: datetime.datetime) -> Iterable[tuple[int, Application]]:
    for a in childcare.applications_of_family(user).filter(created_at__gte=since).order_by("-created_at"):
        if a.state == "offered" and a.enrolment is not None:
            detail = _("录取在%(c)s，%(d)s起入托") % {
                "c": a.enrolment.child_class.name,
                "d": a.enrolment.start_on,
            }
        elif a.state == "refused":
            detail = _("原因：%(r)s") % {"r": a.refused_reason}
        elif a.state == "submitted":
            detail = _("希望%(d)s入托，等待托育机构答复") % {"d": a.start_wanted}
        else:
            detail = ""
        yield (
            a.child_id,
            Application(
                _("托位申请"),
                a.facility.name,
                a.get_state_display(),
                detail,
                a.state == "submitted",
                a.state == "offered",
                _day(a.created_at),
            ),
        )


def applications_by_person(user: Actor, persons: list[Linked]) -> list[PersonApplications]:
    """Each of the account's persons with their applications of the last RECENT_DAYS (open first)."""
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    out = {p.person.pk: PersonApplications(p) for p in persons}
    for rows in (_assessment_rows(user, since), _waiting_rows(user, since), _childcare_rows(user, since)):
        for person_id, row in rows:
            if person_id in out:
                out[person_id].rows.append(row)
    for entry in out.values():
        entry.rows.sort(key=lambda r: (not r.is_open, -r.applied_on.toordinal()))
    return list(out.values())


# ------------------------------------------------------------------ messages of the decisions


def _recipients(applicant_id: int, own_user_id: int | None) -> list[int]:
    """The applicant, and the person's own account when a family member applied for them."""
    return sorted({applicant_id, *([own_user_id] if own_user_id else [])})


def decision_specs(*, since: datetime.datetime, until: datetime.datetime) -> list[MessageSpec]:
    """A message for each decision taken in [since, until): an assessment appointment (or its
    refusal), a 托位 offered (or refused). Keys name the decision and the recipient."""
    specs: list[MessageSpec] = []
    for r in assessment.requests_decided_between(since=since, until=until):
        if r.appointment_on is not None:
            kind, title = MessageKind.ASSESSMENT_APPOINTMENT, _("能力评估已预约")
            body = _("%(n)s的老年人能力评估已预约在%(d)s，评估员会上门，请当天在家等候。") % {
                "n": r.person.name,
                "d": f"{r.appointment_on.month}月{r.appointment_on.day}日",
            }
            key = f"assessment_appointment:{r.pk}"
        else:
            kind, title = MessageKind.NOTICE, _("能力评估申请未受理")
            body = _("%(n)s的能力评估申请未受理，原因：%(r)s") % {"n": r.person.name, "r": r.refused_reason}
            key = f"assessment_refused:{r.pk}"
        for uid in _recipients(r.requested_by_id, r.person.user_id):
            specs.append(
                MessageSpec(
                    key=f"{key}:{uid}",
                    kind=kind,
                    region_code=r.region_code,
                    title=title,
                    body=body,
                    recipient_id=uid,
                )
            )
    for a in childcare.applications_decided_between(since=since, until=until):
        if a.state == "offered" and a.enrolment is not None:
            title = _("托位申请已录取")
            body = _("%(n)s已被%(f)s录取（%(c)s），%(d)s起入托。") % {
                "n": a.child.name,
                "f": a.facility.name,
                "c": a.enrolment.child_class.name,
                "d": a.enrolment.start_on,
            }
            kind = MessageKind.WAITING_OFFER
        else:
            title = _("托位申请未录取")
            body = _("%(n)s申请的%(f)s未录取，原因：%(r)s") % {
                "n": a.child.name,
                "f": a.facility.name,
                "r": a.refused_reason,
            }
            kind = MessageKind.NOTICE
        specs.append(
            MessageSpec(
                key=f"childcare_application:{a.pk}:{a.state}",
                kind=kind,
                region_code=a.child_region_code,
                title=title,
                body=body,
                recipient_id=a.applied_by_id,
            )
        )
    return specs


def decision_messages(*, since: datetime.datetime, until: datetime.datetime) -> int:
    """Queue the messages of the decisions in [since, until); answers how many were new."""
    specs = decision_specs(since=since, until=until)
    return messages_queue_bulk(specs) if specs else 0


# Windows overlap on purpose (a late commit, a slow run): the keys make a second pass queue nothing.
@periodic(datetime.timedelta(minutes=1), name="portal.application_messages")
def application_messages(due: datetime.datetime | None = None) -> None:
    until = due or timezone.now()
    decision_messages(since=until - datetime.timedelta(minutes=10), until=until)
