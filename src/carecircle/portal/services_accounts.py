"""Writes of the residents' accounts: the profile (phone, 长辈模式), an older person's own account,
and the consented links between a family (子女) or parent account and the people it acts for.
Re-exported by portal/services.py; the one-time codes and the phone sign-in are portal/accounts.py.

A link is a registry row (`registry.FamilyContact` with `user` and `link_state`), so that
`registry.selectors.family_persons` — THE selector of the people an account may see and act for —
reads it. It is active only when the person's own account confirmed it (`link_confirm`) or a
community worker of the person's community recorded it with the evidence seen (`link_verify`,
`link_record`); either side may end it (`link_end`). A request (`link_request`) needs a tie the
platform can check: the requester's phone is one the registry holds as the person's contact, or the
person has an account of their own to confirm it.
"""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import audit, scope, throttle
from carecircle.core.ages import age_on
from carecircle.core.audit_actions import AuditAction
from carecircle.core.credentials import LoginRefused
from carecircle.core.errors import Conflict, Forbidden, InvalidInput
from carecircle.core.models import RoleGrant, User
from carecircle.core.roles import Role
from carecircle.core.types import Actor, signed_in
from carecircle.core.vault import blind_index, mask_phone, phone_index
from carecircle.portal.accounts import clean_mobile, code_take, record_failure
from carecircle.portal.models import ResidentProfile
from carecircle.portal.selectors import OLDER_FROM, LinkAction, require_link_action
from carecircle.registry.models import FamilyContact, LinkBasis, LinkEvidence, LinkState, Person

RELATIONS = ("儿子", "女儿", "儿媳", "女婿", "孙子", "孙女", "配偶", "父亲", "母亲", "其他亲属", "其他监护人")


@transaction.atomic
def profile_set_elder_mode(*, user: User, on: bool) -> None:
    """Remember the account's 长辈模式 choice (the switch at the top of every resident page). Not
    audited: a display preference, no personal data."""
    ResidentProfile.objects.update_or_create(user=user, defaults={"elder_mode": on})


# ---------------------------------------------------------------- accounts


def _new_username() -> str:
    while True:
        name = "r" + secrets.token_hex(5)
        if not User.objects.filter(username=name).exists():
            return name


def _open_account(*, display_name: str, phone: str, region_code: str) -> User:
    """A resident account: no password (the phone's code signs in), the resident role in its
    community, a profile holding the phone. A phone another account holds is refused."""
    key = phone_index(phone)
    if ResidentProfile.objects.filter(phone_hash=key).exists():
        raise Conflict(_("这个手机号已开通居民账号"), field="phone")
    user = User(username=_new_username(), display_name=display_name[:50])
    user.set_unusable_password()
    user.save()
    RoleGrant.objects.create(user=user, role=Role.RESIDENT, region_id=region_code)
    try:
        with transaction.atomic():
            ResidentProfile.objects.create(
                user=user,
                region_code=region_code,
                phone=phone,
                phone_masked=mask_phone(phone),
                phone_hash=key,
            )
    except IntegrityError:  # a concurrent opening for the same phone won
        raise Conflict(_("这个手机号已开通居民账号"), field="phone") from None
    return user


def _is_older(person: Person) -> bool:
    return age_on(person.birth_date, timezone.localdate()) >= OLDER_FROM


@transaction.atomic
def resident_account_create(
    *, actor: Actor, person: Person, phone: str = "", request: HttpRequest | None = None
) -> User:
    """A community worker opens an older person's own account from the person's page; the person
    signs in with their phone and a code (长辈模式 on by default: portal/elder.py)."""
    scope.require(actor, "registry.edit", person.region_code)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.user_id is not None:
        raise Conflict(_("此人已有本人账号"), field="phone")
    if not _is_older(person):
        raise InvalidInput(_("本人账号只为60岁及以上的老年人开通；婴幼儿由父母的账号关联"), field="phone")
    digits = clean_mobile(phone or person.phone)
    user = _open_account(display_name=person.name, phone=digits, region_code=person.region_code)
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.RESIDENT_ACCOUNT_CREATE,
        obj=person,
        request=request,
        account=user.username,
        phone=mask_phone(digits),
        by="worker",
    )
    return user


