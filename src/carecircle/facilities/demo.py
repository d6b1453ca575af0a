"""The synthetic city's facilities: every kind the seeds name, spread over the communities with
capacities scaled to the city (beds ≈ 4.5 per 100 older people, nursing-type share ≈ 60%,
cognitive-care beds 20 per 10,000 older people; 托位 ≈ 4.5 per 1,000 residents, 60% 普惠), their
filing history (some pending or returned), grades with subsidies, beds with residents and the
waiting lists of public institutions."""

import datetime

from django.db import transaction
from django.utils import timezone

from carecircle.core.demo import DEMO_PASSWORD, City
from carecircle.core.models import RoleGrant, User
from carecircle.core.organisations import OrganisationKind
from carecircle.core.roles import Role
from carecircle.facilities import standards
from carecircle.facilities.demo_filed import _beds_and_stays, _grades, _waiting
from carecircle.facilities.models import (
    PUBLIC_KINDS,
    Facility,
    FilingKind,
    FilingState,
    FilingStatus,
    Operator,
)
from carecircle.facilities.models import FacilityKind as K
from carecircle.facilities.models import Filing as FilingModel

ORDER = 40

BEDS_PER_ELDER = 0.045
COGNITIVE_PER_ELDER = 0.002  # 20 per 10,000 (Jiaxing, Qujing, Hangzhou)
RESIDENTS_PER_INFANT = 1 / 0.0236  # Hangzhou 2021: 28.11万 under-3s among 1193.6万 residents
PLACES_PER_RESIDENT = 4.5 / 1000
PUHUI_SHARE = 0.6
# (kind, share of the non-cognitive beds, typical beds per facility, nursing-type share)
INSTITUTIONS = [
    (K.NURSING_PUBLIC, 0.25, 120, 0.7),
    (K.NURSING_PPP, 0.2, 100, 0.65),
    (K.NURSING_PRIVATE, 0.5, 80, 0.55),
]
# (kind, share of the 托位, typical places)
CHILDCARE = [(K.CHILDCARE_CENTRE, 0.5, 60), (K.KINDERGARTEN_CLASS, 0.3, 25), (K.EMBEDDED_CHILDCARE, 0.2, 40)]
HOURS = {
    K.NURSING_PUBLIC: "全天24小时",
    K.NURSING_PPP: "全天24小时",
    K.NURSING_PRIVATE: "全天24小时",
    K.DEMENTIA_UNIT: "全天24小时",
    K.STREET_CENTRE: "周一至周日 8:00-20:00",
    K.COMMUNITY_CENTRE: "周一至周六 8:00-17:30",
    K.CANTEEN: "每日 10:30-13:00，16:30-18:30",
    K.RURAL_MUTUAL: "每日 8:00-17:00",
    K.CHILDCARE_CENTRE: "周一至周五 7:30-17:30",
    K.KINDERGARTEN_CLASS: "周一至周五 7:50-16:30",
    K.EMBEDDED_CHILDCARE: "周一至周五 7:30-18:00",
    K.GROWTH_STATION: "周二至周日 9:00-11:30，14:30-17:00",
    K.ELDER_UNIVERSITY: "周一至周五 8:30-16:30",
    K.ACTIVITY_CENTRE: "每日 8:00-21:00",
}
SERVICES = {
    K.NURSING_PUBLIC: ["长期照护", "医养结合", "康复护理", "特困供养"],
    K.NURSING_PPP: ["长期照护", "康复护理", "短期托养"],
    K.NURSING_PRIVATE: ["长期照护", "失能照护", "康复护理"],
    K.DEMENTIA_UNIT: ["认知障碍照护", "认知训练"],
    K.STREET_CENTRE: ["日间照料", "短期托养", "助餐", "助浴", "康复"],
    K.COMMUNITY_CENTRE: ["日间照料", "助餐", "文娱活动"],
    K.CANTEEN: ["助餐", "送餐上门"],
    K.RURAL_MUTUAL: ["互助养老", "助餐"],
    K.CHILDCARE_CENTRE: ["全日托", "半日托", "临时托"],
    K.KINDERGARTEN_CLASS: ["2-3岁托班"],
    K.EMBEDDED_CHILDCARE: ["全日托", "单位职工子女托育"],
    K.GROWTH_STATION: ["亲子活动", "养育指导", "临时托"],
    K.ELDER_UNIVERSITY: ["老年教育", "兴趣课程"],
    K.ACTIVITY_CENTRE: ["文体活动", "棋牌阅览"],
}
NAME_SUFFIX = {
    K.NURSING_PUBLIC: "社会福利院",
    K.NURSING_PPP: "颐养中心",
    K.NURSING_PRIVATE: "康养院",
    K.DEMENTIA_UNIT: "认知障碍照护专区",
    K.STREET_CENTRE: "居家养老服务中心",
    K.COMMUNITY_CENTRE: "居家养老服务照料中心",
    K.CANTEEN: "老年食堂",
    K.RURAL_MUTUAL: "幸福大院",
    K.CHILDCARE_CENTRE: "托育园",
    K.KINDERGARTEN_CLASS: "幼儿园托班",
    K.EMBEDDED_CHILDCARE: "职工托育点",
    K.GROWTH_STATION: "婴幼儿成长驿站",
    K.ELDER_UNIVERSITY: "老年大学",
    K.ACTIVITY_CENTRE: "老年活动中心",
}
PRIVATE_BRANDS = [
    "安康",
    "福寿",
    "颐和",
    "康乐",
    "乐龄",
    "惠民",
    "仁爱",
    "长青",
    "金色年华",
    "童乐",
    "小橙子",
    "爱贝",
]


