"""A person's facts as of a day, two ways: as SQL annotations on Person (whole population) and
as a dict for one person (with the source of each fact, for the trace).

The capability level comes from the assessment module when it is installed
(`assessment.selectors.level_subquery(day)` / `current_level(person, day)`); without it the fact
is null for everyone, so rules on it simply do not match.
"""

import datetime

from django.db.models import Count, FloatField, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, ExtractDay, ExtractMonth, ExtractYear, Floor

from carecircle.core.ages import age_on
from carecircle.core.vault import shown_age_range, shown_birth
from carecircle.registry.models import Person, PersonStatus, StatusKind


def _assessment():
    try:
        from carecircle.assessment import selectors  # noqa: PLC0415 — an optional library: absent is handled here
    except ImportError:
        return None
    if not all(hasattr(selectors, f) for f in ("level_subquery", "current_level", "current_assessments")):
        return None
    return selectors


def capability_available() -> bool:
    return _assessment() is not None


def current_levels(day: datetime.date):
    """The assessment module's current assessments on `day` (fields person_id, final_level; at
    most one row per person), or None when the module is absent."""
    sel = _assessment()
    return None if sel is None else sel.current_assessments(day)


def held_on(day: datetime.date):
    """Status rows in force on `day` (from valid_from to valid_to, both included)."""
    return PersonStatus.objects.filter(valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def annotate(qs, ctx):
    """Add the annotations the compiled rule asked for (ctx.needed) to a Person queryset."""
    day = ctx.day
    needed = ctx.needed
    if "age" in needed:
        born = ExtractYear("birth_date") * 10000 + ExtractMonth("birth_date") * 100 + ExtractDay("birth_date")
        today = day.year * 10000 + day.month * 100 + day.day
        # Whole years: floor((YYYYMMDD(day) - YYYYMMDD(birth)) / 10000). PostgreSQL's EXTRACT gives
        # numeric, so the division is not an integer division there: floor it explicitly.
        years = (Value(today) - born) / Value(10000.0, output_field=FloatField())
        qs = qs.annotate(f_age=Cast(Floor(years), output_field=IntegerField()))
    if "capability_level" in needed:
        sel = _assessment()
        if sel is not None:
            qs = qs.annotate(f_capability_level=sel.level_subquery(day))
        else:
            qs = qs.annotate(f_capability_level=Value(None, output_field=IntegerField()))
    if "household_size" in needed:
        members = (
            Person.objects.filter(household_id=OuterRef("household_id"))
            .order_by()
            .values("household_id")
            .annotate(c=Count("pk"))
            .values("c")
        )
        qs = qs.annotate(f_household_size=Coalesce(Subquery(members, output_field=IntegerField()), Value(1)))
    if "statuses_count" in needed:
        counted = (
            held_on(day)
            .filter(person_id=OuterRef("pk"))
            .order_by()
            .values("person_id")
            .annotate(c=Count("kind", distinct=True))
            .values("c")
        )
        qs = qs.annotate(f_statuses_count=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0)))
    return qs


def shown(facts: dict, person, day: datetime.date) -> dict:
    """Facts as pages and the API show them: the age as a masked view may state it (core/vault.py;
    the exact age next to the birth month would tell whether the birthday has passed)."""
    birth = getattr(person, "birth_date", None)
    if "age" not in facts or birth is None:
        return facts
    return {**facts, "age": shown_age_range(birth, day)}


def person_facts(person: Person, day: datetime.date) -> tuple[dict, dict]:
    """(facts, sources): the values a rule reads about `person` on `day`, and where each came from."""
    held = [
        s for s in person.statuses.all() if s.valid_from <= day and (s.valid_to is None or s.valid_to >= day)
    ]
    statuses = sorted({s.kind for s in held})
    level, level_source = None, "未评估"
    sel = _assessment()
    if sel is not None:
        level = sel.current_level(person, day)
        level_source = "能力评估" if level is not None else "无有效评估"
    else:
        level_source = "能力评估模块未启用"
    household_size = (
        Person.objects.filter(household_id=person.household_id).count() if person.household_id else 1
    )
    facts = {
        "age": age_on(person.birth_date, day),
        "sex": person.sex,
        "region": person.region_code,
        "statuses": statuses,
        "capability_level": level,
        "household_size": household_size,
    }
    sources = {
        "age": f"出生年月 {shown_birth(person.birth_date)}（身份证号）",  # the day is not shown (core/vault.py)
        "sex": "身份证号",
        "region": "人员信息库·所属社区",
        "statuses": "；".join(
            f"{StatusKind(s.kind).label}：{s.source}，{s.valid_from:%Y-%m-%d}起"
            + (f"至{s.valid_to:%Y-%m-%d}" if s.valid_to else "")
            for s in held
        )
        or "无",
        "capability_level": level_source,
        "household_size": "人员信息库·家庭户" if person.household_id else "未登记家庭户",
    }
    return facts, sources
