"""Registering a child whose ID number is already on the register (an infant imported years ago)
answers 409 on the ID number with a link to the record, the typed values kept, as the person form
does, instead of the error page that loses everything typed."""

import datetime

from django.utils import timezone

from tests.conftest import COMMUNITY_A


def test_a_child_already_registered_is_a_409_on_the_form_with_a_link(users, client_for, make_person):
    today = timezone.localdate()
    birth = today.replace(year=today.year - 2, day=min(today.day, 28))
    existing = make_person(birth=birth, name="小红")
    number = existing.id_number
    response = client_for(users["community"]).post(
        "/people/children/new/",
        {
            "name": "小红",
            "id_number": number,
            "region_code": COMMUNITY_A,
            "kind": "child_in_difficulty",
            "valid_from": str(today - datetime.timedelta(days=1)),
            "source": "街道排查",
        },
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert 'name="source"' in page and "街道排查" in page  # the form again, with what was typed
    assert f"/people/{existing.pk}/" in page
