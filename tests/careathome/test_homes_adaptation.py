"""Home adaptation cases through the services: the path from application to the subsidy paid once,
and every bad input of issue 22 refused with nothing half-saved (Jiaxing 二(一)4, Qujing 二(二),
Hechuan 二(七))."""

from decimal import Decimal

import pytest
from django.utils import timezone

from carecircle.benefits.models import LedgerEntry
from carecircle.benefits.selectors import ledger_check
from carecircle.careathome import adaptation_services as svc
from carecircle.careathome import homes_reference, homes_selectors
from carecircle.careathome.models.homes import AdaptationCase, AdaptationItem, CaseStatus, ItemKind
from carecircle.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.careathome.homes_helpers import eligible_person, photo, setup_programme
from tests.conftest import COMMUNITY_A, COMMUNITY_B

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def ready(users):
    setup_programme()
    return svc.contractor_register(
        actor=users["district"],
        name="安居适老工程有限公司",
        credit_code="91330100MA2AAAAA1X",
        region_code="339901000000",
    )


def _to_accepted(users, person, contractor):
    case = svc.case_apply(actor=users["community"], person=person)
    svc.case_assess(actor=users["community"], case=case, note="卫生间无扶手，地面湿滑", photos=[photo()])
    svc.case_plan(
        actor=users["community"],
        case=case,
        quantities={"floor_antislip": 6, "bath_handrail": 2, "door_sill": 1},
    )
    svc.case_approve(actor=users["district"], case=case, contractor=contractor)
    svc.case_start_works(actor=users["community"], case=case, photos=[photo("before.png")])
    svc.case_accept(
        actor=users["community"],
        case=case,
        photos=[photo("after.png")],
        signature=photo("sign.png"),
        signer="张桂英",
    )
    case.refresh_from_db()
    return case


def test_catalogue_is_the_cited_part_of_the_national_list_and_says_what_is_missing(ready):
    basic = set(AdaptationItem.objects.filter(kind=ItemKind.BASIC).values_list("name", flat=True))
    assert len(basic) == 7  # 民发〔2020〕86号: 7 basic items
    assert all(i.source for i in AdaptationItem.objects.all())
    # 28 of the 30 in all 7 parts (民发〔2020〕86号 附件), each with a demo price; 2 left to a city's copy
    assert AdaptationItem.objects.count() == 28
    assert len(set(AdaptationItem.objects.values_list("group", flat=True))) == 7
    assert all(homes_selectors.price_of(i, COMMUNITY_A) for i in AdaptationItem.objects.all())
    assert "缺2项" in homes_reference.missing_message()
    item = AdaptationItem.objects.get(code="bath_chair")
    assert homes_selectors.price_of(item, COMMUNITY_A) == Decimal("220.00")


def test_application_to_paid_subsidy_once(users, make_person, ready):
    person = eligible_person(make_person, COMMUNITY_A, "dibao")
    case = _to_accepted(users, person, ready)
    # 6 m² × 120 + 2 × 280 basic = 1,280 subsidised; the sill (optional) 300 is the own share
    assert (case.total, case.subsidy, case.own_share) == (
        Decimal("1580.00"),
        Decimal("1280.00"),
        Decimal("300.00"),
    )
    assert case.cap == Decimal("5000.00") and "低保" in case.tier
    svc.case_pay(actor=users["district"], case=case)
    case.refresh_from_db()
    assert case.status == CaseStatus.PAID
    entry = LedgerEntry.objects.get(key="spend:" + case.ledger_reference)
    assert entry.lines.count() == 2
    assert ledger_check().ok
    with pytest.raises(Conflict, match="不能重复支付"):
        svc.case_pay(actor=users["district"], case=case)
    assert LedgerEntry.objects.filter(key__startswith="spend:adaptation:").count() == 1


def test_not_eligible_refused_nothing_saved(users, make_person, ready):
    person = make_person(region_code=COMMUNITY_A, age=70)  # no hardship, not frail
    with pytest.raises(InvalidInput, match="不符合") as err:
        svc.case_apply(actor=users["community"], person=person)
    assert err.value.field == "person"
    assert not AdaptationCase.objects.exists()


