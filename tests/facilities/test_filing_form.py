"""The change/closure filing on the facility page is a form with one field per document kind (their
Chinese labels, no `code=value` lines): what the filing needs is required on its own field (422,
nothing saved), and the filing keeps each document under its kind."""

import pytest

from carecircle.facilities import standards
from carecircle.facilities.models import Filing


@pytest.fixture
def home(make_facility):
    return make_facility("nursing_private", name="康乐康养院", beds_general=20, beds_nursing=30)


def test_the_form_has_one_labelled_field_per_document(client_for, users, home):
    page = client_for(users["district"]).get(f"/map/facilities/{home.pk}/").content.decode()
    for code, label in standards.DOCUMENTS.items():
        assert f'name="doc_{code}"' in page and str(label) in page
    assert "<code>business_licence</code>" not in page and "类别=编号" not in page
    assert 'name="documents"' not in page  # the old free-text box


def test_missing_documents_are_named_per_field_and_nothing_is_saved(client_for, users, home):
    c = client_for(users["district"])
    before = Filing.objects.count()
    r = c.post(
        f"/map/facilities/{home.pk}/change/",
        {"kind": "change", "field": "beds_nursing", "value": "40", "doc_fire_safety": "消防备案 02"},
    )
    page = r.content.decode()
    assert r.status_code == 422 and "请提交房屋建筑质量安全证明" in page
    assert "请提交消防安全检查合格证明" not in page  # given
    assert 'value="消防备案 02"' in page  # what was typed is kept on the form
    r = c.post(f"/map/facilities/{home.pk}/change/", {"kind": "closure", "note": "场地到期"})
    assert r.status_code == 422 and "请提交在住（在托）人员安置方案" in r.content.decode()
    r = c.post(f"/map/facilities/{home.pk}/change/", {"kind": "change", "field": "beds_nursing", "value": ""})
    assert r.status_code == 422 and "请填写变更后内容" in r.content.decode()
    r = c.post(f"/map/facilities/{home.pk}/change/", {"kind": "change", "field": "no_such", "value": "1"})
    assert r.status_code == 422 and "请从列表中选择变更项目" in r.content.decode()
    r = c.post(
        f"/map/facilities/{home.pk}/change/",
        {"kind": "change", "field": "phone", "value": "1", "doc_site_proof": "长" * 201},
    )
    assert r.status_code == 422 and "场地使用证明（产权或租赁合同）：最多200个字" in r.content.decode()
    r = c.post(
        f"/map/facilities/{home.pk}/change/",
        {
            "kind": "change",
            "field": "beds_nursing",
            "value": "多",
            "doc_fire_safety": "x",
            "doc_building_safety": "y",
        },
    )
    assert r.status_code == 422 and "护理型床位" in r.content.decode()  # the service's check names the field
    assert Filing.objects.count() == before


def test_a_complete_change_is_filed_with_each_document_under_its_kind(client_for, users, home):
    c = client_for(users["district"])
    r = c.post(
        f"/map/facilities/{home.pk}/change/",
        {
            "kind": "change",
            "field": "beds_nursing",
            "value": "40",
            "doc_fire_safety": "消防备案 02",
            "doc_building_safety": "鉴定报告 2026-3",
            "doc_staff_list": "",
        },
    )
    assert r.status_code == 302
    filing = Filing.objects.filter(facility=home, kind="change").get()
    assert filing.changes == {"beds_nursing": 40}
    assert filing.documents == {"fire_safety": "消防备案 02", "building_safety": "鉴定报告 2026-3"}