def _count(total: float, typical: int, minimum: int) -> int:
    return max(minimum, round(total / typical))


def _split(total: int, n: int, rng) -> list[int]:
    weights = [rng.uniform(0.6, 1.4) for _ in range(n)]
    s = sum(weights)
    return [max(1, round(total * w / s)) for w in weights]


def generate(city: City) -> None:
    rng = city.rng_for("facilities")
    admin = User.objects.get(username="admin")
    today = city.today
    plans = _plan(city, rng)
    operators = _operators(city, rng, plans)
    facilities = _create(city, rng, plans, operators)
    filed = [f for f in facilities if f.status == FilingStatus.FILED]
    _grades(city, rng, filed, admin)
    residents = _beds_and_stays(city, rng, filed)
    entries = _waiting(city, rng, filed, admin, operators["private"][0].pk)
    _account(city, operators)
    counts: dict[str, int] = {}
    for f in facilities:
        counts[f.status] = counts.get(f.status, 0) + 1
    beds = sum(f.beds_total for f in filed)
    places = sum(f.childcare_places for f in filed)
    city.facts["facilities"] = len(facilities)
    city.say(
        f"  设施 {len(facilities):,} 处（已备案 {counts.get('filed', 0):,}，待审核 {counts.get('pending', 0)}，"
        f"退回 {counts.get('returned', 0)}，关闭 {counts.get('closed', 0)}）；床位 {beds:,}，在住 {residents:,}；"
        f"托位 {places:,}；轮候 {entries:,} 人（{today}）"
    )


def _plan(city, rng) -> list[dict]:
    """What to build: a list of dicts (kind, community, capacity fields)."""
    plans = []
    communities, streets, districts = city.communities, city.streets, city.districts
    by_district = {d.code[:6]: [c for c in communities if c.code.startswith(d.code[:6])] for d in districts}
    by_street = {s.code[:9]: [c for c in communities if c.code.startswith(s.code[:9])] for s in streets}
    beds = city.elders * BEDS_PER_ELDER
    for kind, share, typical, nursing in INSTITUTIONS:
        n = _count(beds * share, typical, len(districts) if kind != K.NURSING_PRIVATE else 2 * len(districts))
        for i, total in enumerate(_split(round(beds * share), n, rng)):
            district = districts[i % len(districts)]
            nurse = round(total * nursing)
            plans.append(
                {
                    "kind": kind,
                    "community": rng.choice(by_district[district.code[:6]]),
                    "beds_nursing": nurse,
                    "beds_general": total - nurse,
                    "beds_cognitive": 0,
                }
            )
    cognitive = max(len(districts) * 10, round(city.elders * COGNITIVE_PER_ELDER))
    for i, total in enumerate(_split(cognitive, _count(cognitive, 30, len(districts)), rng)):
        district = districts[i % len(districts)]
        plans.append(
            {
                "kind": K.DEMENTIA_UNIT,
                "community": rng.choice(by_district[district.code[:6]]),
                "beds_cognitive": total,
            }
        )
    for street in streets:
        members = by_street[street.code[:9]]
        plans.append({"kind": K.STREET_CENTRE, "community": members[0], "beds_nursing": rng.randrange(8, 21)})
        plans.append({"kind": K.ACTIVITY_CENTRE, "community": rng.choice(members)})
    for c in communities:
        plans.append({"kind": K.COMMUNITY_CENTRE, "community": c})
        if rng.random() < 0.6:
            plans.append({"kind": K.CANTEEN, "community": c})
        if rng.random() < 0.15:
            plans.append({"kind": K.RURAL_MUTUAL, "community": c})
        if rng.random() < 0.3:
            plans.append({"kind": K.GROWTH_STATION, "community": c})
    for d in districts:
        plans.append({"kind": K.ELDER_UNIVERSITY, "community": rng.choice(by_district[d.code[:6]])})
    places = city.infants * RESIDENTS_PER_INFANT * PLACES_PER_RESIDENT
    for kind, share, typical in CHILDCARE:
        n = _count(places * share, typical, len(districts))
        for i, total in enumerate(_split(round(places * share), n, rng)):
            district = districts[i % len(districts)]
            total = max(total, 12)
            plans.append(
                {
                    "kind": kind,
                    "community": rng.choice(by_district[district.code[:6]]),
                    "childcare_places": total,
                    "childcare_places_puhui": round(
                        total * (PUHUI_SHARE + rng.uniform(-0.2, 0.3))
                        if kind != K.EMBEDDED_CHILDCARE
                        else total * 0.5
                    ),
                }
            )
    for p in plans:
        p["childcare_places_puhui"] = min(p.get("childcare_places_puhui", 0), p.get("childcare_places", 0))
    return plans