def _pending_from_contacts(user: User, key: str, request: HttpRequest | None) -> None:
    """A family account opened from a registry contact's phone asks for a link to each person whose
    contact it is (pending until the person or a worker confirms)."""
    now = timezone.now()
    for contact in FamilyContact.objects.select_for_update().filter(phone_index=key, user__isnull=True):
        if FamilyContact.objects.filter(person_id=contact.person_id, user=user).exists():
            continue
        contact.user, contact.link_state, contact.link_requested_at = user, LinkState.PENDING, now
        contact.save(update_fields=["user", "link_state", "link_requested_at"])
        audit.record(
            actor=user,
            action=AuditAction.LINK_REQUEST,
            obj=contact.person,
            request=request,
            link=contact.pk,
            relation=contact.relation,
            tie="registered_phone",
        )


@transaction.atomic
def account_for_phone(*, phone: str, request: HttpRequest | None = None) -> User | None:
    """The account a verified phone signs in to (portal/accounts.py: `code_sign_in`): the one
    whose profile holds it; else the own account of the older person (60+) whose number it is,
    opened now; else a family account for the registry contact with that number, opened now with
    pending links. None when the number is nobody's (or several older people share it)."""
    key = phone_index(phone)
    profile = ResidentProfile.objects.select_related("user").filter(phone_hash=key).first()
    if profile is not None:
        return profile.user
    people = [
        p
        for p in Person.objects.select_for_update().filter(phone_index=key, user__isnull=True).order_by("id")
        if _is_older(p)
    ]
    if len(people) == 1:
        person = people[0]
        user = _open_account(display_name=person.name, phone=phone, region_code=person.region_code)
        person.user = user
        person.save(update_fields=["user", "updated_at"])
        audit.record(
            actor=user,
            action=AuditAction.RESIDENT_ACCOUNT_CREATE,
            obj=person,
            request=request,
            account=user.username,
            phone=mask_phone(phone),
            by="self",
        )
        return user
    contact = FamilyContact.objects.filter(phone_index=key).order_by("id").first()
    if not people and contact is not None:
        user = _open_account(display_name=contact.name, phone=phone, region_code=contact.region_code)
        audit.record(
            actor=user,
            action=AuditAction.RESIDENT_ACCOUNT_CREATE,
            obj=user,
            region_code=contact.region_code,
            request=request,
            account=user.username,
            phone=mask_phone(phone),
            by="self_family",
        )
        _pending_from_contacts(user, key, request)
        return user
    return None


def code_sign_in(*, phone: str, code: str, request: HttpRequest | None = None) -> User:
    """The code step of the phone sign-in (portal/accounts.py checks the code): the account the
    number belongs to, opened now when the registry knows the number and no account holds it yet.
    A number that is nobody's counts as a failure, as a wrong code does."""
    taken = code_take(phone=phone, code=code, request=request)
    user = account_for_phone(phone=taken.phone, request=request)
    if user is None or not user.is_active:
        record_failure(taken.counters, taken.now, taken.phone, request)
        raise LoginRefused(
            _("这个手机号还没有开通居民账号。请联系所在社区的工作人员登记或开通"), field="phone"
        )
    throttle.clear(taken.counters[:1])
    return user


# ---------------------------------------------------------------- links


def _check_relation(relation: str) -> str:
    relation = (relation or "").strip()
    if relation not in RELATIONS:
        raise InvalidInput(_("请选择您与家人的关系"), field="relation")
    return relation


def _link_audit(
    actor: Actor, action: AuditAction, link: FamilyContact, request: HttpRequest | None, **detail: str
) -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=link.person,
        request=request,
        link=link.pk,
        account=link.user.username if link.user else "",
        relation=link.relation,
        **detail,
    )


