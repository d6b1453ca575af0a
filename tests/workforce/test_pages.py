"""The caregiver pages follow "Writing a page": a bad value is shown on the form (422), a refusal is
the error page, success redirects."""

from carecircle.core.models import RoleGrant
from carecircle.workforce.models import Caregiver, Certificate
from tests.conftest import COMMUNITY_A


def _provider(users):
    RoleGrant.objects.filter(user=users["provider"]).update(
        organisation_kind="homecare_provider", organisation_id=501
    )
    return users["provider"]


def test_register_a_caregiver_and_a_certificate_through_the_pages(users, client_for):
    c = client_for(_provider(users))
    r = c.post(
        _url("workforce:caregiver_create"),
        {
            "organisation_id": "501",
            "name": "王护理",
            "region_code": COMMUNITY_A,
            "employed_from": "2024-01-01",
        },
    )
    assert r.status_code == 302
    carer = Caregiver.objects.get(name="王护理")
    bad = c.post(
        _url("workforce:certificate_add", carer.pk), {"kind": "elder_care", "level": "2", "valid_from": ""}
    )
    assert bad.status_code == 422 and "请填写有效期起" in bad.content.decode()
    assert bad.context["failed"].errors["valid_from"] == ["请填写有效期起"]
    no_level = c.post(
        _url("workforce:certificate_add", carer.pk), {"kind": "elder_care", "valid_from": "2024-01-01"}
    )
    assert no_level.status_code == 422 and "养老护理员证书须填写等级（1-5）" in no_level.content.decode()
    ok = c.post(
        _url("workforce:certificate_add", carer.pk),
        {"kind": "elder_care", "level": "2", "valid_from": "2024-01-01"},
    )
    assert ok.status_code == 302 and Certificate.objects.filter(caregiver=carer, level=2).count() == 1


def test_another_organisation_is_a_form_error_and_nothing_is_saved(users, client_for):
    c = client_for(_provider(users))
    r = c.post(
        _url("workforce:caregiver_create"),
        {"organisation_id": "777", "name": "李", "region_code": COMMUNITY_A, "employed_from": "2024-01-01"},
    )
    assert r.status_code == 422 and "请选择本机构" in r.content.decode()
    assert not Caregiver.objects.exists()


def _url(name, *args):
    from django.urls import reverse

    return reverse(name, args=args)
