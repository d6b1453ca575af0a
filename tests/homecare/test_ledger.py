"""Issue 5 settlement: the government-funded lines of a closed month's statement go to the benefits
funds ledger — vouchers against their programme's fund, the 政府补一点 meal share against the programme
its cost-share line names — once, all or nothing, refused with the shortfall named."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import F, Sum

from carecircle.benefits.models import Account, Fund, LedgerEntry, LedgerLine, Programme
from carecircle.benefits.selectors import ledger_check
from carecircle.benefits.services import fund_appropriate
from carecircle.homecare import evv, services, services_dispatch, settlement
from carecircle.homecare.models import Complaint, CostShareLine, Order, StatementPosting
from tests.conftest import browser_login
from tests.homecare.conftest import MOTHER_LAT, MOTHER_LNG, tomorrow_at

DISTRICT = "339901000000"


@pytest.fixture
def funds(world, users):
    """Two funds: the home-care voucher (HC_VOUCHER) and the meal-help subsidy (MEAL_GOV), which the
    world's 政府补一点 share names."""
    out = {}
    for code, fund_code in (("HC_VOUCHER", "F_HC"), ("MEAL_GOV", "F_MEAL")):
        fund = Fund.objects.create(code=fund_code, name=f"{code}资金", region_code=DISTRICT)
        Programme.objects.create(
            code=code,
            name=f"{code}项目",
            fund=fund,
            region_code=DISTRICT,
            target_rule="true",
            payment_method="voucher",
            valid_from=datetime.date(2020, 1, 1),
        )
        out[code] = fund
    CostShareLine.objects.filter(rule__name="东湖区老年助餐", source="government").update(
        programme_code="MEAL_GOV"
    )
    return out


def _serve(w, item, hour, key):
    order = services.order_create(
        actor=w["son"],
        person=w["mother"],
        item=item,
        provider=w["provider"],
        window_start=tomorrow_at(hour),
        idempotency_key=key,
    )
    services_dispatch.order_reassign(actor=w["admin_p"], order=order, caregiver=w["carer"])
    services_dispatch.order_accept(actor=w["carer_user"], order=order)
    for kind, offset in (("in", 0), ("out", item.duration_minutes)):
        at = order.window_start + datetime.timedelta(minutes=offset)
        do = evv.visit_check_in if kind == "in" else evv.visit_check_out
        do(
            actor=w["carer_user"],
            order=order,
            latitude=MOTHER_LAT,
            longitude=MOTHER_LNG,
            at=at,
            now=at,
            idempotency_key=f"{key}-{kind}",
        )
    return order


def _closed_month_statement_orders(w):
    """A bath (voucher 50) and a meal (政府补一点 30 % of 15 = 4.50) served, then moved 45 days back so
    that their month is over."""
    orders = [_serve(w, w["bath"], 9, "bath-l"), _serve(w, w["meal"], 14, "meal-l")]
    back = datetime.timedelta(days=45)
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(
        window_start=F("window_start") - back, window_end=F("window_end") - back
    )
    return (orders[0].window_start - back).date().replace(day=1)


def _spent(fund) -> Decimal:
    return LedgerLine.objects.filter(fund=fund, account=Account.DISBURSED).aggregate(s=Sum("amount"))[
        "s"
    ] or Decimal(0)


