"""The population groups (registry/groups.py), defined once: who is 失能, 高龄, 特殊困难老年人 and
困境儿童 on a day, as the seeds and GB/T 42195-2022 mean them."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from carecircle.assessment.types import CapabilityLevel
from carecircle.core.vault import blind_index, mask_id_number
from carecircle.registry import groups
from carecircle.registry.models import Person, PersonStatus
from carecircle.registry.selectors import population, population_q
from tests.conftest import COMMUNITY_A, id_number


def today() -> datetime.date:
    """The app's date, read while the test runs (never at import, before the test's clock is set)."""
    return timezone.localdate()


def years_ago(years: int, days: int = 10) -> datetime.date:
    anniversary = today().replace(year=today().year - years, day=min(today().day, 28))
    return anniversary - datetime.timedelta(days=days)


@pytest.fixture
def person(db):
    """person(age, *statuses, level=None) -> a registered person (written directly: the registry's
    own age rule is the registry's business, not this table's)."""
    counter = {"n": 0}

    def make(age: int, *statuses: str, level: int | None = None, region_code: str = COMMUNITY_A) -> Person:
        counter["n"] += 1
        birth = years_ago(age)
        number = id_number(birth, counter["n"] * 2)
        p = Person.objects.create(
            name=f"组{counter['n']}",
            sex="F",
            birth_date=birth,
            id_number=number,
            id_hash=blind_index(number),
            id_masked=mask_id_number(number),
            region_code=region_code,
        )
        for kind in statuses:
            PersonStatus.objects.create(
                person=p,
                region_code=region_code,
                kind=kind,
                valid_from=today() - datetime.timedelta(days=30),
                source="测试",
            )
        if level is not None:
            assess(p, level)
        return p

    return make


def assess(p: Person, level: int) -> None:

    from tests.assessment.factories import capability_on_file

    capability_on_file(
        p,
        level,
        assessed_on=today(),
        valid_from=today() - datetime.timedelta(days=30),
        valid_to=today() + datetime.timedelta(days=300),
    )


def members(code: str) -> set[int]:
    return set(population(code=code, day=today()).values_list("pk", flat=True))


def test_the_level_numbers_are_gb_t_42195_grades():
    # the registry writes levels as numbers (it cannot import assessment); each is the grade it names
    assert groups.LEVEL_MILD == CapabilityLevel.MILD == 1
    assert CapabilityLevel(groups.LEVEL_MILD).label == "轻度失能"


def test_every_group_cites_its_source_and_has_a_chinese_label():
    for g in groups.GROUPS.values():
        assert g.citation and str(g.label)
        assert all(str(c.label) for c in g.any_of)


def test_mild_disability_is_disabled(person):
    """GB/T 42195-2022: level 1 轻度失能 is already 失能 (the visit lists used level 2 and worse)."""
    mild, moderate, intact, none = person(70, level=1), person(70, level=2), person(70, level=0), person(70)
    assert members("disabled") == {mild.pk, moderate.pk}
    assert intact.pk not in members("disabled") and none.pk not in members("disabled")


def test_the_newest_valid_assessment_decides(person):
    """As assessment.selectors.current_level reads it: a newer level-0 assessment ends 失能."""

    p = person(70, level=1)
    from tests.assessment.factories import capability_on_file

    capability_on_file(
        p,
        0,
        assessed_on=today() - datetime.timedelta(days=1),
        valid_from=today() - datetime.timedelta(days=1),
        valid_to=today() + datetime.timedelta(days=300),
    )
    assert p.pk not in members("disabled")


def test_senior80(person):
    old, young = person(80), person(79)
    assert old.pk in members("senior80") and young.pk not in members("senior80")


def test_special_difficulty_elders_as_the_seeds_list_them(person):
    """Yizhou 四(四)/三(二)4, Hechuan 二(九), Jiaxing 二(四)12: economic hardship (特困、低保、低保边缘),
    失能、失独、空巢、留守、高龄 (and 独居、重残 in Hechuan)."""
    inside = [
        person(65, "tekun"),
        person(65, "dibao"),
        person(65, "dibao_edge"),
        person(65, "shidu"),
        person(65, "empty_nest"),
        person(65, "left_behind"),
        person(65, "living_alone"),
        person(65, "severe_disability"),
        person(65, level=1),
        person(82),
    ]
    plain = person(65)
    youfu = person(65, "youfu")  # 优抚对象 alone is not a 特殊困难 criterion in the seeds
    got = members("special_difficulty")
    assert {p.pk for p in inside} <= got
    assert plain.pk not in got and youfu.pk not in got


def test_a_child_in_difficulty_is_in_no_elder_group(person):
    """Hangzhou 三(二)2: children in difficulty and orphans up to 18 are their own group; a
    10-year-old left-behind child in difficulty is never a 特殊困难老年人."""
    child = person(10, "child_in_difficulty", "left_behind")
    orphan = person(12, "orphan")
    adult = person(18, "child_in_difficulty")  # no longer a child
    assert adult.pk not in members("child_in_difficulty")
    assert members("child_in_difficulty") == {child.pk, orphan.pk}
    for code, g in groups.GROUPS.items():
        if g.elder:
            assert child.pk not in members(code), code


def test_a_person_who_died_is_in_no_group(person):
    p = person(85, "tekun")
    PersonStatus.objects.create(
        person=p,
        region_code=p.region_code,
        kind="deceased",
        valid_from=today() - datetime.timedelta(days=2),
        source="测试",
    )
    assert p.pk not in members("senior80") and p.pk not in members("special_difficulty")


def test_unknown_group_is_refused_with_its_field(db):
    from carecircle.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as err:
        population_q("nobody", today())
    assert err.value.field == "group"


def test_every_module_reads_disabled_from_the_table(person):
    """失能 is level 1 and worse everywhere it is decided: the care-visit rounds and lists (they
    used level 2: a 轻度失能 older person dropped out of the 失能 visit group; Hechuan 二(九) and
    Jiaxing 二(四)12 visit every 失能 older person), alarm priorities and waiting-list order."""
    from carecircle.alarms import policy
    from carecircle.carevisits import plans
    from carecircle.carevisits.models import VisitGroup
    from carecircle.carevisits.selectors import group_q
    from carecircle.facilities.waiting import _key

    mild, intact = person(70, level=1), person(70, level=0)
    members_ = {pid for pid, _region in plans.group_members(VisitGroup.DISABLED, "339901", today())}
    assert mild.pk in members_ and intact.pk not in members_
    listed = set(Person.objects.filter(group_q(VisitGroup.DISABLED, today())).values_list("pk", flat=True))
    assert listed == {mild.pk}
    assert "disabled" in policy.person_factors(mild, today())
    assert "disabled" not in policy.person_factors(intact, today())
    entry = SimpleNamespace(applied_at=timezone.now(), pk=1)
    assert _key([{"key": "disabled"}], {"capability_level": 1}, entry)[0] == -1  # ranks first
    assert _key([{"key": "disabled"}], {"capability_level": 0}, entry)[0] == 0


def test_the_visit_list_of_special_difficulty_elders_is_the_group(person, users):
    """/carevisits/vulnerable/ lists 特殊困难老年人 as the table defines them: an elder of a 低保边缘
    family is one (economic hardship, Yizhou 四(四)), with the reason shown; a 10-year-old is not."""
    from carecircle.carevisits.selectors import reasons_for, vulnerable_people

    edge, child = person(66, "dibao_edge"), person(10, "child_in_difficulty")
    listed = list(vulnerable_people(user=users["district"], population="elder", day=today()))
    assert edge in listed and child not in listed
    assert reasons_for([edge], today())[edge.pk] == ["低保边缘"]
