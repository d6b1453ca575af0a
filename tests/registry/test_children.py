"""The register of children in difficulty and orphans (issue 16, item 2; Hangzhou 三(二)2: 建立健全
困境儿童信息台账，落实定期上门查访；社会散居孤儿、事实无人抚养儿童的家庭走访、监护评估): who may be
registered, the guardianship assessments, the visit plans, and that the children count in no elder
list or indicator."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from carecircle.carevisits import plans
from carecircle.carevisits import selectors as visit_selectors
from carecircle.carevisits import services as visit_services
from carecircle.core.errors import Conflict, InvalidInput, NotFound
from carecircle.core.models import AuditEvent
from carecircle.registry import children, children_services, selectors, services
from carecircle.registry.models import GuardianshipAssessment, PersonStatus, StatusKind
from tests.conftest import COMMUNITY_A, id_number
from tests.registry.scope_factories import make_child


def _birth(age: int) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - age, day=min(today.day, 28)) - datetime.timedelta(days=40)


# ---------------------------------------------------------------- 户籍 and 常住 (item 2a)


def test_huji_changzhu_and_orphan_are_statuses_with_validity(users, make_person):
    person = make_person(age=70)
    today = timezone.localdate()
    services.status_add(
        actor=users["admin"],
        person=person,
        kind="huji",
        valid_from=datetime.date(1990, 1, 1),
        valid_to=today - datetime.timedelta(days=30),
        source="公安户籍",
    )
    services.status_add(
        actor=users["admin"],
        person=person,
        kind="changzhu",
        valid_from=datetime.date(2000, 1, 1),
        source="网格排查",
    )
    held = {s.kind for s in selectors.statuses_on(person, today)}
    assert held == {"changzhu"}  # 户籍 moved out a month ago; still living here
    assert StatusKind("huji").label == "本地户籍" and StatusKind("changzhu").label == "本地常住"
    assert StatusKind("orphan").label == "孤儿"


def test_import_file_accepts_huji_changzhu_and_children_in_difficulty(users):
    from carecircle.registry.imports import ImportContext, parse_row
    from carecircle.registry.models import ImportJob

    job = ImportJob.objects.create(
        file_name="a.csv", stored_path="/x", region_code=COMMUNITY_A, created_by=users["street"]
    )
    ctx = ImportContext(job, users["street"])
    elder = parse_row(
        ctx,
        2,
        {
            "name": "王大爷",
            "id_number": id_number(_birth(70), 11),
            "region_code": COMMUNITY_A,
            "statuses": "户籍、本地常住",
        },
    )
    assert elder["kinds"] == ["huji", "changzhu"]
    child = parse_row(
        ctx,
        3,
        {
            "name": "小明",
            "id_number": id_number(_birth(10), 12),
            "region_code": COMMUNITY_A,
            "statuses": "孤儿",
        },
    )
    assert child["kinds"] == ["orphan"]
    with pytest.raises(InvalidInput, match="困境儿童或孤儿") as refused:
        parse_row(
            ctx,
            4,
            {
                "name": "小红",
                "id_number": id_number(_birth(10), 13),
                "region_code": COMMUNITY_A,
                "statuses": "本地常住",
            },
        )
    assert refused.value.field == "身份证号"


# ---------------------------------------------------------------- who may be registered (item 2b)


def test_a_ten_year_old_is_refused_unless_registered_as_a_child_in_difficulty(users):
    with pytest.raises(InvalidInput, match="3至17岁的儿童仅在登记为困境儿童或孤儿时录入") as refused:
        services.person_create(
            actor=users["admin"], name="小明", id_number=id_number(_birth(10)), region_code=COMMUNITY_A
        )
    assert refused.value.field == "id_number"
    child = make_child(users, age=10, name="小明")
    assert selectors.person_age(child) == 10
    assert [s.kind for s in child.statuses.all()] == ["child_in_difficulty"]
    assert AuditEvent.objects.filter(action="person.create", object_id=str(child.pk)).exists()
    assert AuditEvent.objects.filter(action="status.add", object_id=str(child.pk)).exists()


@pytest.mark.parametrize("age", [3, 17])
def test_the_register_holds_children_from_3_to_17(users, age):
    child = make_child(users, age=age, kind="orphan")
    assert child.statuses.get().kind == "orphan"


def test_an_adult_is_not_a_child_in_difficulty(users):
    with pytest.raises(InvalidInput, match="未满18周岁") as refused:
        children_services.child_register(
            actor=users["admin"],
            name="张三",
            id_number=id_number(_birth(18)),
            region_code=COMMUNITY_A,
            kind="orphan",
        )
    assert refused.value.field == "id_number"
    with pytest.raises(InvalidInput, match="仅登记60岁及以上"):  # the working-age rule is unchanged
        services.person_create(
            actor=users["admin"], name="张三", id_number=id_number(_birth(30)), region_code=COMMUNITY_A
        )


def test_child_registration_checks_kind_and_date_and_leaves_nothing_behind(users):
    with pytest.raises(InvalidInput) as refused:
        children_services.child_register(
            actor=users["admin"],
            name="小明",
            id_number=id_number(_birth(10)),
            region_code=COMMUNITY_A,
            kind="tekun",
        )
    assert refused.value.field == "kind"
    with pytest.raises(InvalidInput) as refused:
        children_services.child_register(
            actor=users["admin"],
            name="小明",
            id_number=id_number(_birth(10)),
            region_code=COMMUNITY_A,
            kind="orphan",
            valid_from=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert refused.value.field == "valid_from"
    assert not PersonStatus.objects.exists()


def test_infants_and_elders_are_registered_as_before(users, make_person):
    assert make_person(age=1).statuses.count() == 0
    assert make_person(age=75).statuses.count() == 0


def test_registering_a_child_outside_the_users_regions_is_refused(users):
    from carecircle.core.errors import Forbidden

    with pytest.raises((Forbidden, NotFound)):
        children_services.child_register(
            actor=users["street_b"],
            name="小明",
            id_number=id_number(_birth(10)),
            region_code=COMMUNITY_A,
            kind="child_in_difficulty",
        )


# ---------------------------------------------------------------- guardianship assessments (item 2c)


def test_a_guardianship_assessment_is_recorded_with_notes_encrypted(users):
    child = make_child(users)
    record = children_services.guardianship_assess(
        actor=users["community"],
        person=child,
        guardian_name="李奶奶",
        relation="grandparent",
        assessed_on=timezone.localdate(),
        outcome="intervene",
        guardian_phone="13912345678",
        notes="父母外出务工，祖母年迈多病，建议落实委托照护",
    )
    assert record.guardian_phone_masked == "139****5678"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT notes, guardian_phone FROM registry_guardianshipassessment WHERE id = %s", [record.pk]
        )
        notes, phone = cursor.fetchone()
    assert notes.startswith("v1:") and "祖母" not in notes and "13912345678" not in phone
    event = AuditEvent.objects.get(action="guardianship.assess")
    assert event.detail["outcome"] == "intervene" and "李奶奶" not in str(event.detail)
    rows = children.children_in_difficulty(user=users["street"])
    assert [(p.pk, p.last_outcome, p.last_guardian) for p in rows] == [(child.pk, "intervene", "李奶奶")]


@pytest.mark.parametrize(
    "field,changes",
    [
        ("guardian_name", {"guardian_name": " "}),
        ("relation", {"relation": "neighbour"}),
        ("outcome", {"outcome": "fine"}),
        ("assessed_on", {"assessed_on": datetime.date(2100, 1, 1)}),
        ("guardian_phone", {"guardian_phone": "abc"}),
    ],
)
def test_a_bad_assessment_names_its_field(users, field, changes):
    child = make_child(users)
    values = {
        "guardian_name": "李奶奶",
        "relation": "grandparent",
        "assessed_on": timezone.localdate(),
        "outcome": "good",
    } | changes
    with pytest.raises(InvalidInput) as refused:
        children_services.guardianship_assess(actor=users["admin"], person=child, **values)
    assert refused.value.field == field
    assert not GuardianshipAssessment.objects.exists()


def test_an_assessment_is_only_for_a_child_on_the_register(users, make_person):
    elder = make_person(age=75)
    with pytest.raises(Conflict, match="困境儿童台账"):
        children_services.guardianship_assess(
            actor=users["admin"],
            person=elder,
            guardian_name="某某",
            relation="other",
            assessed_on=timezone.localdate(),
            outcome="good",
        )


def test_an_outsider_cannot_assess_or_see_a_child(users):
    from carecircle.core.errors import Forbidden

    child = make_child(users)
    with pytest.raises((Forbidden, NotFound)):
        children_services.guardianship_assess(
            actor=users["street_b"],
            person=child,
            guardian_name="某某",
            relation="other",
            assessed_on=timezone.localdate(),
            outcome="good",
        )
    with pytest.raises(NotFound):
        children.child_get(user=users["street_b"], child_id=child.pk)
    assert not children.children_in_difficulty(user=users["street_b"]).exists()


# ---------------------------------------------------------------- the list's filters


def test_the_list_filters_by_kind_outcome_and_region(users, make_person):
    a = make_child(users, kind="child_in_difficulty", name="甲")
    b = make_child(users, kind="orphan", name="乙", region_code="339901002001")
    make_person(age=1)  # an infant without a child status is not on the register
    ended = make_child(users, name="丙", valid_from=timezone.localdate() - datetime.timedelta(days=100))
    status = ended.statuses.get()
    services.status_end(
        actor=users["admin"], status=status, valid_to=timezone.localdate() - datetime.timedelta(days=1)
    )
    children_services.guardianship_assess(
        actor=users["admin"],
        person=a,
        guardian_name="王某",
        relation="parent",
        assessed_on=timezone.localdate(),
        outcome="good",
    )

    def names(**kw):
        return [
            p.name
            for p in children.children_in_difficulty(user=users["admin"], filters=children.ChildFilters(**kw))
        ]

    assert names() == ["甲", "乙"]
    assert names(kind="orphan") == ["乙"]
    assert names(outcome="good") == ["甲"]
    assert names(outcome=children.NOT_ASSESSED) == ["乙"]
    assert names(region_code="339901002000") == ["乙"]
    assert children.child_kind_labels([a, b]) == {a.pk: ["困境儿童"], b.pk: ["孤儿"]}
    for bad in ({"kind": "tekun"}, {"outcome": "x"}, {"region_code": "12"}):
        with pytest.raises(InvalidInput):
            names(**bad)


# ---------------------------------------------------------------- visits (item 2c) and elder counts


def test_a_ten_year_old_in_difficulty_is_planned_for_monthly_visits(users):
    """Hangzhou 三(二)2 落实定期上门查访: the 困境儿童 visit group plans a 10-year-old like any member."""
    since = datetime.date(
        2024, 1, 1
    )  # recognised before the month began (plans count members on its first day)
    child = make_child(users, age=10, valid_from=since)
    orphan = make_child(users, age=12, kind="orphan", valid_from=since)
    visit_services.rule_set(
        actor=users["admin"], region_code="339900000000", group="child_in_difficulty", frequency="monthly"
    )
    visit_services.rule_set(
        actor=users["admin"], region_code="339900000000", group="orphan", frequency="monthly"
    )
    today = timezone.localdate()
    plans.generate("3399", today.year, today.month)
    from carecircle.carevisits.models import VisitPlan

    assert VisitPlan.objects.filter(person=child).count() == 1
    assert VisitPlan.objects.get(person=orphan).reasons == "孤儿"
    page = children.home_visits(users["community"], child)
    assert len(page) == 1 and len(page[0].plans) == 1 and page[0].plans[0].record_url
    assert children.home_visits(users["inspector"], child) == []  # no care-visit permission: nothing shown
    # the care-visit module's children list holds them; its elder list does not
    kids = visit_selectors.vulnerable_people(user=users["admin"], population="child")
    assert {child.pk, orphan.pk} <= {p.pk for p in kids}
    elders = visit_selectors.vulnerable_people(user=users["admin"], population="elder")
    assert not {child.pk, orphan.pk} & {p.pk for p in elders}


def test_children_in_difficulty_count_in_no_elder_group(users, make_person):
    make_person(age=75)
    child = make_child(users, age=10)
    services.status_add(
        actor=users["admin"],
        person=child,
        kind="left_behind",
        valid_from=datetime.date(2024, 1, 1),
        source="测试",
    )
    day = timezone.localdate()
    for code in ("elder", "disabled", "senior80", "special_difficulty"):
        assert not selectors.population(code=code, day=day).filter(pk=child.pk).exists(), code
    assert selectors.population(code="child_in_difficulty", day=day).filter(pk=child.pk).exists()
    assert not selectors.person_search(user=users["admin"], group="elder").filter(pk=child.pk).exists()


def test_a_file_row_for_a_child_already_on_the_register_may_leave_the_statuses_out(users):
    from carecircle.registry.imports import ImportContext, parse_row
    from carecircle.registry.models import ImportJob

    child = make_child(users, age=10, valid_from=timezone.localdate() - datetime.timedelta(days=100))
    job = ImportJob.objects.create(
        file_name="a.csv", stored_path="/x", region_code=COMMUNITY_A, created_by=users["street"]
    )
    ctx = ImportContext(job, users["street"])
    row = parse_row(
        ctx,
        2,
        {
            "name": child.name,
            "id_number": child.id_number,
            "region_code": COMMUNITY_A,
            "phone": "13812345678",
        },
    )
    assert row["kinds"] == []
    status = child.statuses.get()
    services.status_end(
        actor=users["admin"], status=status, valid_to=timezone.localdate() - datetime.timedelta(days=1)
    )
    ctx = ImportContext(
        job, users["street"]
    )  # once off the register, the row is refused like any 10-year-old
    with pytest.raises(InvalidInput, match="困境儿童或孤儿"):
        parse_row(ctx, 2, {"name": child.name, "id_number": child.id_number, "region_code": COMMUNITY_A})
