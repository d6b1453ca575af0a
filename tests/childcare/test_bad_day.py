"""A bad ?day= on a class page is a 422 naming the date (core.tables.parse_date), never a 500 or today."""

import pytest

from carecircle.childcare import services


@pytest.mark.parametrize("day", ["2024-02-30", "abc"])
def test_a_bad_day_on_the_class_page_is_refused(client_for, users, nursery, day):
    cls = services.class_create(
        actor=users["admin"], facility=nursery, name="星星班", band="big", capacity=12, caregivers=2
    )
    c = client_for(users["district"])
    assert c.get(f"/childcare/classes/{cls.pk}/?day=2026-03-02").status_code == 200
    r = c.get(f"/childcare/classes/{cls.pk}/?day={day}")
    assert r.status_code == 422 and f"日期格式不正确：{day}" in r.content.decode()
