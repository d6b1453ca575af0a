"""The residents' accounts of the synthetic city (`carecircle demo` prints them):

- `elder`: an older person living alone with an alarm device, allowances and weekly home services
  (a care plan, and a visit today), their own account (长辈模式 on by default);
- `family`: the 子女 account (made by `generate`), linked to two parents by a community worker who
  saw the household register;
- `parent`: a parent linked to an infant who holds a childcare voucher (托育券) and no place yet.

After the other modules (ORDER), whose records it picks the people by."""

from __future__ import annotations

import datetime

from django.utils import timezone

from carecircle.alarms import selectors as alarms
from carecircle.benefits import selectors as benefits
from carecircle.childcare import demo as childcare_demo
from carecircle.childcare import selectors as childcare
from carecircle.core.ages import age_on
from carecircle.core.demo import DEMO_PASSWORD, City, years_before
from carecircle.core.models import Region, User
from carecircle.core.vault import mask_phone, normalise_phone, phone_index
from carecircle.homecare import demo as homecare_demo
from carecircle.homecare import selectors as homecare
from carecircle.homecare import services as homecare_services
from carecircle.portal import demo_messages, services
from carecircle.portal.models import ResidentProfile
from carecircle.registry import selectors as registry
from carecircle.registry.models import FamilyContact, LinkState, Person, StatusKind

ORDER = 95  # after every module whose records the accounts are picked by (planning is 90)
FAMILY_PHONE = "13900001234"  # the family account's phone (registry/demo.py: link_family_account)
CANDIDATES = 3000


def generate(city: City) -> None:
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        return
    elder = _elder(city, admin)
    family = _family(city, admin)
    parent = _parent(city, admin)
    made = [name for name, ok in (("elder", elder), ("family", family), ("parent", parent)) if ok]
    city.say(f"  居民账号：{', '.join(made) or '无'}")
    demo_messages.generate(city)  # the accounts' inbox, the month's allowances, failed deliveries


def _region_name(code: str) -> str:
    return Region.objects.filter(code=code).values_list("name", flat=True).first() or code


def _rename(user: User, username: str, display_name: str) -> User:
    user.username, user.display_name = username, display_name[:50]
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


# ---------------------------------------------------------------- elder


def _elder(city: City, admin: User) -> bool:
    """An older person living alone with a device and allowances; weekly home services added when
    the home-care step gave them none."""
    today = city.today
    alone = list(
        Person.objects.filter(
            registry.status_on(StatusKind.LIVING_ALONE, today),
            user__isnull=True,
            birth_date__lte=years_before(today, 65),
        )
        .exclude(phone_index="")
        .order_by("id")
        .values_list("id", flat=True)[:CANDIDATES]
    )
    with_device = sorted(alarms.persons_with_device(person_ids=alone, day=today))
    ordered = set(
        homecare.visible_orders(admin).filter(person_id__in=with_device).values_list("person_id", flat=True)
    )
    person = None
    for pk in sorted(with_device, key=lambda pk: (pk not in ordered, pk)):
        candidate = Person.objects.get(pk=pk)
        if benefits.entitlements_for(person=candidate, day=today):
            person = candidate
            break
    if person is None:
        return False
    user = services.resident_account_create(actor=admin, person=person, phone=person.phone or "")
    _rename(user, "elder", person.name)
    _weekly_services(city, admin, person)
    city.accounts.append(("老人本人（长辈模式）", "elder", DEMO_PASSWORD, _region_name(person.region_code)))
    city.facts["portal_elder_id"] = person.pk
    return True


