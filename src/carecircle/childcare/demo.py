"""The synthetic city's childcare: classes in every filed childcare facility by the national
setting standard, infants of the registry enrolled by age, a week of attendance, and a batch of
childcare vouchers (托育券) in the first district, some already redeemed."""

import datetime
import math
from typing import TYPE_CHECKING

from carecircle.childcare import services, standards
from carecircle.childcare.models import Attendance, Band, ChildClass, Enrolment, Voucher
from carecircle.core.demo import City, years_before
from carecircle.core.errors import Conflict, InvalidInput
from carecircle.core.models import User
from carecircle.facilities.selectors import childcare_facilities_with_places
from carecircle.registry.models import EXIT_STATUSES, Person, PersonStatus

if TYPE_CHECKING:  # annotations only: the rows facilities.selectors returns
    from carecircle.facilities.models import Facility

ORDER = 45
PER_CHILD_LIMIT = 1500
FILL = 0.75
CLASS_NAMES = ["苗苗班", "星星班", "月亮班", "太阳班", "彩虹班", "贝贝班", "果果班", "豆豆班"]


def _classes_for(facility: "Facility") -> list[tuple[str, int]]:
    """(band, capacity) classes filling the facility's places; kindergartens take 2–3 year olds only."""
    left, out = facility.childcare_places, []
    order: list[str] = list(
        standards.ALLOWED_BANDS.get(facility.kind)
        or [Band.INFANT, Band.SMALL, Band.BIG, Band.SMALL, Band.BIG]
    )
    i = 0
    while left >= 6:
        band = order[i % len(order)]
        size = min(standards.BANDS[band].max_children, left)
        out.append((band, size))
        left -= size
        i += 1
    return out