def _operators(city, rng, plans) -> dict:
    """Operators: the city welfare centre runs the public institutions, a few companies the rest."""
    n_private = max(4, round(len(plans) / 12))
    rows = [
        Operator(
            name="示范市社会福利中心", credit_code="12339900MB0000001X", region_code=city.communities[0].code
        )
    ]
    for i in range(n_private):
        brand = PRIVATE_BRANDS[i % len(PRIVATE_BRANDS)] + (
            str(i // len(PRIVATE_BRANDS) + 1) if i >= len(PRIVATE_BRANDS) else ""
        )
        rows.append(
            Operator(
                name=f"{brand}养老托育服务有限公司",
                credit_code=f"91339900MA{i + 1:07d}Y",
                region_code=rng.choice(city.communities).code,
                phone=f"0571-8{rng.randrange(10**6):06d}",
            )
        )
    Operator.objects.bulk_create(rows)
    return {"public": rows[0], "private": rows[1:]}


def _create(city, rng, plans, operators) -> list[Facility]:
    today = city.today
    facilities, seq = [], dict[str, int]()
    first_private = operators["private"][0]
    for p in plans:
        kind, c = p["kind"], p["community"]
        seq[kind] = seq.get(kind, 0) + 1
        if kind in PUBLIC_KINDS or kind in (K.STREET_CENTRE, K.COMMUNITY_CENTRE, K.RURAL_MUTUAL):
            op = operators["public"]
        elif (
            c.code.startswith(city.districts[0].code[:6])
            and kind in (K.NURSING_PRIVATE, K.CHILDCARE_CENTRE)
            and seq[kind] <= 2
        ):
            op = first_private  # the demo provider account's own facilities
        if kind == K.NURSING_PPP and seq[kind] == 1:
            op = first_private  # and one 公建民营 institution it runs, with a waiting list (demo_filed._waiting)
        else:
            op = rng.choice(operators["private"])
        place = c.name.replace("社区", "").replace("村", "")
        brand = op.name[:2] if op is not operators["public"] else place
        name = (
            f"{brand}{NAME_SUFFIX[kind]}"
            if kind not in (K.COMMUNITY_CENTRE, K.CANTEEN, K.RURAL_MUTUAL, K.GROWTH_STATION)
            else f"{place}{NAME_SUFFIX[kind]}"
        )
        if op is not operators["public"] or kind in (K.NURSING_PUBLIC, K.NURSING_PPP):
            name = f"{place}{name}" if not name.startswith(place) else name
        r = rng.random()
        status = (
            FilingStatus.FILED
            if r < 0.9
            else FilingStatus.PENDING
            if r < 0.96
            else FilingStatus.RETURNED
            if r < 0.98
            else FilingStatus.CLOSED
        )
        if kind in (K.CANTEEN, K.GROWTH_STATION, K.ACTIVITY_CENTRE) and seq[kind] <= 3:
            # a few are always under review, returned or closed, so the review queue and the map show them
            status = (
                [FilingStatus.PENDING, FilingStatus.RETURNED, FilingStatus.CLOSED][
                    [K.CANTEEN, K.GROWTH_STATION, K.ACTIVITY_CENTRE].index(kind)
                ]
                if seq[kind] == 1
                else (FilingStatus.PENDING if kind == K.CANTEEN else status)
            )
        if op is first_private and kind == K.NURSING_PPP:
            status = FilingStatus.FILED  # the demo account's waiting list and admissions
        filed_on = (
            today - datetime.timedelta(days=rng.randrange(60, 365 * 6))
            if status in (FilingStatus.FILED, FilingStatus.CLOSED)
            else None
        )
        beds_total = sum(p.get(k, 0) for k in ("beds_general", "beds_nursing", "beds_cognitive"))
        staff = (
            max(2, round(beds_total / 4 + p.get("childcare_places", 0) / 5))
            if beds_total or p.get("childcare_places")
            else rng.randrange(2, 8)
        )
        facilities.append(
            Facility(
                kind=kind,
                name=name[:120],
                operator=op,
                licence=f"{'民养' if kind in PUBLIC_KINDS else '备'}{rng.randrange(10**7):07d}",
                address=f"{place}路{rng.randrange(1, 300)}号",
                region_code=c.code,
                latitude=round(c.latitude + rng.gauss(0, 0.004), 6),
                longitude=round(c.longitude + rng.gauss(0, 0.0045), 6),
                opening_hours=HOURS[kind],
                services=SERVICES[kind],
                phone=f"0571-8{rng.randrange(10**6):06d}",
                status=status,
                filed_on=filed_on,
                closed_on=today - datetime.timedelta(days=rng.randrange(1, 50))
                if status == FilingStatus.CLOSED
                else None,
                beds_general=p.get("beds_general", 0),
                beds_nursing=p.get("beds_nursing", 0),
                beds_cognitive=p.get("beds_cognitive", 0),
                childcare_places=p.get("childcare_places", 0),
                childcare_places_puhui=p.get("childcare_places_puhui", 0),
                childcare_fee_monthly=round(rng.uniform(1200, 2200), -1)
                if p.get("childcare_places")
                else None,
                staff_count=staff,
                caregiver_count=max(1, round(staff * 0.7)),
            )
        )
    with transaction.atomic():
        Facility.objects.bulk_create(facilities, batch_size=2000)
        filings = []
        for f in facilities:
            f.filing_number = f"{f.region_code[:6]}-{f.filed_on.year}-{f.pk:06d}" if f.filed_on else ""
            docs = {code: f"{code}-{f.pk}" for code in standards.REQUIRED_FOR_NEW[f.kind]}
            if f.status == FilingStatus.RETURNED:
                docs.pop(standards.REQUIRED_FOR_NEW[f.kind][-1])
            if f.status == FilingStatus.PENDING and rng.random() < 0.3:
                docs.pop(standards.REQUIRED_FOR_NEW[f.kind][0])  # the reviewer will have to return it
            state = {
                str(FilingStatus.PENDING): FilingState.PENDING,
                str(FilingStatus.RETURNED): FilingState.RETURNED,
            }.get(f.status, FilingState.APPROVED)
            filings.append(
                FilingModel(
                    facility=f,
                    region_code=f.region_code,
                    kind=FilingKind.NEW,
                    state=state,
                    documents=docs,
                    changes={"name": f.name, "beds": f.beds_total, "childcare_places": f.childcare_places},
                    reasons="缺少" + str(standards.DOCUMENTS[standards.REQUIRED_FOR_NEW[f.kind][-1]])
                    if state == FilingState.RETURNED
                    else "",
                    reviewed_at=timezone.now() if state != FilingState.PENDING else None,
                )
            )
            if f.status == FilingStatus.CLOSED:
                filings.append(
                    FilingModel(
                        facility=f,
                        region_code=f.region_code,
                        kind=FilingKind.CLOSURE,
                        state=FilingState.APPROVED,
                        note="场地租约到期，停止运营",
                        documents={"closure_plan": "安置方案"},
                        reviewed_at=timezone.now(),
                    )
                )
        Facility.objects.bulk_update(facilities, ["filing_number"], batch_size=2000)
        FilingModel.objects.bulk_create(filings, batch_size=2000)
    return facilities


def _account(city, operators) -> None:
    """The 机构管理员 demo account: provider admin of the first private operator (its facilities only)."""
    user = User(username="facility", display_name="养老托育机构管理员")
    user.set_password(DEMO_PASSWORD)
    user.save()
    RoleGrant.objects.create(
        user=user,
        role=Role.PROVIDER_ADMIN,
        region=city.districts[0],
        organisation_kind=OrganisationKind.FACILITY_OPERATOR,
        organisation_id=operators["private"][0].pk,
    )
    city.accounts.append(
        (
            str(Role.PROVIDER_ADMIN.label) + "（养老托育机构）",
            "facility",
            DEMO_PASSWORD,
            city.districts[0].name,
        )
    )
    city.facts["facility_operator_id"] = operators["private"][0].pk