def _weekly_services(city: City, admin: User, person: Person) -> None:
    """A cleaning visit every Monday, Wednesday and Friday, and one today later in the day."""
    items = {i.code: i for c in homecare.catalogue() for i in c.active_items}  # type: ignore[attr-defined]
    item = items.get("clean.basic") or next(iter(items.values()), None)
    if item is None:
        return
    offers = homecare.providers_for(person.region_code, item, city.today)
    if not offers:
        return
    provider = offers[0][0]
    homecare_demo.careplan_create(
        actor=admin,
        person=person,
        item=item,
        provider=provider,
        weekdays="135",
        start_time=datetime.time(9, 0),
        valid_from=city.today,
        notes="独居老人每周三次助洁",
    )
    start = timezone.now() + datetime.timedelta(hours=2)
    if timezone.localdate(start) == city.today:
        homecare_services.order_create(
            actor=admin,
            person=person,
            item=item,
            provider=provider,
            window_start=start.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1),
            idempotency_key="demo:portal:elder:today",
        )


# ---------------------------------------------------------------- family


def _profile(user: User, phone: str, region_code: str) -> None:
    ResidentProfile.objects.update_or_create(
        user=user,
        defaults={
            "phone": phone,
            "phone_masked": mask_phone(phone),
            "phone_hash": phone_index(phone),
            "region_code": region_code,
        },
    )


def _family(city: City, admin: User) -> bool:
    """The `family` account linked to its first parent (registry's step) and to the other parent
    of the household (or an older person of the same community), both recorded by a worker."""
    user = User.objects.filter(username="family").first()
    first_id = city.facts.get("family_elder_id")
    if user is None or first_id is None:
        return False
    first = Person.objects.get(pk=first_id)
    _profile(user, FAMILY_PHONE, first.region_code)
    link = FamilyContact.objects.filter(person=first, user=user).first()
    if link is not None and link.link_state != LinkState.ACTIVE:
        services.link_verify(actor=admin, link=link, evidence="hukou", note="户口簿：与户主关系 女")
    others = Person.objects.filter(user__isnull=True).exclude(pk=first.pk)
    second = (
        others.filter(household_id=first.household_id, birth_date__lte=years_before(city.today, 60)).first()
        if first.household_id
        else None
    ) or (
        others.filter(region_code=first.region_code, birth_date__lte=years_before(city.today, 70))
        .exclude(sex=first.sex)
        .exclude(contacts__user=user)
        .order_by("id")
        .first()
    )
    if second is None:
        return True
    services.link_record(
        actor=admin,
        person=second,
        phone=FAMILY_PHONE,
        name=user.display_name,
        relation="女儿",
        evidence="hukou",
        note="户口簿：与户主关系 女",
    )
    return True


# ---------------------------------------------------------------- parent


def _parent(city: City, admin: User) -> bool:
    """A parent whose infant holds an unused childcare voucher (托育券) and has no place yet: the
    mother's phone as the registry holds it opens her account (a pending link, as a first sign-in
    would), and the community worker verifies it with the birth certificate."""
    today = city.today
    vouchers = childcare.vouchers_for(user=admin).filter(redeemed_at__isnull=True).select_related("child")
    for voucher in vouchers.order_by("id")[:200]:
        child = voucher.child
        if age_on(child.birth_date, today) >= 3:
            continue
        contact = (
            FamilyContact.objects.filter(person=child, user__isnull=True, relation="母亲")
            .exclude(phone_index="")
            .first()
        )
        if contact is None:
            continue
        phone = normalise_phone(contact.phone)
        if len(phone) != 11 or ResidentProfile.objects.filter(phone_hash=phone_index(phone)).exists():
            continue
        user = services.account_for_phone(phone=phone)
        if user is None:
            continue
        _rename(user, "parent", contact.name)
        for link in FamilyContact.objects.filter(user=user, link_state=LinkState.PENDING):
            services.link_verify(
                actor=admin, link=link, evidence="birth_certificate", note="出生医学证明：母亲"
            )
        city.accounts.append(("家长（婴幼儿）", "parent", DEMO_PASSWORD, _region_name(child.region_code)))
        city.facts["portal_parent_child_id"] = child.pk
        childcare_demo.parent_application(city, user, child)  # her open 托位 application (我要申请)
        return True
    return False