def test_second_open_case_refused(users, make_person, ready):
    person = eligible_person(make_person, COMMUNITY_A)
    svc.case_apply(actor=users["community"], person=person)
    with pytest.raises(InvalidInput, match="已有"):
        svc.case_apply(actor=users["community"], person=person)
    assert AdaptationCase.objects.count() == 1


def test_plan_above_the_cap_refused(users, make_person, ready):
    person = eligible_person(make_person, COMMUNITY_A, "dibao_edge")  # cap 3,000
    case = svc.case_apply(actor=users["community"], person=person)
    svc.case_assess(actor=users["community"], case=case, note="评估", photos=[photo()])
    with pytest.raises(InvalidInput, match="超过本户补贴上限 3000.00") as err:
        svc.case_plan(actor=users["community"], case=case, quantities={"floor_antislip": 30})
    assert err.value.field == "quantities"
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSESSED and not case.lines.exists()


@pytest.mark.parametrize(
    ("quantities", "field"),
    [({}, "quantities"), ({"nonsense": 1}, "quantities"), ({"floor_antislip": -2}, "qty_floor_antislip")],
)
def test_bad_plans_refused(users, make_person, ready, quantities, field):
    person = eligible_person(make_person, COMMUNITY_A)
    case = svc.case_apply(actor=users["community"], person=person)
    svc.case_assess(actor=users["community"], case=case, note="评估", photos=[photo()])
    with pytest.raises(InvalidInput) as err:
        svc.case_plan(actor=users["community"], case=case, quantities=quantities)
    assert err.value.field == field


def test_assessment_needs_a_real_photo(users, make_person, ready):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = svc.case_apply(actor=users["community"], person=eligible_person(make_person, COMMUNITY_A))
    with pytest.raises(InvalidInput, match="照片"):
        svc.case_assess(actor=users["community"], case=case, note="评估", photos=[])
    with pytest.raises(InvalidInput, match="无法识别"):
        svc.case_assess(
            actor=users["community"],
            case=case,
            note="评估",
            photos=[SimpleUploadedFile("x.jpg", b"not an image")],
        )
    case.refresh_from_db()
    assert case.status == CaseStatus.APPLIED and not case.photos.exists()


def test_acceptance_without_photos_refused(users, make_person, ready):
    person = eligible_person(make_person, COMMUNITY_A)
    case = svc.case_apply(actor=users["community"], person=person)
    svc.case_assess(actor=users["community"], case=case, note="评估", photos=[photo()])
    svc.case_plan(actor=users["community"], case=case, quantities={"bath_chair": 1})
    svc.case_approve(actor=users["district"], case=case, contractor=ready)
    svc.case_start_works(actor=users["community"], case=case, photos=[photo()])
    with pytest.raises(InvalidInput, match="改造后照片") as err:
        svc.case_accept(actor=users["community"], case=case, photos=[], signature=photo(), signer="本人")
    assert err.value.field == "photos"
    with pytest.raises(InvalidInput, match="签字") as err:
        svc.case_accept(actor=users["community"], case=case, photos=[photo()], signature=None, signer="本人")
    case.refresh_from_db()
    assert case.status == CaseStatus.WORKS and not case.photos.filter(stage="after").exists()


def test_payment_to_an_unregistered_contractor_refused(users, make_person, ready):
    case = _to_accepted(users, eligible_person(make_person, COMMUNITY_A), ready)
    svc.contractor_deregister(actor=users["district"], contractor=ready)
    with pytest.raises(Conflict, match="不在施工单位名录"):
        svc.case_pay(actor=users["district"], case=case)
    case.refresh_from_db()
    assert (
        case.status == CaseStatus.ACCEPTED
        and not LedgerEntry.objects.filter(key__startswith="spend:adaptation").exists()
    )


