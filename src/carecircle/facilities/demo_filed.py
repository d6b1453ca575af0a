"""The filed facilities of the synthetic city at work (demo.py builds them): their grades with the
subsidies they bring, beds with residents (older people of the register), and the waiting lists of
public institutions with a few freed beds offered in order."""

import datetime

from django.utils import timezone

from carecircle.core.demo import years_before
from carecircle.facilities import services, standards, waiting
from carecircle.facilities.models import PUBLIC_KINDS, Bed, Evaluation, Stay, WaitingEntry
from carecircle.registry.models import EXIT_STATUSES, Person, PersonStatus, StatusKind


def _grades(city, rng, filed, admin) -> None:
    rows = []
    for f in filed:
        try:
            scheme = services.scheme_for(f.kind)
        except Exception:  # noqa: BLE001 - kinds outside both schemes are not graded
            continue
        if rng.random() < 0.25:
            continue
        quality = rng.betavariate(6, 1.5)
        scores = {
            key: round(maximum * min(1.0, max(0.2, rng.gauss(quality, 0.06))), 1)
            for key, _label, maximum in standards.FORMS[scheme]
        }
        grade, total, reasons = services.grade_for(scheme, scores)
        on = city.today - datetime.timedelta(days=rng.randrange(10, 900))
        years = grade.valid_years if grade else 1
        rows.append(
            Evaluation(
                facility=f,
                region_code=f.region_code,
                scheme=scheme,
                scores={k: str(v) for k, v in scores.items()},
                total=total,
                grade=grade,
                evaluated_on=on,
                valid_from=on,
                valid_to=services._add_years(on, years) - datetime.timedelta(days=1),
                yearly_subsidy=services.subsidy_for(f.kind, grade),
                reasons="\n".join(str(r) for r in reasons),
                evaluated_by=admin,
            )
        )
    Evaluation.objects.bulk_create(rows, batch_size=2000)


def _elder_pool(city, rng, need: int) -> list[tuple[int, str]]:
    exits = PersonStatus.objects.filter(kind__in=EXIT_STATUSES).values("person_id")
    cutoff = years_before(city.today, 70)
    pool = list(
        Person.objects.filter(birth_date__lte=cutoff)
        .exclude(pk__in=exits)
        .values_list("pk", "region_code")[: need * 3]
    )
    rng.shuffle(pool)
    return pool


def _beds_and_stays(city, rng, filed) -> int:
    with_beds = [f for f in filed if f.beds_total]
    beds = []
    for f in with_beds:
        n = 0
        for kind, count in (
            ("general", f.beds_general),
            ("nursing", f.beds_nursing),
            ("cognitive", f.beds_cognitive),
        ):
            prefix = {"general": "A", "nursing": "N", "cognitive": "C"}[kind]
            for _ in range(count):
                n += 1
                beds.append(Bed(facility=f, region_code=f.region_code, code=f"{prefix}{n:04d}", kind=kind))
    Bed.objects.bulk_create(beds, batch_size=5000)
    occupancy = 0.85
    pool = _elder_pool(city, rng, round(len(beds) * occupancy) + 200)
    city.facts["facility_elder_pool"] = pool
    stays, used = [], 0
    for b in beds:
        if used >= len(pool) or rng.random() > occupancy:
            continue
        pk, _rc = pool[used]
        used += 1
        stays.append(
            Stay(
                facility_id=b.facility_id,
                bed=b,
                person_id=pk,
                region_code=b.region_code,
                admitted_on=city.today - datetime.timedelta(days=rng.randrange(1, 1500)),
            )
        )
    Stay.objects.bulk_create(stays, batch_size=5000)
    city.facts["facility_pool_used"] = used
    return len(stays)


def _waiting(city, rng, filed, admin, first_private=None) -> int:
    """Waiting lists at every public institution; the first ones (the demo `facility` account's
    公建民营 institution first) with beds freed and offered in order, one offer left open, and free
    beds left over for the account to admit an applicant found by ID number."""
    public = sorted(
        (f for f in filed if f.kind in PUBLIC_KINDS), key=lambda f: f.operator_id != first_private
    )
    pool = city.facts.get("facility_elder_pool", [])[city.facts.get("facility_pool_used", 0) :]
    tekun = set(
        PersonStatus.objects.filter(kind=StatusKind.TEKUN, valid_to__isnull=True).values_list(
            "person_id", flat=True
        )[:5000]
    )
    pool.sort(key=lambda x: x[0] not in tekun)  # a few 特困 elders are among the applicants
    rows, i = [], 0
    now = timezone.now()
    for f in public:
        for _ in range(rng.randrange(6, 16)):
            if i >= len(pool):
                break
            pk, rc = pool[i]
            i += 1
            rows.append(
                WaitingEntry(
                    facility=f,
                    person_id=pk,
                    region_code=f.region_code,
                    person_region_code=rc,
                    applied_at=now
                    - datetime.timedelta(days=rng.randrange(1, 700), minutes=rng.randrange(1440)),
                    bed_kind=rng.choice(["general", "nursing", "nursing"]),
                    created_by=admin,
                )
            )
    WaitingEntry.objects.bulk_create(rows, batch_size=5000)
    # Free a bed or two at the first public institutions and offer them in order: one declined, one open.
    for f in public[: min(len(public), 6)]:
        freed = 4 if f.operator_id == first_private else 2
        stays = list(Stay.objects.filter(facility=f, discharged_on__isnull=True).order_by("id")[:freed])
        for s in stays:
            services.stay_discharge(
                actor=admin, stay=s, day=city.today - datetime.timedelta(days=3), reason="转院治疗"
            )
        try:
            first = waiting.offer_next(actor=admin, facility=f)
            waiting.offer_respond(actor=admin, offer=first, accept=False, reason="家属希望离家更近的机构")
            waiting.offer_next(actor=admin, facility=f)
        except Exception as exc:  # noqa: BLE001 - no matching free bed: leave the list as it is
            city.say(f"  {f.name}：{exc}")
    return len(rows)
