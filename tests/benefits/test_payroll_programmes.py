"""Which programmes the payroll run form offers has one source: payroll.paid_by_payroll, the rule
the run itself applies (a voucher programme is paid where the voucher is used, never by a batch)."""

from carecircle.benefits import payroll, selectors
from carecircle.benefits.models import PaymentMethod, Programme


def test_the_form_offers_what_the_payroll_pays(programmes, users):
    offered = {p.code for p in selectors.payroll_programmes(user=users["admin"])}
    visible = selectors.programme_list(user=users["admin"])
    assert offered == {p.code for p in visible if payroll.paid_by_payroll(p)}
    assert "CHILDCARE_VOUCHER" not in offered and offered
    assert Programme.objects.filter(payment_method=PaymentMethod.VOUCHER).exists()


def test_the_form_follows_the_payroll_rule(programmes, users, monkeypatch):
    monkeypatch.setattr(payroll, "paid_by_payroll", lambda programme: programme.code == "GAOLING")
    assert [p.code for p in selectors.payroll_programmes(user=users["admin"])] == ["GAOLING"]
