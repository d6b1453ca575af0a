"""The two runs of one parsed rule agree: compiled to SQL over the whole table, and evaluated per
person (and that per-person evaluation agrees with cel-python's own interpreter where CEL is
defined, i.e. when no fact is null)."""

import datetime
import types

import celpy
import pytest
from django.db import transaction
from django.db.models import Case, F, IntegerField, Value, When
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carecircle.benefits import facts as facts_mod
from carecircle.benefits import rules
from carecircle.registry.models import Household, Person, PersonStatus

DAY = datetime.date(2026, 11, 1)
REGIONS = ["339901001001", "339901001002", "339902001001"]
KINDS = ["dibao", "tekun", "shidu", "deceased"]

ages = st.sampled_from([0, 1, 2, 3, 59, 60, 61, 79, 80, 81, 89, 90, 99, 100, 101])
person_st = st.fixed_dictionaries(
    {
        "age": ages,
        "days_older": st.sampled_from([0, 1, 200, 364]),
        "sex": st.sampled_from(["M", "F"]),
        "region": st.sampled_from(REGIONS),
        "level": st.one_of(st.none(), st.integers(0, 4)),
        "household": st.sampled_from([None, 0, 1]),
        # each status: (kind, start offset, end offset or None) in days relative to DAY
        "statuses": st.lists(
            st.tuples(
                st.sampled_from(KINDS),
                st.sampled_from([-400, -1, 0, 1]),
                st.sampled_from([None, -2, -1, 0, 30]),
            ),
            max_size=3,
            unique_by=lambda t: t[0],
        ),
    }
)

int_fact = st.sampled_from(["age", "capability_level", "household_size", "size(statuses)"])
int_lit = st.sampled_from(["0", "1", "2", "3", "60", "80", "90", "100"])
cmp_op = st.sampled_from(["<", "<=", ">", ">=", "==", "!="])


@st.composite
def int_expr(draw):
    a = draw(int_fact)
    if draw(st.booleans()):
        return a
    return (
        f"{a} {draw(st.sampled_from(['+', '-', '*']))} {draw(st.sampled_from(['1', '2', 'household_size']))}"
    )


@st.composite
def leaf(draw):
    kind = draw(st.integers(0, 6))
    if kind == 0:
        return f"{draw(int_expr())} {draw(cmp_op)} {draw(int_lit)}"
    if kind == 1:
        return f"{draw(int_lit)} {draw(cmp_op)} {draw(int_fact)}"
    if kind == 2:
        return f'"{draw(st.sampled_from(KINDS))}" in statuses'
    if kind == 3:
        return f'region.startsWith("{draw(st.sampled_from(["3399", "339901", "339901001002", "339902"]))}")'
    if kind == 4:
        return f'sex {draw(st.sampled_from(["==", "!="]))} "{draw(st.sampled_from(["M", "F"]))}"'
    if kind == 5:
        return f"capability_level {draw(st.sampled_from(['==', '!=']))} null"
    return f"{draw(st.sampled_from(['age', 'capability_level']))} in [{draw(int_lit)}, {draw(int_lit)}]"


def rule_st():
    return st.recursive(
        leaf(),
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["&&", "||"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            inner.map(lambda r: f"!({r})"),
            st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} ? {t[1]} : {t[2]})"),
        ),
        max_leaves=6,
    )


def _fake_assessment(levels: dict[int, int | None]):
    """The capability fact, from a mapping: the SQL side is a CASE over person ids."""

    def level_subquery(day):
        whens = [When(pk=pk, then=Value(v)) for pk, v in levels.items() if v is not None]
        return Case(*whens, default=Value(None), output_field=IntegerField())

    def current_assessments(day):
        return Person.objects.annotate(person_id=F("pk"), final_level=level_subquery(day)).filter(
            final_level__isnull=False
        )

    return types.SimpleNamespace(
        level_subquery=level_subquery,
        current_assessments=current_assessments,
        current_level=lambda person, day: levels[person.pk],
    )


def _make(people) -> dict[int, int | None]:
    homes = [Household.objects.create(region_code=REGIONS[0]) for _ in range(2)]
    levels = {}
    for i, spec in enumerate(people):
        birth = rules.years_before(DAY, spec["age"]) - datetime.timedelta(days=spec["days_older"])
        p = Person.objects.create(
            name=f"p{i}",
            sex=spec["sex"],
            birth_date=birth,
            id_number="x",
            id_hash=f"prop-{i}",
            id_masked="x",
            region_code=spec["region"],
            household=homes[spec["household"]] if spec["household"] is not None else None,
        )
        for kind, start, end in spec["statuses"]:
            valid_from = DAY + datetime.timedelta(days=start)
            valid_to = None if end is None else max(valid_from, DAY + datetime.timedelta(days=end))
            PersonStatus.objects.create(
                person=p,
                region_code=p.region_code,
                kind=kind,
                valid_from=valid_from,
                valid_to=valid_to,
                source="测试",
            )
        levels[p.pk] = spec["level"]
    return levels