@transaction.atomic
def link_request(
    *, actor: Actor, name: str, id_number: str, relation: str, request: HttpRequest | None = None
) -> FamilyContact:
    """A family member (or parent) asks to be linked to a person, named by name and whole ID
    number. Refused when the platform cannot check a tie: the requester's phone is not one the
    registry holds as the person's contact, and the person has no account of their own to confirm."""
    if not signed_in(actor):
        raise Forbidden()
    relation = _check_relation(relation)
    name, number = (name or "").strip(), (id_number or "").strip().upper()
    if not name:
        raise InvalidInput(_("请填写家人的姓名"), field="name")
    if len(number) != 18:
        raise InvalidInput(_("请填写家人的18位身份证号"), field="id_number")
    person = Person.objects.select_for_update().filter(id_hash=blind_index(number)).first()
    if person is None or person.name != name:
        raise InvalidInput(_("没有找到这位家人的登记信息，请核对姓名和身份证号"), field="id_number")
    if person.user_id == actor.pk:
        raise InvalidInput(_("不能关联自己"), field="id_number")
    profile = ResidentProfile.objects.filter(user=actor).first()
    key = profile.phone_hash if profile is not None else ""
    registered = (
        FamilyContact.objects.filter(person=person, phone_index=key).exclude(user__isnull=False).first()
        if key
        else None
    )
    tie_by_phone = bool(key) and FamilyContact.objects.filter(person=person, phone_index=key).exists()
    if not tie_by_phone and person.user_id is None:
        raise InvalidInput(
            _(
                "暂时无法确认您与这位家人的关系：社区登记的家属电话里没有您的手机号，家人也没有自己的账号可以确认。"
                "请带户口簿或亲属关系证明到社区，由工作人员核验后为您登记关联。"
            ),
            field="id_number",
        )
    now = timezone.now()
    link = FamilyContact.objects.select_for_update().filter(person=person, user=actor).first()
    if link is not None and link.link_state == LinkState.ACTIVE:
        raise Conflict(_("您已关联这位家人"), field="id_number")
    if link is not None and link.link_state == LinkState.PENDING:
        raise Conflict(_("您已提交过关联申请，正在等待确认"), field="id_number")
    if link is None:
        link = registered or FamilyContact(
            person=person,
            region_code=person.region_code,
            name=actor.display_name or actor.username,
            phone=profile.phone if profile is not None else "",
            phone_masked=profile.phone_masked if profile is not None else "",
            is_emergency=False,
        )
    link.user, link.relation, link.link_state = actor, relation, LinkState.PENDING
    link.link_requested_at, link.link_basis, link.link_evidence, link.link_note = now, "", "", ""
    link.link_decided_at = link.link_decided_by = link.link_ended_at = link.link_ended_by = None
    link.save()
    _link_audit(
        actor,
        AuditAction.LINK_REQUEST,
        link,
        request,
        tie="registered_phone" if tie_by_phone else "person_account",
    )
    return link


def _decide(link: FamilyContact, actor: User, state: LinkState, basis: str = "") -> None:
    link.link_state, link.link_basis = state, basis
    link.link_decided_at, link.link_decided_by = timezone.now(), actor
    link.save(update_fields=["link_state", "link_basis", "link_decided_at", "link_decided_by"])


def _locked(link: FamilyContact) -> FamilyContact:
    return (
        FamilyContact.objects.select_for_update(of=("self",)).select_related("person", "user").get(pk=link.pk)
    )


@transaction.atomic
def link_confirm(*, actor: Actor, link: FamilyContact, request: HttpRequest | None = None) -> FamilyContact:
    """The older person's own account confirms a pending request: the link is active."""
    link = _locked(link)
    require_link_action(actor, link, LinkAction.CONFIRM)
    assert signed_in(actor)
    _decide(link, actor, LinkState.ACTIVE, LinkBasis.PERSON)
    _link_audit(actor, AuditAction.LINK_CONFIRM, link, request, basis=LinkBasis.PERSON.value)
    return link


@transaction.atomic
def link_decline(*, actor: Actor, link: FamilyContact, request: HttpRequest | None = None) -> FamilyContact:
    """The older person's own account declines a pending request."""
    link = _locked(link)
    require_link_action(actor, link, LinkAction.DECLINE)
    assert signed_in(actor)
    _decide(link, actor, LinkState.DECLINED)
    _link_audit(actor, AuditAction.LINK_DECLINE, link, request)
    return link


def _check_evidence(evidence: str, note: str) -> tuple[str, str]:
    if evidence not in LinkEvidence.values:
        raise InvalidInput(_("请选择核验过的材料"), field="evidence")
    note = (note or "").strip()
    if not note:
        raise InvalidInput(_("请写明核验情况（看到了什么、谁到场）"), field="note")
    if len(note) > 200:
        raise InvalidInput(_("核验说明不超过200字"), field="note")
    return evidence, note


