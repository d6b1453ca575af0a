"""Certificate expiry warnings (issue 21, 2): 90, 30 and 7 days before a certificate's last valid
day, to the worker (when they have an account) and to their employer's admins, each exactly once.

A run on `day` gives each certificate of a worker in employment the smallest threshold it has
reached (days left <= 90, 30 or 7) and sends that warning unless it went out before: a missed
day still sends it the next day, and a certificate entered 20 days before it ends gets the 30-day
and later the 7-day warning, never a late 90-day one. The pair (certificate, threshold) is unique
(CertificateWarning), and each message's key names certificate, threshold and recipient, so runs
that repeat or overlap send nothing twice. Messages go out through core.notify (the portal's
outbox where the portal is installed: it reads home care, which reads workforce, so no import back)."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from carecircle.core import notify
from carecircle.core.models import RoleGrant, User
from carecircle.core.organisations import OrganisationKind
from carecircle.core.roles import Role
from carecircle.workforce.models import WARNING_DAYS, Caregiver, Certificate, CertificateWarning
from carecircle.workforce.selectors import employed_on


def threshold_for(days_left: int) -> int | None:
    """The smallest warning threshold `days_left` has reached (None: not yet 90 days)."""
    reached = [t for t in WARNING_DAYS if days_left <= t]
    return min(reached) if reached else None


def _admins(worker: Caregiver) -> list[User]:
    kinds = [worker.employer_kind]
    if worker.employer_kind == OrganisationKind.CHILDCARE_OPERATOR:
        kinds.append(OrganisationKind.FACILITY_OPERATOR)
    ids = RoleGrant.objects.filter(
        role=Role.PROVIDER_ADMIN, organisation_kind__in=kinds, organisation_id=worker.organisation_id
    ).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def _text(cert: Certificate, days_left: int) -> tuple[str, str]:
    worker = cert.caregiver
    title = _("证书即将到期：%(n)s的%(k)s") % {"n": worker.name, "k": cert.get_kind_display()}
    body = _(
        "%(n)s（%(r)s）的%(k)s（编号%(no)s）将于%(d)s到期，还剩%(left)d天。到期后将不能安排需要该证书的服务和排班，请及时复审或换证。"
    ) % {
        "n": worker.name,
        "r": worker.get_role_display(),
        "k": cert.get_kind_display(),
        "no": cert.number or "-",
        "d": cert.valid_to.isoformat() if cert.valid_to else "",
        "left": days_left,
    }
    return title, body


def certificate_warnings_send(*, day: datetime.date) -> dict[str, int]:
    """Send the warnings due on `day`. Returns {"warnings": certificates warned, "messages": sent}."""
    horizon = day + datetime.timedelta(days=max(WARNING_DAYS))
    employed = Caregiver.objects.filter(employed_on(day)).values("pk")
    due = (
        Certificate.objects.filter(valid_to__gte=day, valid_to__lte=horizon, caregiver__in=employed)
        .select_related("caregiver", "caregiver__user")
        .order_by("pk")
    )
    certs = list(due)
    sent = set(
        CertificateWarning.objects.filter(certificate__in=[c.pk for c in certs]).values_list(
            "certificate_id", "threshold"
        )
    )
    admins: dict[tuple[str, int], list[User]] = {}
    warnings = messages = 0
    for cert in certs:
        assert cert.valid_to is not None  # filtered above
        left = (cert.valid_to - day).days
        threshold = threshold_for(left)
        if threshold is None or (cert.pk, threshold) in sent:
            continue
        worker = cert.caregiver
        employer = (worker.employer_kind, worker.organisation_id)
        if employer not in admins:
            admins[employer] = _admins(worker)
        recipients = list(admins[employer])
        if worker.user is not None and worker.user.is_active and worker.user not in recipients:
            recipients.insert(0, worker.user)
        title, body = _text(cert, left)
        try:
            with transaction.atomic():
                CertificateWarning.objects.create(
                    certificate=cert, threshold=threshold, sent_on=day, recipients=len(recipients)
                )
                for user in recipients:
                    notify.notice(
                        key=f"workforce.certificate:{cert.pk}:{threshold}:{user.pk}",
                        recipient=user,
                        region_code=worker.region_code,
                        title=title,
                        body=body,
                    )
        except IntegrityError:
            continue  # a concurrent run sent this one
        warnings += 1
        messages += len(recipients)
    return {"warnings": warnings, "messages": messages}