class Rollback(Exception):
    pass


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(people=st.lists(person_st, min_size=4, max_size=12), texts=st.lists(rule_st(), min_size=3, max_size=3))
def test_sql_and_per_person_evaluation_agree(people, texts, monkeypatch):
    env = celpy.Environment()
    try:
        with transaction.atomic():
            levels = _make(people)
            monkeypatch.setattr(facts_mod, "_assessment", lambda: _fake_assessment(levels))
            persons = list(Person.objects.prefetch_related("statuses"))
            for text in texts:
                node = rules.parse(text)
                ctx = rules.SqlContext(DAY)
                q = rules.to_q(node, ctx)
                sql = set(
                    facts_mod.annotate(Person.objects.all(), ctx).filter(q).values_list("pk", flat=True)
                )
                python = set()
                for p in persons:
                    facts, _sources = facts_mod.person_facts(p, DAY)
                    result = rules.evaluate(node, facts)
                    if result:
                        python.add(p.pk)
                    if facts["capability_level"] is not None and "null" not in text:
                        # cel-python's own interpreter, where CEL is defined (no null facts)
                        cel = env.program(env.compile(text)).evaluate(celpy.json_to_cel(facts))
                        assert bool(cel) == result, (text, facts)
                assert sql == python, (text, sorted(sql ^ python))
            raise Rollback
    except Rollback:
        pass


def _assess(
    person, level: int, valid_from: datetime.date, valid_to: datetime.date, assessed_on: datetime.date
):

    from tests.assessment.factories import capability_on_file

    capability_on_file(person, level, assessed_on=assessed_on, valid_from=valid_from, valid_to=valid_to)


@pytest.mark.django_db
def test_capability_comparisons_agree_with_the_assessment_module():
    """Every comparison of capability_level with a constant (the SQL side a semi-join with the
    assessments current on the day) selects whom current_level says, person by person: never
    assessed, expired, every level, and two overlapping valid assessments (the newer one counts)."""

    def person(name):
        return Person.objects.create(
            name=name,
            sex="F",
            birth_date=datetime.date(1940, 1, 1),
            id_number="x",
            id_hash=f"cap-{name}",
            id_masked="x",
            region_code=REGIONS[0],
        )

    persons = []
    for level in [None, 0, 1, 2, 3, 4]:
        p = person(f"level-{level}")
        if level is not None:
            _assess(
                p,
                level,
                DAY - datetime.timedelta(days=30),
                DAY + datetime.timedelta(days=300),
                DAY - datetime.timedelta(days=30),
            )
        persons.append(p)
    expired = person("expired")
    _assess(
        expired,
        4,
        DAY - datetime.timedelta(days=400),
        DAY - datetime.timedelta(days=1),
        DAY - datetime.timedelta(days=400),
    )
    overlapping = person("two")
    _assess(
        overlapping,
        1,
        DAY - datetime.timedelta(days=200),
        DAY + datetime.timedelta(days=100),
        DAY - datetime.timedelta(days=200),
    )
    _assess(
        overlapping,
        3,
        DAY - datetime.timedelta(days=10),
        DAY + datetime.timedelta(days=300),
        DAY - datetime.timedelta(days=10),
    )
    everyone = [*persons, expired, overlapping]
    texts = [f"capability_level {op} {n}" for op in ("<", "<=", ">", ">=", "==", "!=") for n in range(-1, 6)]
    texts += [f"{n} {op} capability_level" for op in ("<", "<=", ">", ">=", "==", "!=") for n in range(0, 5)]
    texts += [
        "capability_level in [2, 4]",
        "capability_level in [0]",
        "!(capability_level >= 2)",
        "capability_level >= 2 || capability_level == null",
    ]
    for text in texts:
        node = rules.parse(text)
        ctx = rules.SqlContext(DAY)
        q = rules.to_q(node, ctx)  # first: it tells `annotate` which facts the rule reads
        sql = set(facts_mod.annotate(Person.objects.all(), ctx).filter(q).values_list("pk", flat=True))
        python = {p.pk for p in everyone if rules.evaluate(node, facts_mod.person_facts(p, DAY)[0])}
        assert sql == python, text
