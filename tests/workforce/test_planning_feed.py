"""Planning's 托育从业人员持证上岗率 (C11) is read live from the register (issue 21, items 4-5):
childcare staff employed on the day under a region, and those holding a valid childcare
certificate, counted by hand; no longer a hand-entered figure."""

import datetime

from carecircle.planning import indicators as planning_indicators
from carecircle.planning.computations import evaluate, is_known
from carecircle.planning.models import Indicator
from carecircle.workforce import services
from carecircle.workforce.models import Caregiver
from tests.childcare.conftest import today
from tests.conftest import COMMUNITY_A
from tests.workforce.test_register_pages import two_employers  # noqa: F401  (shared fixture)

DISTRICT_A, DISTRICT_B = "339901000000", "339902000000"


def test_c11_is_computed_from_the_register(users, nursery, two_employers):  # noqa: F811
    t = two_employers  # two 保育人员 of region A, each with a valid 保育师 certificate and 健康证
    day = today()
    uncertified = services.worker_register(  # a 育婴员 with a 健康证 only: counted, not certified
        actor=t["mine"],
        employer_kind="facility_operator",
        organisation_id=nursery.operator_id,
        unit_id=nursery.pk,
        role="infant_carer",
        region_code=COMMUNITY_A,
        name="无证育婴员",
        employed_from=datetime.date(2024, 1, 1),
    )
    services.certificate_add(
        actor=t["mine"], caregiver=uncertified, kind="health", valid_from=datetime.date(2024, 1, 1)
    )
    left = services.worker_register(  # left before the day: not counted at all
        actor=t["mine"],
        employer_kind="facility_operator",
        organisation_id=nursery.operator_id,
        unit_id=nursery.pk,
        role="childcare_carer",
        region_code=COMMUNITY_A,
        name="已离职保育员",
        employed_from=datetime.date(2024, 1, 1),
    )
    Caregiver.objects.filter(pk=left.pk).update(employed_to=day - datetime.timedelta(days=1))
    assert is_known("childcare_staff") and is_known("childcare_staff_certified")
    prefixes = ["339901", "339902"]
    # by hand: region A has 3 childcare staff employed today (本园保育员, 他园保育员, 无证育婴员), 2 certified
    assert evaluate("childcare_staff", prefixes, day) == {"339901": 3.0, "339902": 0.0}
    assert evaluate("childcare_staff_certified", prefixes, day) == {"339901": 2.0, "339902": 0.0}
    c11 = Indicator.objects.get(code="C11")
    assert c11.computed and (c11.numerator, c11.denominator) == (
        "childcare_staff_certified",
        "childcare_staff",
    )
    out = planning_indicators.compute([c11], [DISTRICT_A, DISTRICT_B], day)["C11"]
    assert round(out[DISTRICT_A].value, 2) == round(2 / 3 * 100, 2) and not out[DISTRICT_A].manual
    assert out[DISTRICT_B].value is None and out[DISTRICT_B].denominator == 0
