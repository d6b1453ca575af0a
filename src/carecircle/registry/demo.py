"""The synthetic city's people: older people and infants with valid ID numbers, homes near their
community, statuses at plausible rates (with history), family contacts and households."""

import datetime

from django.db import connection, transaction

from carecircle.core import names
from carecircle.core.demo import City, Progress
from carecircle.core.vault import blind_index, encrypt, mask_address, mask_id_number, mask_phone
from carecircle.registry.identity import with_check_digit
from carecircle.registry.models import FamilyContact, Household, Person, PersonStatus, StatusKind

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
# Birth places of ID numbers: Zhejiang codes valid from the 1980s, plus other provinces (migrants).
BIRTH_PLACES = ["330102", "330103", "330104", "330105", "330106", "330122", "330127", "330204", "330302",
                "330402", "330502", "330602", "330702", "340102", "360102", "420102", "510104", "410102"]
# Age shares of the 60+ population by five-year band (China 2020 census, roughly).
ELDER_AGE_BANDS = [(60, 0.29), (65, 0.25), (70, 0.19), (75, 0.12), (80, 0.08), (85, 0.045), (90, 0.02), (95, 0.005)]
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
    surname = rng.choices(surnames, weights)[0]
    k = 1 if rng.random() < 0.25 else 2
    return surname + "".join(rng.choice(given_pool) for _ in range(k))


def _phone(rng) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def _elder_birth(rng, today: datetime.date) -> datetime.date:
    start = rng.choices([b for b, _ in ELDER_AGE_BANDS], [w for _, w in ELDER_AGE_BANDS])[0]
    age = start + rng.randrange(5) if start < 95 else 95 + int(rng.expovariate(0.35))
    age = min(age, 108)
    return today - datetime.timedelta(days=age * 365 + rng.randrange(365) + age // 4)


def generate(city: City) -> None:
    rng = city.rng_for("registry")
    surnames = [s for s, _ in names.SURNAMES]
    weights = [w for _, w in names.SURNAMES]
    ids = IdNumbers()
    total = city.elders + city.infants
    progress = Progress(city, "人员", total)
    communities = city.communities
    shares = [rng.uniform(0.6, 1.4) for _ in communities]
    kinds = ["elder"] * city.elders + ["infant"] * city.infants
    done = 0
    status_counts = {}
    while done < total:
        chunk = kinds[done : done + BATCH]
        _write_chunk(city, rng, chunk, communities, shares, ids, surnames, weights, status_counts)
        done += len(chunk)
        progress.add(len(chunk))
    link_family_account(city)
    city.facts["people_seconds"] = progress.seconds
    city.facts["people"] = total
    city.say(f"  人员 {total:,} 人用时 {progress.seconds:.1f} 秒；状况：" + "、".join(
        f"{StatusKind(k).label} {v:,}" for k, v in sorted(status_counts.items())))


def _home(rng, community):
    # Homes scatter around the community centre (about 600 m).
    return (community.latitude + rng.gauss(0, 0.0045), community.longitude + rng.gauss(0, 0.0052))


def _address(rng, community) -> str:
    estate = community.name.replace("社区", "").replace("村", "") + rng.choice(names.ESTATE_SUFFIX)
    return f"{estate}{rng.randrange(1, 40)}幢{rng.randrange(1, 6)}单元{rng.randrange(1, 25)}{rng.randrange(1, 5):02d}室"


def _write_chunk(city, rng, chunk, communities, shares, ids, surnames, weights, status_counts):
    today = city.today
    households, people, statuses, contacts = [], [], [], []
    for kind in chunk:
        community = rng.choices(communities, shares)[0]
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
        household = Household(region_code=community.code, address=encrypt(address), address_masked=mask_address(address))
        households.append(household)
        people.append(Person(
            name=_name(rng, pool, surnames, weights), sex=sex, birth_date=birth,
            id_number=encrypt(number), id_hash=blind_index(number), id_masked=mask_id_number(number),
            phone=encrypt(phone), phone_masked=mask_phone(phone), address=encrypt(address),
            address_masked=mask_address(address), region_code=community.code,
            latitude=round(lat, 6), longitude=round(lng, 6), source="模拟数据", household=household,
        ))
        statuses.append(_statuses_for(rng, kind, today))
        contacts.append(_contacts_for(rng, kind, surnames, weights))
    with transaction.atomic():
        Household.objects.bulk_create(households, batch_size=BATCH)
        for p in people:
            p.household_id = p.household.pk
        created = Person.objects.bulk_create(people, batch_size=BATCH)
        if created and created[0].pk is None:
            raise RuntimeError(f"{connection.vendor} did not return ids from bulk_create")
        status_rows, contact_rows = [], []
        for person, facts, cs in zip(created, statuses, contacts, strict=True):
            for kind, start, end in facts:
                status_counts[kind] = status_counts.get(kind, 0) + (1 if end is None else 0)
                status_rows.append(PersonStatus(
                    person_id=person.pk, region_code=person.region_code, kind=kind, valid_from=start,
                    valid_to=end, source="模拟数据",
                ))
            for name, relation, phone in cs:
                contact_rows.append(FamilyContact(
                    person_id=person.pk, region_code=person.region_code, name=name, relation=relation,
                    phone=encrypt(phone), phone_masked=mask_phone(phone),
                ))
        PersonStatus.objects.bulk_create(status_rows, batch_size=BATCH)
        FamilyContact.objects.bulk_create(contact_rows, batch_size=BATCH)


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
            facts.append((StatusKind.MOVED_AWAY, today - datetime.timedelta(days=rng.randrange(1, 365)), None))
    return facts


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
    from carecircle.core.models import User

    user = User.objects.filter(username="family").first()
    elder = (
        Person.objects.filter(region_code=city.communities[0].code, birth_date__lte=city.today.replace(year=city.today.year - 75))
        .order_by("id")
        .first()
    )
    if user and elder:
        FamilyContact.objects.create(
            person=elder, region_code=elder.region_code, name=user.display_name, relation="女儿",
            phone=encrypt("13900001234"), phone_masked=mask_phone("13900001234"), user=user,
        )
        city.facts["family_elder_id"] = elder.pk
