"""The synthetic city's people: older people and infants with valid ID numbers, homes near their
community, statuses at plausible rates (with history), 户籍 and 常住 (locals, migrants, people living
elsewhere), family contacts and households; and a few dozen children in difficulty and orphans with
their guardians and guardianship assessments."""

import datetime
import itertools

from django.db import transaction
from django.utils import timezone

from carecircle.core import names
from carecircle.core.bulk import allocate_ids, insert_rows, reset_sequences
from carecircle.core.demo import City, Progress, years_before
from carecircle.core.models import User
from carecircle.core.vault import blind_index, encrypt, mask_address, mask_id_number, mask_phone, phone_index
from carecircle.registry.identity import with_check_digit
from carecircle.registry.models import (
    FamilyContact,
    GuardianRelation,
    GuardianshipAssessment,
    Household,
    LinkBasis,
    LinkEvidence,
    LinkState,
    Person,
    PersonStatus,
    StatusKind,
)

ORDER = 10

# Share of older people holding each status (rough national/provincial magnitudes).
ELDER_STATUS_RATES = [
    (StatusKind.TEKUN, 0.004),
    (StatusKind.DIBAO, 0.02),
    (StatusKind.DIBAO_EDGE, 0.01),
    (StatusKind.SHIDU, 0.006),
    (StatusKind.YOUFU, 0.015),
    (StatusKind.SEVERE_DISABILITY, 0.025),
    (StatusKind.LEFT_BEHIND, 0.01),
]
LIVING_ALONE_RATE, EMPTY_NEST_RATE = 0.08, 0.22
INFANT_STATUS_RATES = [(StatusKind.CHILD_IN_DIFFICULTY, 0.005), (StatusKind.LEFT_BEHIND, 0.02)]
DECEASED_RATE, MOVED_RATE = 0.01, 0.005
# 户籍 and 常住 (residence facts): most people both; migrants only 常住; some registered here but
# living elsewhere (户籍 only, their 常住 period here ended).
MIGRANT_RATE, AWAY_RATE = 0.12, 0.06
# Children in difficulty and orphans aged 3–17 (Hangzhou 三(二)2), a few dozen at any scale.
CHILDREN_PER_COMMUNITY, CHILDREN_MIN = 0.5, 24
ORPHAN_SHARE = 0.25
GUARDIAN_RELATIONS = [
    ("grandparent", 0.5),
    ("parent", 0.25),
    ("relative", 0.15),
    ("foster", 0.05),
    ("sibling", 0.05),
]
GUARDIANSHIP_OUTCOMES = [("good", 0.7), ("intervene", 0.2), ("lacking", 0.1)]
GUARDIANSHIP_NOTES = {
    "good": ["监护人照料到位，儿童生活学习正常", "家庭关系和睦，按时就学"],
    "intervene": ["监护人年迈多病，照料能力不足，建议落实委托照护", "家庭经济困难，建议申请基本生活补贴"],
    "lacking": ["父母均外出务工且失联，实际无人照料，已报告街道启动临时监护", "监护人服刑，需落实委托监护"],
}
# Birth places of ID numbers: Zhejiang codes valid from the 1980s, plus other provinces (migrants).
BIRTH_PLACES = [
    "330102",
    "330103",
    "330104",
    "330105",
    "330106",
    "330122",
    "330127",
    "330204",
    "330302",
    "330402",
    "330502",
    "330602",
    "330702",
    "340102",
    "360102",
    "420102",
    "510104",
    "410102",
]
# Age shares of the 60+ population by five-year band (China 2020 census, roughly).
ELDER_AGE_BANDS = [
    (60, 0.29),
    (65, 0.25),
    (70, 0.19),
    (75, 0.12),
    (80, 0.08),
    (85, 0.045),
    (90, 0.02),
    (95, 0.005),
]
AGE_BAND_STARTS = [b for b, _ in ELDER_AGE_BANDS]
AGE_BAND_CUM = list(itertools.accumulate(w for _, w in ELDER_AGE_BANDS))
BATCH = 5000


class IdNumbers:
    """Unique, valid ID numbers: sequence per (place, birth date), odd for men, even for women."""

    def __init__(self):
        self.used: dict[tuple[str, str], int] = {}

    def make(self, rng, birth: datetime.date, sex: str) -> str:
        place = rng.choice(BIRTH_PLACES)
        key = (place, birth.strftime("%Y%m%d"))
        n = self.used.get(key, rng.randrange(0, 200) * 2)
        seq = n + (1 if (sex == "M") != (n % 2 == 1) else 0)
        self.used[key] = seq + 1
        return with_check_digit(f"{place}{key[1]}{seq % 1000:03d}")