def generate(city: City) -> None:
    rng = city.rng_for("childcare")
    admin = User.objects.get(username="admin")
    today = city.today
    facilities = list(childcare_facilities_with_places())
    classes = []
    for f in facilities:
        puhui_left = f.childcare_places_puhui
        for n, (band, size) in enumerate(_classes_for(f)):
            puhui = puhui_left >= size
            puhui_left -= size if puhui else 0
            ratio = standards.children_per_caregiver(band, standards.BANDS[band].months_from)
            classes.append(
                ChildClass(
                    facility=f,
                    region_code=f.region_code,
                    name=CLASS_NAMES[n % len(CLASS_NAMES)] + (str(n // 8 + 1) if n >= 8 else ""),
                    band=band,
                    capacity=size,
                    caregivers=math.ceil(size / ratio),
                    puhui=puhui,
                    monthly_fee=f.childcare_fee_monthly
                    if puhui and f.childcare_fee_monthly
                    else round(rng.uniform(2600, 4200), -1),
                )
            )
    ChildClass.objects.bulk_create(classes, batch_size=2000)
    enrolments = _enrol(city, rng, classes)
    _attendance(rng, enrolments, today)
    vouchers, redeemed = _vouchers(city, rng, admin, facilities)
    city.say(
        f"  托育班级 {len(classes):,} 个，在托婴幼儿 {len(enrolments):,} 名；托育券 {vouchers:,} 张，已使用 {redeemed}"
    )


def _enrol(city, rng, classes) -> list[Enrolment]:
    today = city.today
    exits = PersonStatus.objects.filter(kind__in=EXIT_STATUSES).values("person_id")
    youngest = today - datetime.timedelta(days=183)
    infants = list(
        Person.objects.filter(birth_date__gt=years_before(today, 3), birth_date__lte=youngest)
        .exclude(pk__in=exits)
        .values_list("pk", "region_code", "birth_date")
    )
    rng.shuffle(infants)
    by_district_band: dict[tuple[str, str], list] = {}
    for pk, rc, birth in infants:
        band = standards.own_band(standards.months_old(birth, today))
        if band:
            by_district_band.setdefault((rc[:6], band), []).append((pk, rc, birth))
    rows = []
    for c in classes:
        want = round(c.capacity * rng.uniform(FILL - 0.2, min(1.0, FILL + 0.2)))
        ratio_cap = c.caregivers * standards.BANDS[c.band].children_per_caregiver
        pool = by_district_band.get((c.region_code[:6], c.band), [])
        for _ in range(min(want, ratio_cap)):
            if not pool:
                break
            pk, rc, birth = pool.pop()
            months = standards.months_old(birth, today)
            start = max(
                birth + datetime.timedelta(days=200), today - datetime.timedelta(days=rng.randrange(7, 200))
            )
            # the start must fall inside the band too: move it forward to the band's first month if needed
            start_months = standards.months_old(birth, start)
            if start_months < standards.BANDS[c.band].months_from:
                start = today - datetime.timedelta(
                    days=rng.randrange(0, 7 + max(0, (months - standards.BANDS[c.band].months_from)) * 28)
                )
            rows.append(
                Enrolment(
                    child_class=c,
                    facility_id=c.facility_id,
                    child_id=pk,
                    region_code=c.region_code,
                    child_region_code=rc,
                    start_on=min(start, today),
                )
            )
    Enrolment.objects.bulk_create(rows, batch_size=5000)
    return rows


def _attendance(rng, enrolments, today) -> None:
    days = [today - datetime.timedelta(days=d) for d in range(1, 10)]
    days = [d for d in days if d.weekday() < 5][:5]
    rows = [
        Attendance(enrolment=e, region_code=e.region_code, day=d, present=rng.random() < 0.9)
        for e in enrolments
        for d in days
        if d >= e.start_on
    ]
    Attendance.objects.bulk_create(rows, batch_size=5000)


def _vouchers(city, rng, admin, facilities) -> tuple[int, int]:
    district = city.districts[0]
    batch, valid_to = f"{city.today.year}年托育体验券", city.today + datetime.timedelta(days=180)
    issued = 0
    # Eligibility and amount from the benefits module's voucher programme when it is there; that
    # path evaluates each child with its trace, so a large city issues its demo batch set-based.
    infants = Person.objects.filter(
        region_code__startswith=district.code[:6], birth_date__gt=years_before(city.today, 3)
    ).count()
    if infants <= PER_CHILD_LIMIT:
        try:
            issued = services.voucher_issue(
                actor=admin,
                region_code=district.code,
                batch=batch,
                valid_to=valid_to,
                programme_code="CHILDCARE_VOUCHER",
                day=city.today,
            )
        except InvalidInput:
            issued = 0
    if not issued:
        issued = services.voucher_issue(
            actor=admin,
            region_code=district.code,
            batch=batch,
            amount="500",
            valid_to=valid_to,
            day=city.today,
        )
    local = [f for f in facilities if f.region_code.startswith(district.code[:6])]
    redeemed = 0
    if local:
        for v in Voucher.objects.filter(region_code__startswith=district.code[:6]).order_by("id")[
            : min(200, issued // 4)
        ]:
            services.voucher_redeem(actor=admin, code=v.code, facility=rng.choice(local))
            redeemed += 1
    return issued, redeemed


def parent_application(city: City, user: User, child: Person) -> int:
    """The demo's `parent` account applies online for a 托位 for their infant at up to two centres
    of the child's district (the portal's demo step calls this once it has linked the account):
    open applications the parent follows on 我要申请 and the centres answer on 托位申请. Answers how
    many applications were made (none when the child would be 3 by the start)."""
    district = child.region_code[:6]
    centres = [f for f in childcare_facilities_with_places() if f.region_code.startswith(district)][:2]
    if not centres:
        return 0
    try:
        rows = services.application_submit(
            actor=user,
            child=child,
            facilities=centres,
            start_wanted=city.today + datetime.timedelta(days=14),
            note="父母双职工，白天无人照看",
        )
    except (InvalidInput, Conflict) as exc:  # too old by then, or already holds a place: the demo says why
        city.say(f"  托位申请：{child.name} 未申请（{exc.message}）")
        return 0
    city.say(f"  托位申请：家长账号 parent 为{child.name}申请 " + "、".join(f.name for f in centres))
    return len(rows)
