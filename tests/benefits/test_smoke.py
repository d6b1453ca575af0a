import datetime

from carecircle.benefits import engine, rules, services
from carecircle.benefits.models import Payment
from tests.benefits.conftest import born

NOV = datetime.date(2026, 11, 1)


def test_smoke(funded, make_person, users):
    p = make_person(birth=born(85, NOV, 3))
    r = engine.person_eligibility(p, NOV)
    print(r)
    batches = services.payroll_run(actor=users["street"], month="2026-11", region_code="339901001000")
    print([(b.programme.code, b.line_count, b.total_payable) for b in batches])
    print(list(Payment.objects.values()))
    assert rules.parse("age >= 80")
