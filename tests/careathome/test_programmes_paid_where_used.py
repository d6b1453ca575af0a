"""Care at home's subsidies move money where they are used, once: the adaptation subsidy when the
accepted works are paid to the contractor, the family bed's and the rental's by the monthly
posting. None of their programmes may also be paid by the benefits payroll, which would commit
the money a second time for everyone entitled, used or not (benefits/payroll.py paid_by_payroll)."""

import importlib

import pytest
from django.apps import apps

from carecircle.benefits import payroll
from carecircle.benefits.models import Programme
from carecircle.careathome import beds_reference, homes_reference
from tests.careathome.beds_helpers import CITY

pytestmark = pytest.mark.django_db

CODES = {homes_reference.PROGRAMME_CODE, homes_reference.RENTAL_PROGRAMME_CODE, "family_bed"}


def _set_up():
    homes_reference.ensure_programme(region_code=CITY)
    homes_reference.ensure_rental_programme(region_code=CITY)
    beds_reference.ensure_programme(region_code=CITY)


def test_no_care_at_home_programme_is_paid_by_the_payroll():
    _set_up()
    programmes = Programme.objects.filter(code__in=CODES)
    assert {p.code for p in programmes} == CODES
    assert [p.code for p in programmes if payroll.paid_by_payroll(p)] == []


def test_an_adaptation_programme_paid_in_kind_before_becomes_a_voucher_one():
    _set_up()
    Programme.objects.filter(code=homes_reference.PROGRAMME_CODE).update(payment_method="in_kind")
    step = importlib.import_module("carecircle.careathome.migrations.0007_adaptation_voucher")
    step.adaptation_paid_where_used(apps, None)
    adaptation = Programme.objects.get(code=homes_reference.PROGRAMME_CODE)
    assert not payroll.paid_by_payroll(adaptation)
