"""The monthly subsidy postings on the staff pages (issue 22, items 3 and 5): after the month is
posted, the family bed's page and the rental contract's page list month, amount, when posted and the
ledger reference in words (no internal ids); an official of another district gets 404 on both."""

import pytest
from django.utils import timezone

from carecircle.careathome import money_services
from carecircle.careathome.models.homes import RentalBill
from carecircle.careathome.models.money import BedSubsidy
from tests.careathome import test_money as tm

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

money = tm.money  # the funded programmes and a provider (the fixture of test_money)


def _posted_at(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"


def test_the_bed_page_lists_its_postings_and_an_outsider_gets_404(users, make_person, client_for, money):
    last = tm._months_back(1)
    bed = tm._bed(users, make_person, money, last.replace(day=5))
    url = f"/careathome/beds/{bed.pk}/"
    insider = client_for(users["community"])
    before = insider.get(url).content.decode()
    assert "补贴入账" in before and "暂无（每月初由系统为上月入账）" in before
    money_services.post_month(month=last)
    row = BedSubsidy.objects.get(bed=bed)
    page = insider.get(url).content.decode()
    section = page.split('id="subsidy-postings"')[1].split("</table>")[0]
    assert f"{last:%Y-%m}" in section and "600.00" in section and _posted_at(row.posted_at) in section
    assert f"家庭养老床位运营补贴 {last:%Y-%m}，拨付{money.name}" in section
    assert row.ledger_reference not in page and "family_bed:" not in page  # words, not the reference
    assert client_for(users["district"]).get(url).status_code == 200
    assert client_for(users["district_b"]).get(url).status_code == 404


def test_the_rental_page_lists_its_postings_and_an_outsider_gets_404(users, make_person, client_for, money):
    last = tm._months_back(1)
    contract = tm._rental(users, make_person, last.replace(day=3))
    url = f"/careathome/rental/contracts/{contract.pk}/"
    insider = client_for(users["community"])
    assert "暂无（每月初由系统为上月账单补贴入账）" in insider.get(url).content.decode()
    money_services.post_month(month=last)
    bill = RentalBill.objects.get(contract=contract)
    page = insider.get(url).content.decode()
    section = page.split('id="subsidy-postings"')[1].split("</table>")[0]
    assert f"{last:%Y-%m}" in section and "48.00" in section and _posted_at(bill.posted_at) in section
    device = contract.unit.device_type.name
    assert f"康复辅具租赁补贴 {last:%Y-%m}，{contract.person.name}租用{device}" in section
    assert bill.ledger_reference not in page and "rental:" not in page
    assert client_for(users["district_b"]).get(url).status_code == 404
