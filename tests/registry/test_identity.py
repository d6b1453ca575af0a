import datetime

import pytest
from django.utils import timezone

from carecircle.core.ages import age_on
from carecircle.core.errors import InvalidInput
from carecircle.registry.identity import parse_id_number, with_check_digit


def test_valid_number_gives_birth_date_and_sex():
    number = with_check_digit("33010619500307123")
    identity = parse_id_number(number)
    assert identity.birth_date == datetime.date(1950, 3, 7)
    assert identity.sex == "M"  # 17th digit odd
    assert parse_id_number(with_check_digit("33010619500307122")).sex == "F"


def test_known_real_check_digit_x():
    # GB 11643's own worked example: 11010519491231002X
    assert parse_id_number("11010519491231002x").number == "11010519491231002X"


def test_wrong_check_digit_is_refused():
    good = with_check_digit("33010619500307123")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(InvalidInput, match="校验位"):
        parse_id_number(bad)


@pytest.mark.parametrize("date", ["19500230", "19501301", "19500001"])
def test_impossible_birth_date_is_refused(date):
    with pytest.raises(InvalidInput, match="出生日期"):
        parse_id_number(with_check_digit(f"330106{date}123"))


def test_future_birth_date_is_refused(frozen_now):
    future = timezone.localdate() + datetime.timedelta(days=40)
    with pytest.raises(InvalidInput, match="不可能"):
        parse_id_number(with_check_digit(f"330106{future:%Y%m%d}123"))


def test_length_and_characters():
    with pytest.raises(InvalidInput, match="18位"):
        parse_id_number("3301061950030712")
    with pytest.raises(InvalidInput, match="数字"):
        parse_id_number("33010619500307A234")


def test_unknown_place_code_refused_unless_our_district():
    number = with_check_digit("99990119500307123")
    with pytest.raises(InvalidInput, match="行政区划"):
        parse_id_number(number)
    assert parse_id_number(number, extra_places={"999901"}).number == number


def test_old_people_with_codes_newer_than_their_birth_are_accepted():
    # 330106 (西湖区) did not exist in 1940, but cards issued from 1984 on carry it.
    assert parse_id_number(with_check_digit("33010619400101123")).birth_date.year == 1940


def test_age_on_birthday_edges():
    birth = datetime.date(1946, 11, 23)
    assert age_on(birth, datetime.date(2026, 11, 22)) == 79
    assert age_on(birth, datetime.date(2026, 11, 23)) == 80