def test_closed_month_statement_posts_government_lines_once(world, voucher, funds, users, client_for):
    w = world
    for fund in funds.values():
        fund_appropriate(actor=users["admin"], fund=fund, amount="1000", key=f"t:{fund.pk}")
    month = _closed_month_statement_orders(w)
    st = settlement.statement_generate(actor=w["admin_p"], provider=w["provider"], month=month)
    lines = {(line.source, line.programme_code): line.amount for line in st.lines.all()}
    gov_key = next(k for k in lines if k[0] == "government")
    assert lines[gov_key] == Decimal("4.50") and lines[("voucher", "HC_VOUCHER")] == Decimal("50.00")
    assert st.ledger_note == ""

    entries = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.SPENDING)
    assert entries.count() == 2
    ym = month.strftime("%Y-%m")
    hc_lines = LedgerLine.objects.filter(entry__in=entries, fund=funds["HC_VOUCHER"])
    assert {(ln.account, ln.amount, ln.programme.code, ln.region_code, ln.month) for ln in hc_lines} == {
        (Account.DISBURSED, lines[("voucher", "HC_VOUCHER")], "HC_VOUCHER", DISTRICT, ym),
        (Account.AVAILABLE, -lines[("voucher", "HC_VOUCHER")], "HC_VOUCHER", DISTRICT, ym),
    }
    assert _spent(funds["MEAL_GOV"]) == Decimal("4.50")
    # enterprise / collective / social / self-pay shares are not the funds' money
    assert set(StatementPosting.objects.values_list("source", flat=True)) == {"voucher", "government"}
    assert ledger_check().ok

    # rebuilding (the daily task does, on the 1st–5th) never posts twice
    for _ in range(2):
        st = settlement.statement_generate(actor=None, provider=w["provider"], month=month)
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.SPENDING).count() == 2
    assert _spent(funds["HC_VOUCHER"]) == lines[("voucher", "HC_VOUCHER")]
    assert _spent(funds["MEAL_GOV"]) == Decimal("4.50")
    call_command("ledger", "check")  # exits 1 (SystemExit) when the ledger does not sum to zero

    body = client_for(w["admin_p"]).get(f"/homecare/statements/{st.pk}/").content.decode()
    assert body.count("已入账") == 2 and "MEAL_GOV" in body
    api = client_for(w["admin_p"]).get(f"/api/v1/homecare/statements/{st.pk}").json()
    assert {(p["source"], p["ledger_programme"], Decimal(p["amount"])) for p in api["ledger_postings"]} == {
        ("voucher", "HC_VOUCHER", lines[("voucher", "HC_VOUCHER")]),
        ("government", "MEAL_GOV", Decimal("4.50")),
    }


def test_shortfall_refuses_every_posting_and_names_it(world, voucher, funds, users, client_for):
    w = world
    fund_appropriate(actor=users["admin"], fund=funds["HC_VOUCHER"], amount="10", key="t:hc")
    fund_appropriate(actor=users["admin"], fund=funds["MEAL_GOV"], amount="1000", key="t:meal")
    month = _closed_month_statement_orders(w)
    st = settlement.statement_generate(actor=w["admin_p"], provider=w["provider"], month=month)
    voucher_amount = st.lines.get(source="voucher").amount
    assert "资金不足" in st.ledger_note and f"缺口 {voucher_amount - 10:.2f} 元" in st.ledger_note
    assert "全部回滚" in st.ledger_note
    # nothing half-posted: the meal fund had money, yet nothing of this statement is in the ledger
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.SPENDING).exists()
    assert not StatementPosting.objects.exists() and ledger_check().ok
    assert st.visit_count == 2  # the provider's statement itself stands
    body = client_for(w["admin_p"]).get(f"/homecare/statements/{st.pk}/").content.decode()
    assert "资金不足" in body and "未入账" in body and "已入账" not in body

    # once the money is there, the next build posts it
    fund_appropriate(actor=users["admin"], fund=funds["HC_VOUCHER"], amount="1000", key="t:hc2")
    st = settlement.statement_generate(actor=None, provider=w["provider"], month=month)
    assert st.ledger_note == "" and StatementPosting.objects.count() == 2
    assert _spent(funds["HC_VOUCHER"]) == voucher_amount and ledger_check().ok


