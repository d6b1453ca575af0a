"""A date or month in a page's query string is read by one helper (core.tables.parse_date and
parse_month): a bad value is a 422 that names it, never a 500 or a silent default; and the views
of benefits, childcare and alarms keep no parser of their own."""

import datetime
import re
from pathlib import Path

import pytest

from carecircle.core.errors import InvalidInput
from carecircle.core.tables import parse_month

SRC = Path(__file__).resolve().parents[2] / "src" / "carecircle"
OWN_PARSER = re.compile(r"strptime|fromisoformat|\bparse_date\(")


@pytest.mark.parametrize("module", ["benefits", "childcare", "alarms"])
def test_views_parse_dates_through_the_shared_helper(module):
    found = [
        f"{p.name}:{n}"
        for p in (SRC / module).glob("views*.py")
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if OWN_PARSER.search(line) and "tables.parse_" not in line
    ]
    assert found == [], f"a date parser of its own: {found}"


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("2026-03", datetime.date(2026, 3, 1)),
        ("2026/3", datetime.date(2026, 3, 1)),
        ("2026年12月", datetime.date(2026, 12, 1)),
    ],
)
def test_parse_month_reads_a_month(text, month):
    assert parse_month(text, "month") == month
    assert parse_month(datetime.date(2026, 3, 17), "month") == datetime.date(2026, 3, 1)


@pytest.mark.parametrize("text", ["2026-13", "March", "2026-03-05", ""])
def test_parse_month_refuses_what_is_no_month(text):
    with pytest.raises(InvalidInput) as caught:
        parse_month(text, "period")
    assert caught.value.field == "period" and text in str(caught.value.message)


@pytest.mark.parametrize("day", ["2024-02-30", "abc"])
def test_alarms_supervisor_bad_day(users, client_for, day):
    r = client_for(users["district"]).get(f"/alarms/supervisor/?day={day}")
    assert r.status_code == 422 and f"日期格式不正确：{day}" in r.content.decode()


@pytest.mark.parametrize("month", ["2026-13", "March"])
def test_alarms_monthly_report_bad_month(users, client_for, month):
    c = client_for(users["district"])
    for url in (
        f"/alarms/reports/monthly/?month={month}",
        f"/alarms/reports/monthly/?month={month}&format=csv",
    ):
        r = c.get(url)
        assert r.status_code == 422 and f"月份格式不正确：{month}" in r.content.decode()
    assert c.get("/alarms/reports/monthly/?month=2026/03").status_code == 200


@pytest.mark.parametrize("day", ["2024-02-30", "abc"])
def test_benefits_person_page_bad_day(users, client_for, make_person, day):
    person = make_person()
    c = client_for(users["community"])
    assert c.get(f"/benefits/people/{person.pk}/").status_code == 200
    r = c.get(f"/benefits/people/{person.pk}/?day={day}")
    assert r.status_code == 422 and f"日期格式不正确：{day}" in r.content.decode()