def _name(rng, given_pool: str, surnames, weights) -> str:
    surname = rng.choices(surnames, cum_weights=weights)[0]
    k = 1 if rng.random() < 0.25 else 2
    return surname + "".join(rng.choice(given_pool) for _ in range(k))


def _phone(rng) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def _elder_birth(rng, today: datetime.date) -> datetime.date:
    start = rng.choices(AGE_BAND_STARTS, cum_weights=AGE_BAND_CUM)[0]
    age = start + rng.randrange(5) if start < 95 else 95 + int(rng.expovariate(0.35))
    age = min(age, 108)
    return today - datetime.timedelta(days=age * 365 + rng.randrange(365) + age // 4)


def generate(city: City) -> None:
    rng = city.rng_for("registry")
    surnames = [s for s, _ in names.SURNAMES]
    # Cumulative weights, computed once: random.choices would otherwise re-add them on every draw.
    weights = list(itertools.accumulate(w for _, w in names.SURNAMES))
    ids = IdNumbers()
    total = city.elders + city.infants
    progress = Progress(city, "人员", total)
    communities = city.communities
    shares = list(itertools.accumulate(rng.uniform(0.6, 1.4) for _ in communities))
    kinds = ["elder"] * city.elders + ["infant"] * city.infants
    done = 0
    status_counts: dict[str, int] = {}
    while done < total:
        chunk = kinds[done : done + BATCH]
        _write_chunk(city, rng, chunk, communities, shares, ids, surnames, weights, status_counts)
        done += len(chunk)
        progress.add(len(chunk))
    link_family_account(city)
    children = children_in_difficulty(city, rng, ids, surnames, weights)
    city.facts["people_seconds"] = progress.seconds
    city.facts["people"] = total
    city.facts["children_in_difficulty"] = children
    city.say(
        f"  人员 {total:,} 人用时 {progress.seconds:.1f} 秒；状况："
        + "、".join(f"{StatusKind(k).label} {v:,}" for k, v in sorted(status_counts.items()))
    )


def _home(rng, community):
    # Homes scatter around the community centre (about 600 m).
    return (community.latitude + rng.gauss(0, 0.0045), community.longitude + rng.gauss(0, 0.0052))


def _address(rng, community) -> str:
    estate = community.name.replace("社区", "").replace("村", "") + rng.choice(names.ESTATE_SUFFIX)
    return f"{estate}{rng.randrange(1, 40)}幢{rng.randrange(1, 6)}单元{rng.randrange(1, 25)}{rng.randrange(1, 5):02d}室"


PERSON_FIELDS = [
    "id",
    "name",
    "sex",
    "birth_date",
    "id_number",
    "id_hash",
    "id_masked",
    "phone",
    "phone_masked",
    "phone_index",
    "address",
    "address_masked",
    "region_code",
    "latitude",
    "longitude",
    "source",
    "household_id",
    "created_at",
    "updated_at",
]


def _write_chunk(city, rng, chunk, communities, shares, ids, surnames, weights, status_counts):
    today = city.today
    now = timezone.now()
    households, people, statuses, contacts = [], [], [], []
    person_ids = allocate_ids(Person, len(chunk))
    household_ids = allocate_ids(Household, len(chunk))
    for kind, pid, hid in zip(chunk, person_ids, household_ids, strict=True):
        community = rng.choices(communities, cum_weights=shares)[0]
        sex = "M" if rng.random() < (0.47 if kind == "elder" else 0.52) else "F"
        if kind == "elder":
            birth = _elder_birth(rng, today)
            pool = names.ELDER_MALE if sex == "M" else names.ELDER_FEMALE
        else:
            birth = today - datetime.timedelta(days=rng.randrange(1, 3 * 365))
            pool = names.INFANT_MALE if sex == "M" else names.INFANT_FEMALE
        number = ids.make(rng, birth, sex)
        address = _address(rng, community)
        phone = _phone(rng) if kind == "elder" and rng.random() < 0.85 else ""
        lat, lng = _home(rng, community)
        households.append((hid, community.code, encrypt(address), mask_address(address), now))
        people.append(
            (
                pid,
                _name(rng, pool, surnames, weights),
                sex,
                birth,
                encrypt(number),
                blind_index(number),
                mask_id_number(number),
                encrypt(phone),
                mask_phone(phone),
                phone_index(phone),
                encrypt(address),
                mask_address(address),
                community.code,
                round(lat, 6),
                round(lng, 6),
                "模拟数据",
                hid,
                now,
                now,
            )
        )
        for status, start, end in _statuses_for(rng, kind, today) + _residence_for(rng, birth, today):
            status_counts[status] = status_counts.get(status, 0) + (1 if end is None else 0)
            statuses.append((pid, community.code, status, start, end, "模拟数据", "", now))
        for name, relation, contact_phone in _contacts_for(rng, kind, surnames, weights):
            contacts.append(
                (
                    pid,
                    community.code,
                    name,
                    relation,
                    encrypt(contact_phone),
                    mask_phone(contact_phone),
                    phone_index(contact_phone),
                    True,
                )
            )
    with transaction.atomic():
        insert_rows(Household, ["id", "region_code", "address", "address_masked", "created_at"], households)
        insert_rows(Person, PERSON_FIELDS, people)
        insert_rows(
            PersonStatus,
            ["person_id", "region_code", "kind", "valid_from", "valid_to", "source", "note", "created_at"],
            statuses,
        )
        insert_rows(
            FamilyContact,
            [
                "person_id",
                "region_code",
                "name",
                "relation",
                "phone",
                "phone_masked",
                "phone_index",
                "is_emergency",
            ],
            contacts,
        )
        reset_sequences(Household, Person)


def _start(rng, today, years=6) -> datetime.date:
    return today - datetime.timedelta(days=rng.randrange(30, 365 * years))


def _statuses_for(rng, kind, today):
    facts = []
    rates = ELDER_STATUS_RATES if kind == "elder" else INFANT_STATUS_RATES
    for status, rate in rates:
        if rng.random() < rate:
            start = _start(rng, today)
            end = None
            if rng.random() < 0.15:  # an ended period stays in the history
                end = start + datetime.timedelta(days=rng.randrange(30, 700))
                end = end if end < today else None
            facts.append((status, start, end))
    if kind == "elder":
        r = rng.random()
        if r < LIVING_ALONE_RATE:
            facts.append((StatusKind.LIVING_ALONE, _start(rng, today), None))
        elif r < LIVING_ALONE_RATE + EMPTY_NEST_RATE:
            facts.append((StatusKind.EMPTY_NEST, _start(rng, today), None))
        r = rng.random()
        if r < DECEASED_RATE:
            facts.append((StatusKind.DECEASED, today - datetime.timedelta(days=rng.randrange(1, 365)), None))
        elif r < DECEASED_RATE + MOVED_RATE:
            facts.append(
                (StatusKind.MOVED_AWAY, today - datetime.timedelta(days=rng.randrange(1, 365)), None)
            )
    return facts


def _residence_for(rng, birth: datetime.date, today: datetime.date):
    """户籍 and 常住 periods: locals hold both from birth; migrants 常住 from their move; people away
    keep their 户籍 here and their 常住 here ended when they left."""
    r = rng.random()
    if r < MIGRANT_RATE:
        moved = max(birth, today - datetime.timedelta(days=rng.randrange(60, 365 * 20)))
        return [(StatusKind.CHANGZHU, moved, None)]
    facts = [(StatusKind.HUJI, birth, None)]
    if r < MIGRANT_RATE + AWAY_RATE:
        left = max(
            birth + datetime.timedelta(days=1), today - datetime.timedelta(days=rng.randrange(30, 365 * 10))
        )
        return [*facts, (StatusKind.CHANGZHU, birth, left)]
    return [*facts, (StatusKind.CHANGZHU, birth, None)]


def _contacts_for(rng, kind, surnames, weights):
    if kind == "infant":
        return [
            (_name(rng, names.ELDER_MALE, surnames, weights), "父亲", _phone(rng)),
            (_name(rng, names.ELDER_FEMALE, surnames, weights), "母亲", _phone(rng)),
        ]
    if rng.random() < 0.7:
        relation = rng.choice(["儿子", "女儿", "儿子", "女儿", "儿媳", "女婿", "侄子"])
        return [(_name(rng, names.ELDER_MALE + names.ELDER_FEMALE, surnames, weights), relation, _phone(rng))]
    return []


def link_family_account(city: City) -> None:
    """The demo's 子女 account is the child of an older person in the first community."""
    user = User.objects.filter(username="family").first()
    elder = (
        Person.objects.filter(
            region_code=city.communities[0].code, birth_date__lte=years_before(city.today, 75)
        )
        .order_by("id")
        .first()
    )
    if user and elder:
        FamilyContact.objects.create(
            person=elder,
            region_code=elder.region_code,
            name=user.display_name,
            relation="女儿",
            phone="13900001234",
            phone_masked=mask_phone("13900001234"),
            user=user,
            # a consented link: recorded by the community worker with the household register seen
            link_state=LinkState.ACTIVE,
            link_basis=LinkBasis.WORKER,
            link_evidence=LinkEvidence.HUKOU,
            link_note="户口簿：与户主关系 女",
            link_requested_at=timezone.now(),
            link_decided_at=timezone.now(),
            link_decided_by=User.objects.filter(username="community").first(),
        )
        city.facts["family_elder_id"] = elder.pk


def children_in_difficulty(city: City, rng, ids: IdNumbers, surnames, weights) -> int:
    """A few dozen children aged 3–17 registered as 困境儿童 or 孤儿, each with a guardian, one to three
    guardianship assessments over the last two years and their residence facts; carevisits' step
    plans their visits (its 困境儿童 and 孤儿 rules)."""
    today = city.today
    count = max(CHILDREN_MIN, round(len(city.communities) * CHILDREN_PER_COMMUNITY))
    relations, relation_weights = zip(*GUARDIAN_RELATIONS, strict=True)
    outcomes, outcome_weights = zip(*GUARDIANSHIP_OUTCOMES, strict=True)
    assessor = User.objects.filter(username="community").first()
    with transaction.atomic():
        for _n in range(count):
            community = rng.choice(city.communities)
            sex = "M" if rng.random() < 0.52 else "F"
            age = rng.randrange(3, 18)
            birth = today - datetime.timedelta(days=age * 365 + rng.randrange(365) + age // 4)
            number = ids.make(rng, birth, sex)
            address, phone = _address(rng, community), _phone(rng)
            lat, lng = _home(rng, community)
            household = Household.objects.create(
                region_code=community.code, address=address, address_masked=mask_address(address)
            )
            person = Person.objects.create(
                name=_name(rng, names.INFANT_MALE if sex == "M" else names.INFANT_FEMALE, surnames, weights),
                sex=sex,
                birth_date=birth,
                id_number=number,
                id_hash=blind_index(number),
                id_masked=mask_id_number(number),
                address=address,
                address_masked=mask_address(address),
                region_code=community.code,
                latitude=round(lat, 6),
                longitude=round(lng, 6),
                source="模拟数据",
                household=household,
            )
            kind = StatusKind.ORPHAN if rng.random() < ORPHAN_SHARE else StatusKind.CHILD_IN_DIFFICULTY
            since = max(birth, today - datetime.timedelta(days=rng.randrange(45, 365 * 5)))
            facts = [(kind, since, None), *_residence_for(rng, birth, today)]
            PersonStatus.objects.bulk_create(
                [
                    PersonStatus(
                        person=person,
                        region_code=community.code,
                        kind=k,
                        valid_from=start,
                        valid_to=end,
                        source="模拟数据：困境儿童排查" if k == kind else "模拟数据",
                    )
                    for k, start, end in facts
                ]
            )
            relation = rng.choices(relations, weights=relation_weights)[0]
            guardian = _name(rng, names.ELDER_MALE + names.ELDER_FEMALE, surnames, weights)
            FamilyContact.objects.create(
                person=person,
                region_code=community.code,
                name=guardian,
                relation=str(GuardianRelation(relation).label),
                phone=phone,
                phone_masked=mask_phone(phone),
            )
            for back in sorted(rng.sample(range(0, 720), rng.randrange(1, 4)), reverse=True):
                outcome = rng.choices(outcomes, weights=outcome_weights)[0]
                GuardianshipAssessment.objects.create(
                    person=person,
                    region_code=community.code,
                    guardian_name=guardian,
                    relation=relation,
                    guardian_phone=phone,
                    guardian_phone_masked=mask_phone(phone),
                    assessed_on=max(since, today - datetime.timedelta(days=back)),
                    outcome=outcome,
                    notes=rng.choice(GUARDIANSHIP_NOTES[outcome]),
                    assessor=assessor,
                    assessor_name="社区儿童主任",
                )
    city.say(f"  困境儿童、孤儿 {count} 人（含监护评估）")
    return count
