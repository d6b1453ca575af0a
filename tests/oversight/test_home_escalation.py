"""Rectification notices reach people (issue 20 item 4): the unit's own admin sees its open notices
on the home page (and no other unit's); a notice past its deadline and not put right is escalated
once to its district, whose officials see it on their home page (the other district's do not),
until the finding closes."""

import datetime

import pytest
from django.utils import timezone

from carecircle.core.models import RoleGrant
from carecircle.core.roles import Role
from carecircle.core.tasks import periodic_tasks
from carecircle.oversight.models import Escalation, FindingState, UnitKind
from carecircle.oversight.services_escalation import findings_escalate
from tests.conftest import COMMUNITY_B, make_user
from tests.oversight.factories import hazard_finding

pytestmark = pytest.mark.django_db


def _admin_of(name, provider_id):
    admin = make_user(name, Role.PROVIDER_ADMIN, "339901000000")
    RoleGrant.objects.filter(user=admin).update(
        organisation_kind="homecare_provider", organisation_id=provider_id
    )
    return admin


def test_the_unit_admin_sees_its_open_notices_on_the_home_page(users, client_for):
    finding = hazard_finding(UnitKind.HOMECARE, 4401)
    own, other = _admin_of("own_admin", 4401), _admin_of("other_admin", 4402)
    page = client_for(own).get("/").content.decode()
    assert (
        "整改通知" in page and "单位4401" in page and "安全出口被锁闭" not in page
    )  # the item, not the text
    assert finding.item.title in page and f"/oversight/findings/{finding.pk}/" in page
    assert "单位4401" not in client_for(other).get("/").content.decode()
    finding.state = FindingState.CLOSED
    finding.save()
    assert "单位4401" not in client_for(own).get("/").content.decode()


def test_an_overdue_notice_is_escalated_once_to_its_district_only(users, client_for):
    finding = hazard_finding(UnitKind.HOMECARE, 4403)
    today = timezone.localdate()
    assert findings_escalate(day=today) == 0  # due today: not overdue yet
    later = today + datetime.timedelta(days=3)
    assert findings_escalate(day=later) == 1
    assert (
        findings_escalate(day=later) == 0 and findings_escalate(day=later + datetime.timedelta(days=1)) == 0
    )
    e = Escalation.objects.get()
    assert e.finding == finding and e.district_code == "339901000000" and e.days_overdue == 3
    page = client_for(users["district"]).get("/").content.decode()
    assert "逾期整改上报" in page and "单位4403" in page and "上报时逾期 3 天" in page
    assert "单位4403" not in client_for(users["district_b"]).get("/").content.decode()
    finding.state = FindingState.CLOSED
    finding.save()
    assert "逾期整改上报" not in client_for(users["district"]).get("/").content.decode()


def test_a_closed_notice_is_never_escalated_and_the_task_is_scheduled(users):
    finding = hazard_finding(UnitKind.HOMECARE, 4404, region_code=COMMUNITY_B)
    finding.state = FindingState.CLOSED
    finding.save()
    assert findings_escalate(day=timezone.localdate() + datetime.timedelta(days=30)) == 0
    assert "oversight.findings_escalate_daily" in periodic_tasks()


def test_the_inspector_sees_answers_waiting_on_the_home_page(users, client_for):
    from carecircle.oversight.models import Answer

    finding = hazard_finding(UnitKind.HOMECARE, 4405)
    Answer.objects.create(finding=finding, text="已整改", evidence="x.jpg", by=users["provider"])
    finding.state = FindingState.ANSWERED
    finding.save()
    page = client_for(users["inspector"]).get("/").content.decode()
    assert "我的检查任务" in page and "整改待验收" in page and "单位4405" in page
    outsider = make_user("insp_b", Role.INSPECTOR, "339902000000")
    assert "单位4405" not in client_for(outsider).get("/").content.decode()


def test_a_notice_answered_in_time_waits_for_the_inspector_and_is_not_escalated(users):
    from carecircle.oversight.models import Answer

    finding = hazard_finding(UnitKind.HOMECARE, 4406)
    Answer.objects.create(finding=finding, text="已整改", evidence="x.jpg", by=users["provider"])
    finding.state = FindingState.ANSWERED
    finding.save()
    assert findings_escalate(day=timezone.localdate() + datetime.timedelta(days=5)) == 0
    finding.state = FindingState.OPEN  # sent back: the unit has to put it right again
    finding.save()
    assert findings_escalate(day=timezone.localdate() + datetime.timedelta(days=5)) == 1