def test_approval_with_a_deregistered_contractor_refused(users, make_person, ready):
    person = eligible_person(make_person, COMMUNITY_A)
    case = svc.case_apply(actor=users["community"], person=person)
    svc.case_assess(actor=users["community"], case=case, note="评估", photos=[photo()])
    svc.case_plan(actor=users["community"], case=case, quantities={"bath_chair": 1})
    svc.contractor_deregister(actor=users["district"], contractor=ready)
    with pytest.raises(Conflict, match="名录"):
        svc.case_approve(actor=users["district"], case=case, contractor=ready)


def test_short_fund_refuses_payment_and_changes_nothing(users, make_person):
    setup_programme(amount=Decimal("0"))
    contractor = svc.contractor_register(
        actor=users["district"], name="甲公司", credit_code="91330100MA2AAAAB2X", region_code="339901000000"
    )
    case = _to_accepted(users, eligible_person(make_person, COMMUNITY_A), contractor)
    with pytest.raises(Conflict, match="资金不足"):
        svc.case_pay(actor=users["district"], case=case)
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED and case.ledger_reference == ""


def test_out_of_order_steps_are_conflicts(users, make_person, ready):
    case = svc.case_apply(actor=users["community"], person=eligible_person(make_person, COMMUNITY_A))
    with pytest.raises(Conflict):
        svc.case_pay(actor=users["district"], case=case)
    with pytest.raises(Conflict):
        svc.case_approve(actor=users["district"], case=case, contractor=ready)


def test_scope_both_sides(users, make_person, ready):
    person = eligible_person(make_person, COMMUNITY_A)
    with pytest.raises((Forbidden, NotFound)):
        svc.case_apply(actor=users["community_b"], person=person)
    case = svc.case_apply(actor=users["community"], person=person)  # the insider succeeds
    with pytest.raises(NotFound):
        homes_selectors.case_get(user=users["district_b"], case_id=case.pk)
    assert homes_selectors.case_get(user=users["district"], case_id=case.pk) == case
    assert not homes_selectors.cases(user=users["district_b"]).exists()
    with pytest.raises(Forbidden):  # a community worker applies but does not approve
        svc.case_refuse(actor=users["community"], case=case, reason="无")


def test_rule_finds_eligible_households_sql_equals_python(users, make_person, ready):
    eligible_person(make_person, COMMUNITY_A, "tekun", age=85)
    eligible_person(make_person, COMMUNITY_B, "dibao", age=81)
    make_person(region_code=COMMUNITY_A, age=90)  # frail by age but no hardship
    eligible_person(make_person, COMMUNITY_A, "dibao", age=66)  # hardship but neither 80+ nor assessed
    day = timezone.localdate()
    sql = homes_selectors.eligible_households(region_prefix="3399", day=day)
    py = homes_selectors.eligible_households_python(region_prefix="3399", day=day)
    assert sql == py and sorted(sql.values()) == [Decimal("5000.00"), Decimal("6000.00")]
    made = svc.cases_refer_eligible(actor=users["district"], region_code="339901000000")
    assert made == 1 and AdaptationCase.objects.get().source == "rule"
    assert svc.cases_refer_eligible(actor=users["district"], region_code="339901000000") == 0


def test_figures_count_paid_households_against_qujing_target(users, make_person, ready):
    case = _to_accepted(users, eligible_person(make_person, COMMUNITY_A), ready)
    svc.case_pay(actor=users["district"], case=case)
    figures = homes_selectors.adaptation_figures(user=users["admin"])
    assert figures["target"] == 5000 and figures["done"] == 1
    assert homes_selectors.adaptation_figures(user=users["district_b"])["done"] == 0
    today = timezone.localdate()
    assert homes_selectors.paid_counts(["339901", "339902"], today) == {"339901": 1, "339902": 0}
    # planning's indicator E44 (Qujing 二(二): 5,000 households) is computed from these records
    from carecircle.planning import computations
    from carecircle.planning.models import Indicator

    assert Indicator.objects.get(code="E44").numerator == "adaptations_paid"
    assert computations.evaluate("adaptations_paid", ["339901", "339902"], today) == {
        "339901": 1.0,
        "339902": 0.0,
    }