def _verified(link: FamilyContact, actor: User, evidence: str, note: str) -> None:
    link.link_evidence, link.link_note = evidence, note
    link.save(update_fields=["link_evidence", "link_note"])
    _decide(link, actor, LinkState.ACTIVE, LinkBasis.WORKER)


@transaction.atomic
def link_verify(
    *, actor: Actor, link: FamilyContact, evidence: str, note: str, request: HttpRequest | None = None
) -> FamilyContact:
    """A community worker of the person's community confirms a pending request with the evidence
    seen (a parent's link to an infant, or an older person who has no account or cannot use it)."""
    link = _locked(link)
    require_link_action(actor, link, LinkAction.VERIFY)
    assert signed_in(actor)
    evidence, note = _check_evidence(evidence, note)
    _verified(link, actor, evidence, note)
    _link_audit(
        actor, AuditAction.LINK_RECORD, link, request, basis=LinkBasis.WORKER.value, evidence=evidence
    )
    return link


@transaction.atomic
def link_record(
    *,
    actor: Actor,
    person: Person,
    phone: str,
    name: str,
    relation: str,
    evidence: str,
    note: str,
    request: HttpRequest | None = None,
) -> FamilyContact:
    """A community worker records a link at the desk: the family member's (or parent's) account
    found by its phone, opened now when there is none, linked with the evidence seen."""
    scope.require(actor, "registry.edit", person.region_code)
    assert signed_in(actor)
    digits = clean_mobile(phone)
    relation = _check_relation(relation)
    evidence, note = _check_evidence(evidence, note)
    name = (name or "").strip()
    profile = ResidentProfile.objects.select_related("user").filter(phone_hash=phone_index(digits)).first()
    if profile is None and not name:
        raise InvalidInput(_("这个手机号还没有账号，请填写家属姓名以便开通"), field="name")
    user = (
        profile.user
        if profile is not None
        else _open_account(display_name=name, phone=digits, region_code=person.region_code)
    )
    if person.user_id == user.pk:
        raise InvalidInput(_("这是老人本人的账号"), field="phone")
    link = FamilyContact.objects.select_for_update().filter(person=person, user=user).first()
    if link is not None and link.link_state == LinkState.ACTIVE:
        raise Conflict(_("这个账号已关联此人"), field="phone")
    if link is None:  # the registry's contact row of this phone, when there is one without an account
        link = (
            FamilyContact.objects.select_for_update()
            .filter(person=person, phone_index=phone_index(digits), user__isnull=True)
            .first()
        )
        if link is not None:
            link.user, link.relation, link.link_requested_at = user, relation, timezone.now()
            link.save(update_fields=["user", "relation", "link_requested_at"])
    if link is None:
        link = FamilyContact.objects.create(
            person=person,
            region_code=person.region_code,
            name=name or user.display_name or user.username,
            relation=relation,
            phone=digits,
            phone_masked=mask_phone(digits),
            is_emergency=False,
            user=user,
            link_requested_at=timezone.now(),
        )
    else:
        link.relation, link.link_ended_at, link.link_ended_by = relation, None, None
        link.save(update_fields=["relation", "link_ended_at", "link_ended_by"])
    _verified(link, actor, evidence, note)
    _link_audit(
        actor, AuditAction.LINK_RECORD, link, request, basis=LinkBasis.WORKER.value, evidence=evidence
    )
    return link


@transaction.atomic
def link_end(*, actor: Actor, link: FamilyContact, request: HttpRequest | None = None) -> FamilyContact:
    """Either side ends a link (or withdraws a request): the family member, the person's own
    account, or a community worker of the person's community. The row stays, as the history."""
    link = _locked(link)
    require_link_action(actor, link, LinkAction.END)
    assert signed_in(actor)
    link.link_state, link.link_ended_at, link.link_ended_by = LinkState.ENDED, timezone.now(), actor
    link.save(update_fields=["link_state", "link_ended_at", "link_ended_by"])
    side = "family" if link.user_id == actor.pk else "person" if link.person.user_id == actor.pk else "worker"
    _link_audit(actor, AuditAction.LINK_END, link, request, side=side)
    return link


__all__ = [
    "RELATIONS",
    "account_for_phone",
    "code_sign_in",
    "link_confirm",
    "link_decline",
    "link_end",
    "link_record",
    "link_request",
    "link_verify",
    "profile_set_elder_mode",
    "resident_account_create",
]
