"""The time bank of the synthetic city: volunteers in every district (older volunteers among them),
a year of services earned, gifts to relatives, donations to the pools and redemptions, requests at
every state (open, city-wide, escalated, taken, in service, waiting for confirmation, confirmed,
cancelled), the districts' guarantee deposits, and the demo account `volunteer`: a volunteer with
hours, linked to an older mother, with a request near home to take and one to check in.

The year's history is written in bulk, entry by entry as the services post them (the same keys,
balanced lines); the ledger check at the end must pass."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from carecircle.core.ages import years_before
from carecircle.core.demo import DEMO_PASSWORD, City
from carecircle.core.models import RoleGrant, User
from carecircle.core.regions import district_of
from carecircle.core.roles import Role
from carecircle.core.vault import mask_phone, phone_index
from carecircle.registry.models import FamilyContact, LinkState, Person
from carecircle.timebank import _ledger, reference, selectors, services
from carecircle.timebank.models import (
    Account,
    AccountKind,
    Entry,
    EntryKind,
    GuaranteeDeposit,
    HelpRequest,
    Line,
    RequestStatus,
    Skill,
    Volunteer,
)

ORDER = 96  # after the people (10) and the residents' accounts (portal, 95)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "秀丽芳敏静娟霞萍红梅兰英华玉建国明军伟强"
HOURS = [Decimal(h) for h in ("0.5", "1", "1", "1.5", "2", "2", "3")]


def generate(city: City) -> None:
    reference.ensure()
    rng = city.rng_for("timebank")
    today = city.today
    older = list(
        Person.objects.filter(birth_date__lte=years_before(today, 70))
        .order_by("id")
        .values_list("id", "region_code")[: max(300, city.elders // 20)]
    )
    if not older:
        return
    admin = User.objects.filter(username="admin").first()
    with transaction.atomic():
        volunteers = _volunteers(city, rng)
        made = _year(city, rng, volunteers, older, admin)
        _open_requests(city, rng, volunteers, older, admin)
        _guarantees(city, rng, admin)
        account = _demo_account(city, older, admin)
    services.requests_escalate()
    check = selectors.ledger_check()
    city.say(
        f"  时间银行：志愿者 {len(volunteers)} 名，服务 {made} 单，账目{'平衡' if check.ok else '不平'}，"
        f"未兑付 {check.outstanding} 小时" + (f"；志愿者账号 {account}" if account else "")
    )


def _volunteers(city: City, rng) -> list[Volunteer]:
    n = max(60, city.elders // 40)
    users = User.objects.bulk_create(
        [User(username=f"tb-volunteer-{i}", password="!", display_name="志愿者") for i in range(n)]
    )
    today = city.today
    rows = []
    for u in users:
        home = rng.choice(city.communities)
        age = rng.choice([22, 28, 35, 42, 50, 58, 62, 65, 68, 72])  # 银龄互助: older volunteers too
        phone = f"139{rng.randrange(10**8):08d}"
        skills = rng.sample(list(Skill.values), rng.randint(1, 3))
        rows.append(
            Volunteer(
                user=u,
                name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                birth_date=today - datetime.timedelta(days=365 * age + rng.randrange(300)),
                phone=phone,
                phone_masked=mask_phone(phone),
                phone_index=phone_index(phone),
                region_code=home.code,
                skills=",".join(skills),
                availability=rng.choice(["工作日上午", "工作日下午", "周末全天", "每天傍晚"]),
                created_at=timezone.now(),
            )
        )
    volunteers = Volunteer.objects.bulk_create(rows)
    for v in volunteers:
        _ledger.volunteer_account(v)
    return volunteers


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _year(city: City, rng, volunteers, older, admin) -> int:
    """A year of served requests (earned, and one in six redeemed from the person's hours given by a
    relative), gifts and donations, written as the services write them."""
    today = city.today
    accounts = {a.volunteer_id: a for a in Account.objects.filter(volunteer__in=volunteers)}
    by_district: dict[str, list] = {}
    for pid, code in older:
        by_district.setdefault(district_of(code), []).append((pid, code))
    entries: list[tuple[Entry, list[tuple[Account, Decimal]]]] = []
    served = 0
    for v in volunteers:
        acc = accounts[v.pk]
        near = by_district.get(district_of(v.region_code)) or older
        balance = Decimal("0")
        for _k in range(rng.randint(4, 14)):
            pid, code = rng.choice(near)
            day = today - datetime.timedelta(days=rng.randrange(1, 365))
            h = rng.choice(HOURS)
            posted = _at(day - datetime.timedelta(days=rng.randint(0, 3)), 9)
            req = HelpRequest.objects.create(
                person_id=pid,
                region_code=code,
                kind=rng.choice(v.skill_list),
                wanted_on=day,
                hours=h,
                status=RequestStatus.CONFIRMED,
                posted_by=admin,
                posted_at=posted,
                volunteer=v,
                taken_at=posted + datetime.timedelta(hours=rng.randint(1, 30)),
                check_in_at=_at(day, 14),
                check_in_lat=30.27,
                check_in_lng=120.15,
                check_out_at=_at(day, 14) + datetime.timedelta(minutes=int(h * 60)),
                check_out_lat=30.27,
                check_out_lng=120.15,
                earned=h,
                confirmed_by=admin,
                confirmed_at=_at(day, 18),
            )
            issued = _ledger.district_account(AccountKind.ISSUED, code)
            entries.append(
                (
                    Entry(key=f"earn:{req.pk}", kind=EntryKind.EARN, day=day, request=req),
                    [(acc, h), (issued, -h)],
                )
            )
            balance += h
            served += 1
        if rng.random() < 0.25 and balance >= 2:
            pid, code = rng.choice(near)
            gift = (balance / 2).quantize(Decimal("0.5"))
            relative = _ledger.person_account(pid, code)
            day = today - datetime.timedelta(days=rng.randrange(1, 60))
            entries.append(
                (
                    Entry(key=f"gift:{v.pk}:demo", kind=EntryKind.GIFT, day=day),
                    [(acc, -gift), (relative, gift)],
                )
            )
            balance -= gift
            spent = min(gift, Decimal("2"))
            req = HelpRequest.objects.create(
                person_id=pid,
                region_code=code,
                kind=Skill.ESCORT,
                wanted_on=day,
                hours=spent,
                status=RequestStatus.CONFIRMED,
                posted_by=admin,
                posted_at=_at(day, 8),
                paid_by=relative,
                volunteer=rng.choice(volunteers),
                taken_at=_at(day, 9),
                check_in_at=_at(day, 10),
                check_out_at=_at(day, 10) + datetime.timedelta(hours=float(spent)),
                check_in_lat=30.27,
                check_in_lng=120.15,
                check_out_lat=30.27,
                check_out_lng=120.15,
                earned=spent,
                confirmed_by=admin,
                confirmed_at=_at(day + datetime.timedelta(days=rng.randint(0, 4)), 17),
            )
            escrow = _ledger.district_account(AccountKind.ESCROW, code)
            issued = _ledger.district_account(AccountKind.ISSUED, code)
            entries.append(
                (
                    Entry(key=f"hold:{req.pk}", kind=EntryKind.HOLD, day=day, request=req),
                    [(relative, -spent), (escrow, spent)],
                )
            )
            entries.append(
                (
                    Entry(key=f"spend:{req.pk}", kind=EntryKind.SPEND, day=day, request=req),
                    [(escrow, -spent), (issued, spent)],
                )
            )
            helper = accounts[req.volunteer_id]
            entries.append(
                (
                    Entry(key=f"earn:{req.pk}", kind=EntryKind.EARN, day=day, request=req),
                    [(helper, spent), (issued, -spent)],
                )
            )
            served += 1
        if rng.random() < 0.15 and balance >= 1:
            pool = _ledger.district_account(AccountKind.POOL, v.region_code)
            day = today - datetime.timedelta(days=rng.randrange(1, 90))
            entries.append(
                (
                    Entry(key=f"donate:{v.pk}:demo", kind=EntryKind.DONATE, day=day),
                    [(acc, -Decimal("1")), (pool, Decimal("1"))],
                )
            )
    made = Entry.objects.bulk_create([e for e, _legs in entries])
    Line.objects.bulk_create(
        Line(entry=e, account=a, hours=h, region_code=a.region_code, day=e.day)
        for e, (_e, legs) in zip(made, entries, strict=True)
        for a, h in legs
    )
    return served


def _open_requests(city: City, rng, volunteers, older, admin) -> None:
    """Requests at every state that is not history: open (fresh, past the city-wide days, past the
    escalation days), taken, in service, waiting for the older person's confirmation, cancelled."""
    now = timezone.now()
    states = [
        (RequestStatus.OPEN, 0),
        (RequestStatus.OPEN, 1),
        (RequestStatus.OPEN, 4),
        (RequestStatus.OPEN, 9),
        (RequestStatus.TAKEN, 1),
        (RequestStatus.STARTED, 0),
        (RequestStatus.DONE, 0),
        (RequestStatus.CANCELLED, 2),
    ]
    for k in range(max(16, len(volunteers) // 4)):
        status, days = states[k % len(states)]
        pid, code = rng.choice(older)
        v = rng.choice(volunteers) if status not in (RequestStatus.OPEN, RequestStatus.CANCELLED) else None
        posted = now - datetime.timedelta(days=days, hours=rng.randint(1, 20))
        HelpRequest.objects.create(
            person_id=pid,
            region_code=code,
            kind=rng.choice(Skill.values),
            note=rng.choice(["", "需要帮忙买菜", "陪同去社区医院复诊", "读报聊天", "换灯泡"]),
            wanted_on=city.today + datetime.timedelta(days=rng.randint(0, 5)),
            hours=rng.choice(HOURS),
            status=status,
            posted_by=admin,
            posted_at=posted,
            volunteer=v,
            taken_at=posted + datetime.timedelta(hours=1) if v else None,
            check_in_at=now - datetime.timedelta(hours=2)
            if status in (RequestStatus.STARTED, RequestStatus.DONE)
            else None,
            check_in_lat=30.27 if status in (RequestStatus.STARTED, RequestStatus.DONE) else None,
            check_in_lng=120.15 if status in (RequestStatus.STARTED, RequestStatus.DONE) else None,
            check_out_at=now - datetime.timedelta(hours=1) if status == RequestStatus.DONE else None,
            check_out_lat=30.27 if status == RequestStatus.DONE else None,
            check_out_lng=120.15 if status == RequestStatus.DONE else None,
        )


def _guarantees(city: City, rng, admin) -> None:
    """Each district sets aside 70–130 % of what it owes: some are short (the report shows it)."""
    owed = _ledger.outstanding_by_district()
    for d in city.districts:
        need = owed.get(d.code, Decimal("0"))
        share = Decimal(rng.choice(["0.7", "0.9", "1.0", "1.1", "1.3"]))
        hours = (need * share / 2).quantize(Decimal("1"))
        money = (need * share / 2 * 30).quantize(Decimal("1"))
        GuaranteeDeposit.objects.create(
            key=f"guarantee:demo:{d.code}",
            region_code=d.code,
            hours=hours,
            money=money,
            hour_value=Decimal("30") if money else Decimal("0"),
            memo="年度时间银行保障金",
            day=city.today.replace(month=1, day=1),
            created_by=admin,
        )


def _demo_account(city: City, older, admin) -> str:
    """`volunteer`: an adult volunteer with hours, linked to an older mother in the same community,
    with an open request near home to take and a taken one to check in."""
    if User.objects.filter(username="volunteer").exists() or admin is None:
        return ""
    pid, code = older[0]
    mother = Person.objects.get(pk=pid)
    user = User(username="volunteer", display_name="志愿者（子女）")
    user.set_password(DEMO_PASSWORD)
    user.save()
    RoleGrant.objects.create(user=user, role=Role.RESIDENT, region_id=code)
    phone = "13900005678"
    vol = Volunteer.objects.create(
        user=user,
        name="陈志愿",
        birth_date=city.today - datetime.timedelta(days=365 * 45),
        phone=phone,
        phone_masked=mask_phone(phone),
        phone_index=phone_index(phone),
        region_code=code,
        skills="companionship,shopping,escort",
        availability="周末全天",
    )
    acc = _ledger.volunteer_account(vol)
    FamilyContact.objects.create(
        person=mother,
        region_code=code,
        user=user,
        name="陈志愿",
        relation="子女",
        link_state=LinkState.ACTIVE,
    )
    issued = _ledger.district_account(AccountKind.ISSUED, code)
    for k in range(6):
        day = city.today - datetime.timedelta(days=20 * (k + 1))
        _ledger.post(
            key=f"earn:demo-volunteer:{k}",
            kind=EntryKind.EARN,
            day=day,
            lines=[(acc, Decimal("2")), (issued, Decimal("-2"))],
            actor=None,
            memo="志愿服务：陪伴聊天",
        )
    others = [(p, c) for p, c in older[1:] if district_of(c) == district_of(code)] or older[1:]
    for k, status in enumerate((RequestStatus.OPEN, RequestStatus.TAKEN)):
        pid2, code2 = others[k % len(others)]
        HelpRequest.objects.create(
            person_id=pid2,
            region_code=code2,
            kind=Skill.SHOPPING if k == 0 else Skill.COMPANIONSHIP,
            note="需要帮忙买菜" if k == 0 else "下午陪老人聊天",
            wanted_on=city.today + datetime.timedelta(days=1),
            hours=Decimal("1.5"),
            status=status,
            posted_by=admin,
            posted_at=timezone.now() - datetime.timedelta(hours=3),
            volunteer=vol if status == RequestStatus.TAKEN else None,
            taken_at=timezone.now() - datetime.timedelta(hours=1) if status == RequestStatus.TAKEN else None,
        )
    region = city.communities[0].name
    for c in city.communities:
        if c.code == code:
            region = c.name
    city.accounts.append(("志愿者（时间银行）", "volunteer", DEMO_PASSWORD, region))
    return "volunteer"
