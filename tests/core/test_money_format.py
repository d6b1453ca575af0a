"""The money and period filters (core/templatetags/carecircle_format.py)."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from carecircle.core.templatetags.carecircle_format import money, period


@pytest.mark.parametrize(
    ("value", "how", "shown"),
    [
        (Decimal("5550400"), "", "¥5,550,400.00"),
        (Decimal("-5550400.00"), "", "\u2212¥5,550,400.00"),
        (Decimal("-5550400.00"), "credit", "¥5,550,400.00"),
        (Decimal("1200"), "credit", "\u2212¥1,200.00"),
        (Decimal("-12.5"), "abs", "¥12.50"),
        (Decimal("0"), "", "¥0.00"),
        (Decimal("-0.001"), "", "¥0.00"),  # rounds to nothing: no sign
        (Decimal("999.995"), "", "¥1,000.00"),  # half up, as money is rounded
        ("1234567.8", "", "¥1,234,567.80"),
        (300, "", "¥300.00"),
        (None, "", "—"),
        ("", "", "—"),
        ("abc", "", "abc"),
    ],
)
def test_money(value, how, shown):
    assert money(value, how) == shown


def test_money_in_a_template_never_reads_as_a_bare_negative():
    html = Template('{% load carecircle_format %}{{ a|money:"credit" }} {{ b|money }}').render(
        Context({"a": Decimal("-5550400.00"), "b": Decimal("-20.00")})
    )
    assert html == "¥5,550,400.00 \u2212¥20.00"
    assert "-5550400" not in html


@pytest.mark.parametrize(
    ("key", "shown"),
    [("once", "一次性"), ("2026-03", "2026年3月"), ("2026-11", "2026年11月"), ("2026", "2026年"), ("", "—")],
)
def test_period(key, shown):
    assert period(key) == shown
