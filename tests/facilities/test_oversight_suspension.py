"""A major hazard found by oversight (issue #20 item 4) stops new admissions to the facility until
the rectification is accepted."""

import datetime

import pytest
from django.utils import timezone

from carecircle.core.errors import Conflict
from carecircle.facilities import services
from carecircle.oversight.models import FindingState
from tests.oversight.factories import hazard_finding

pytestmark = pytest.mark.django_db


def test_a_major_hazard_blocks_a_new_admission_and_lifting_it_unblocks(make_facility, users, make_person):
    facility = make_facility("nursing_public", name="东湖社会福利院", beds_general=2)
    services.beds_add(actor=users["admin"], facility=facility, kind="general", count=2)
    finding = hazard_finding("facility", facility.pk)
    person = make_person(age=82)
    today = timezone.localdate()
    with pytest.raises(Conflict) as refused:
        services.stay_admit(actor=users["admin"], facility=facility, person=person, day=today)
    assert "重大隐患" in str(refused.value.message)
    finding.state = FindingState.CLOSED
    finding.save()
    stay = services.stay_admit(actor=users["admin"], facility=facility, person=person, day=today)
    assert stay.pk and stay.admitted_on <= today + datetime.timedelta(days=0)