def test_growth_after_a_late_review_posts_only_the_difference(world, voucher, funds, users):
    w = world
    for fund in funds.values():
        fund_appropriate(actor=users["admin"], fund=fund, amount="1000", key=f"t:{fund.pk}")
    # the meal first: shares 8.50 off 15, the voucher pays the 6.50 left; then the bath: 43.50 of voucher
    orders = [_serve(w, w["meal"], 9, "meal-g"), _serve(w, w["bath"], 14, "bath-g")]
    back = datetime.timedelta(days=45)
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(
        window_start=F("window_start") - back, window_end=F("window_end") - back
    )
    month = (orders[0].window_start - back).date().replace(day=1)
    bath = Order.objects.get(pk=orders[1].pk)
    assert {p.source: p.amount for p in bath.payment_lines.all()}["voucher"] == Decimal("43.50")
    complaint = Complaint.objects.create(
        order=bath,
        region_code=bath.region_code,
        provider_id=bath.provider_id,
        street_code="339901001000",
        text="水太凉",
        deadline=bath.window_end + datetime.timedelta(days=3),
        by=w["son"],
    )
    st = settlement.statement_generate(actor=w["admin_p"], provider=w["provider"], month=month)
    assert st.held_count == 1
    assert _spent(funds["HC_VOUCHER"]) == Decimal("6.50") and _spent(funds["MEAL_GOV"]) == Decimal("4.50")
    complaint.status = Complaint.Status.ANSWERED
    complaint.save(update_fields=["status"])
    settlement.statement_generate(actor=w["admin_p"], provider=w["provider"], month=month)
    settlement.statement_generate(actor=w["admin_p"], provider=w["provider"], month=month)
    assert _spent(funds["HC_VOUCHER"]) == Decimal("50.00") and _spent(funds["MEAL_GOV"]) == Decimal("4.50")
    assert list(StatementPosting.objects.filter(source="voucher").values_list("seq", "amount")) == [
        (1, Decimal("6.50")),
        (2, Decimal("43.50")),
    ]
    assert ledger_check().ok


def test_open_month_statement_posts_nothing_yet(world, voucher, funds, users, client_for):
    w = world
    for fund in funds.values():
        fund_appropriate(actor=users["admin"], fund=fund, amount="1000", key=f"t:{fund.pk}")
    order = _serve(w, w["bath"], 9, "bath-open")
    st = settlement.statement_generate(
        actor=w["admin_p"], provider=w["provider"], month=order.window_start.date()
    )
    assert st.visit_count == 1 and not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.SPENDING).exists()
    assert "月末结算后入账" in client_for(w["admin_p"]).get(f"/homecare/statements/{st.pk}/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_statement_page_in_the_browser_shows_the_ledger_column(
    browser, live_server, world, voucher, funds, users, tmp_path
):
    w = world
    fund_appropriate(actor=users["admin"], fund=funds["MEAL_GOV"], amount="1000", key="t:meal")
    month = _closed_month_statement_orders(w)
    st = settlement.statement_generate(actor=w["admin_p"], provider=w["provider"], month=month)
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    try:
        browser_login(page, live_server.url, "provider")
        page.goto(f"{live_server.url}/homecare/statements/{st.pk}/")
        assert "缺口 50.00 元" in page.inner_text("#ledger-note")  # the voucher fund got no money at all
        assert page.locator("td.ledger .tag.warn").count() == 2  # voucher and 政府补一点: neither posted
        page.screenshot(path=str(tmp_path / "statement.png"), full_page=True)
        fund_appropriate(actor=users["admin"], fund=funds["HC_VOUCHER"], amount="1000", key="t:hc")
        settlement.statement_generate(actor=None, provider=w["provider"], month=month)
        page.reload()
        assert page.locator("#ledger-note").count() == 0
        assert page.locator("td.ledger .tag:not(.warn)").all_inner_texts() == [
            "已入账 ¥50.00（HC_VOUCHER）",
            "已入账 ¥4.50（MEAL_GOV）",
        ]
        page.screenshot(path=str(tmp_path / "posted.png"), full_page=True)
    finally:
        page.close()
