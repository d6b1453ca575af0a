"""Issue 13, High 4: the ID number is no oracle. A duplicate answers 409 everywhere, but only a
caller who may see the existing record learns whose it is; anyone else learns only that the number
is registered outside their area and whom to ask — no name, no internal number, no region."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from carecircle.core.errors import Conflict
from carecircle.registry import services
from carecircle.registry.imports import COLUMNS
from tests.conftest import COMMUNITY_A, COMMUNITY_B


def _leaks(text: str, person) -> list[str]:
    found = [
        v
        for v in (person.name, person.region_code, person.region_code[:6], person.region_code[:9])
        if v in text
    ]
    found += [w for w in ("东湖", "文新", "桂花") if w in text]
    if f"编号{person.pk}" in text or f"/people/{person.pk}/" in text:
        found.append("internal number")
    return found


@pytest.fixture
def elder(make_person):
    return make_person(name="欧阳秀兰", region_code=COMMUNITY_A)


def test_outsider_learns_nothing_from_the_api(users, client_for, elder):
    body = {"name": "冒名者", "id_number": elder.id_number, "region_code": COMMUNITY_B}
    response = client_for(users["street_b"]).post("/api/v1/persons", body, content_type="application/json")
    assert response.status_code == 409
    data = response.json()
    assert data["field"] == "id_number" and "details" not in data
    assert "其他" in data["message"] and "联系" in data["message"]
    assert _leaks(response.content.decode(), elder) == []


def test_outsider_learns_nothing_from_the_page(users, client_for, elder):
    form = {
        "name": "冒名者",
        "id_number": elder.id_number,
        "region_code": COMMUNITY_B,
        "phone": "",
        "address": "",
    }
    response = client_for(users["district_b"]).post("/people/new/", form)
    assert response.status_code == 409  # the form again, with the message on the ID number
    body = response.content.decode()
    assert "其他" in body
    assert _leaks(body, elder) == []


def test_insider_is_told_which_record_with_a_link(users, client_for, elder):
    body = {"name": "重复登记", "id_number": elder.id_number, "region_code": COMMUNITY_A}
    response = client_for(users["street"]).post("/api/v1/persons", body, content_type="application/json")
    assert response.status_code == 409
    data = response.json()
    assert elder.name in data["message"]
    assert data["details"] == {"person_id": elder.pk, "url": f"/people/{elder.pk}/"}
    form = {
        "name": "重复登记",
        "id_number": elder.id_number,
        "region_code": COMMUNITY_A,
        "phone": "",
        "address": "",
    }
    response = client_for(users["community"]).post("/people/new/", form)
    page = response.content.decode()
    assert response.status_code == 409 and 'name="name" value="重复登记"' in page  # the form again, filled in
    assert elder.name in page and f'href="/people/{elder.pk}/"' in page


def test_service_answers_by_the_callers_scope(users, elder):
    with pytest.raises(Conflict) as outside:
        services.person_create(
            actor=users["community_b"], name="冒名者", id_number=elder.id_number, region_code=COMMUNITY_B
        )
    assert _leaks(str(outside.value.message), elder) == [] and not outside.value.details
    with pytest.raises(Conflict, match=elder.name):
        services.person_create(
            actor=users["district"], name="重复", id_number=elder.id_number, region_code=COMMUNITY_A
        )


def test_import_of_a_number_registered_elsewhere_reveals_nothing(
    users, elder, django_capture_on_commit_callbacks
):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(list(COLUMNS))
    writer.writerow(["冒名者", elder.id_number, COMMUNITY_B, "13800001111", "蒋村1号", "", "", "", "", ""])
    upload = SimpleUploadedFile("people.csv", out.getvalue().encode("utf-8-sig"), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        job = services.import_start(actor=users["street_b"], uploaded_file=upload)
    job.refresh_from_db()
    assert job.rejected_count == 1 and job.created_count == 0
    reason = job.rejections[0]["reason"]
    assert "其他" in reason and "联系" in reason
    assert _leaks(reason, elder) == []
    elder.refresh_from_db()
    assert elder.name == "欧阳秀兰" and elder.region_code == COMMUNITY_A
    assert timezone.localdate() >= elder.birth_date  # untouched record, still readable
