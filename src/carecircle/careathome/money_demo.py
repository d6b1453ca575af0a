"""The demo city's subsidies through the funds ledger: the family-bed and rental funds get their
year's budget and the month just closed is posted by the monthly rule (money_services.post_month),
as the task does on the 1st."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from carecircle.benefits import services as benefits
from carecircle.careathome import beds_reference, homes_reference, money_services
from carecircle.core.demo import City

BUDGETS = (
    (beds_reference.FUND_CODE, Decimal("1000000"), "家庭养老床位补贴年度预算（演示）", "demo:family_bed"),
    (
        homes_reference.RENTAL_FUND_CODE,
        Decimal("200000"),
        "康复辅具租赁补贴年度预算（演示）",
        "demo:device_rental",
    ),
)


def generate(city: City) -> None:
    from carecircle.benefits import selectors as benefit_reads  # noqa: PLC0415 — the other module may be absent

    admin = get_user_model().objects.filter(username="admin").first()
    if admin is None:
        return
    beds_reference.ensure_programme(region_code=city.city.code)
    homes_reference.ensure_rental_programme(region_code=city.city.code)
    for code, amount, memo, key in BUDGETS:
        fund = benefit_reads.fund_list(user=admin).filter(code=code).first()
        if fund is not None:
            benefits.fund_appropriate(actor=None, fund=fund, amount=amount, memo=memo, key=key)
    closed = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    done = money_services.post_month(month=closed)
    city.say(
        f"{done.month} 补贴入账：家庭养老床位 {done.beds} 张共 {done.bed_amount} 元，"
        f"辅具租赁 {done.rentals} 笔共 {done.rental_amount} 元"
    )
