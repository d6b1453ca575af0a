"""Taking a worker off a roster shift (issue 21, 2) from both sides: another employer's admin and an
official of another district are refused and the shift stays; the worker's employer's admin, and an
official over the workplace, remove it, audited once."""

import datetime

from carecircle.core.models import AuditEvent
from carecircle.workforce import services
from carecircle.workforce.models import Shift
from tests.childcare.conftest import today
from tests.workforce.test_register_pages import two_employers  # noqa: F401  (shared fixture)


def _shift(actor, worker, unit, start=8):
    return services.shift_assign(
        actor=actor,
        worker=worker,
        unit_id=unit.pk,
        day=today(),
        start=datetime.time(start),
        end=datetime.time(start + 4),
    )


def test_remove_a_shift_from_both_sides(client_for, users, nursery, two_employers):  # noqa: F811
    t = two_employers
    shift = _shift(t["mine"], t["my_worker"], nursery)
    url = f"/workforce/roster/shifts/{shift.pk}/remove/"
    for outsider in (t["theirs_admin"], users["district_b"]):
        assert client_for(outsider).post(url).status_code in (403, 404)
    assert client_for(users["street"]).post(url).status_code == 403  # sees it, may not change it
    assert client_for(t["mine"]).get(url).status_code == 405  # a change is a POST
    assert Shift.objects.filter(pk=shift.pk).exists()
    page = client_for(t["mine"]).get(f"/workforce/roster/?workplace={nursery.pk}&day={today()}")
    assert url in page.content.decode()
    r = client_for(t["mine"]).post(url)
    assert r.status_code == 302 and f"workplace={nursery.pk}" in r["Location"]
    assert not Shift.objects.filter(pk=shift.pk).exists()
    assert AuditEvent.objects.filter(action="shift.remove", object_id=str(shift.pk)).count() == 1
    assert client_for(t["mine"]).post(url).status_code == 404  # gone: nothing removed twice
    again = _shift(t["mine"], t["my_worker"], nursery, start=13)
    r = client_for(users["district"]).post(f"/workforce/roster/shifts/{again.pk}/remove/")
    assert r.status_code == 302 and not Shift.objects.exists()
