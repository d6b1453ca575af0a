import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from carecircle.benefits import payroll, services
from carecircle.benefits.models import Account, Appeal, Batch, Fund, LedgerEntry, LedgerLine, Payment
from carecircle.benefits.selectors import ledger_check
from carecircle.benefits.types import Posting
from carecircle.core.errors import Conflict, Forbidden
from carecircle.core.models import AuditEvent
from carecircle.registry.services import status_add
from tests.benefits.conftest import born

NOV = datetime.date(2026, 11, 1)
STREET = "339901001000"


def run(users, month="2026-11", code="GAOLING", who="street", **kw):
    return services.payroll_run(actor=users[who], month=month, region_code=STREET, programme_code=code, **kw)


@pytest.fixture
def elders(funded, make_person):
    return [make_person(birth=born(age, NOV, 5)) for age in (80, 85, 92, 79)]


def test_first_run_pays_once_and_rerun_writes_nothing(elders, users):
    (batch,) = run(users)
    assert batch.state == Batch.State.PREPARED and batch.line_count == 3
    assert batch.total_payable == Decimal("200.00")
    assert batch.summary.pop("seconds") >= 0  # how long the run took (for /metrics)
    assert batch.summary == {
        "by_kind": {"正常发放": [3, "200.00"]},
        "by_district": [{"region": "339901000000", "count": 3, "payable": "200.00", "recovery": "0.00"}],
        "by_period": {"2026-11": 3},
    }
    assert run(users) == []  # pending lines count as committed: nothing new
    services.payroll_approve(actor=users["district"], batch_id=batch.pk)
    assert run(users) == []
    assert Payment.objects.filter(programme__code="GAOLING").count() == 3


def test_unique_constraint_refuses_a_second_regular_payment(elders, users):
    (batch,) = run(users)
    line = Payment.objects.filter(batch=batch).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            batch=batch,
            programme=line.programme,
            person=line.person,
            period=line.period,
            kind="regular",
            amount=line.amount,
            region_code=line.region_code,
        )
    other = Batch.objects.create(programme=line.programme, month="2026-11", region_code=STREET)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            batch=other,
            programme=line.programme,
            person=line.person,
            period=line.period,
            kind="regular",
            amount=line.amount,
            region_code=line.region_code,
        )


def test_rerun_after_fixing_data_writes_only_the_difference(elders, users):
    (first,) = run(users)
    services.payroll_approve(actor=users["district"], batch_id=first.pk)
    services.payroll_mark_paid(actor=users["district"], batch_id=first.pk)
    # The 85-year-old in fact died in October (recorded late): November was an overpayment.
    status_add(
        actor=users["admin"],
        person=elders[1],
        kind="deceased",
        valid_from=datetime.date(2026, 10, 20),
        source="殡葬系统",
    )
    # The 79-year-old's birth date was wrong in the registry: a worker corrects it through a granted appeal
    # below; here, a status makes someone newly due under CARE_SUBSIDY.
    (second,) = run(users)
    lines = list(Payment.objects.filter(batch=second))
    assert [(x.person_id, x.kind, x.amount) for x in lines] == [(elders[1].pk, "recovery", Decimal("-50.00"))]
    assert second.total_recovery == Decimal("50.00") and second.total_payable == 0
    assert second.summary["by_kind"] == {"追回": [1, "-50.00"]}
    assert second.summary["by_district"] == [
        {"region": "339901000000", "count": 1, "payable": "0.00", "recovery": "-50.00"}
    ]
    assert run(users) == []


def test_payments_stop_the_month_after_death_or_moving_away(elders, users):
    status_add(
        actor=users["admin"],
        person=elders[0],
        kind="deceased",
        valid_from=datetime.date(2026, 11, 15),
        source="殡葬系统",
    )
    status_add(
        actor=users["admin"],
        person=elders[2],
        kind="moved_away",
        valid_from=datetime.date(2026, 11, 3),
        source="户籍",
    )
    (nov,) = run(users)
    assert nov.line_count == 3
    (dec,) = run(users, month="2026-12")
    assert list(Payment.objects.filter(batch=dec).values_list("person_id", flat=True)) == [elders[1].pk]


def test_crash_between_steps_leaves_nothing(elders, users, monkeypatch):
    def boom(batch):
        raise RuntimeError("injected crash after the lines were written")

    monkeypatch.setattr(payroll, "summarise", boom)
    with pytest.raises(RuntimeError):
        run(users)
    assert Batch.objects.count() == 0 and Payment.objects.count() == 0
    monkeypatch.undo()
    (batch,) = run(users)
    assert batch.line_count == 3
    # a crash in the middle of approval: no ledger posting, the batch still waits for review
    before = LedgerEntry.objects.count()

    def audit_fails(**kw):
        raise RuntimeError("injected crash before the approval was recorded")

    monkeypatch.setattr(services.audit, "record", audit_fails)
    with pytest.raises(RuntimeError):
        services.payroll_approve(actor=users["district"], batch_id=batch.pk)
    monkeypatch.undo()
    batch.refresh_from_db()
    assert batch.state == Batch.State.PREPARED and LedgerEntry.objects.count() == before


def test_four_eyes(elders, users):
    (batch,) = run(users, who="district")
    with pytest.raises(Forbidden):
        services.payroll_approve(actor=users["district"], batch_id=batch.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Batch.objects.filter(pk=batch.pk).update(approved_by=users["district"])
    services.payroll_approve(actor=users["admin"], batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.state == Batch.State.APPROVED and batch.approved_by == users["admin"]


def test_street_worker_prepares_but_cannot_approve(elders, users):
    (batch,) = run(users)
    from carecircle.core.errors import NotFound

    with pytest.raises((Forbidden, NotFound)):
        services.payroll_approve(actor=users["street"], batch_id=batch.pk)
    with pytest.raises((Forbidden, NotFound)):
        services.payroll_approve(actor=users["district_b"], batch_id=batch.pk)


def test_overdraft_is_refused_naming_the_shortfall(programmes, make_person, users):
    for age in (80, 81, 90):
        make_person(birth=born(age, NOV, 5))
    fund = programmes["GAOLING"].fund
    services.fund_appropriate(actor=users["admin"], fund=fund, amount="120", key="small")
    (batch,) = run(users)
    with pytest.raises(Conflict) as exc:
        services.payroll_approve(actor=users["district"], batch_id=batch.pk)
    assert "缺口 80.00 元" in str(exc.value.message) and "可用余额 120.00 元" in str(exc.value.message)
    assert exc.value.details["shortfall"] == "80.00"
    assert LedgerEntry.objects.filter(kind="commitment").count() == 0
    services.fund_appropriate(actor=users["admin"], fund=fund, amount="80", key="top-up")
    services.payroll_approve(actor=users["district"], batch_id=batch.pk)
    assert services.fund_available(fund) == Decimal("0.00")


def test_ledger_balances_and_sums_to_zero(elders, users):
    fund = Fund.objects.get(code="CITY_ELDER")
    start = services.fund_available(fund)
    (first,) = run(users)
    services.payroll_approve(actor=users["district"], batch_id=first.pk)
    assert services.fund_available(fund) == start - Decimal("200.00")
    services.payroll_mark_paid(actor=users["district"], batch_id=first.pk)
    status_add(
        actor=users["admin"],
        person=elders[2],
        kind="deceased",
        valid_from=datetime.date(2026, 10, 1),
        source="殡葬系统",
    )
    (second,) = run(users)
    services.payroll_approve(actor=users["district"], batch_id=second.pk)
    services.payroll_mark_paid(actor=users["district"], batch_id=second.pk)
    recovery = Payment.objects.get(batch=second)
    services.recovery_collect(actor=users["district"], payment_id=recovery.pk)
    with pytest.raises(Conflict):
        services.recovery_collect(actor=users["district"], payment_id=recovery.pk)

    def bal(account):
        return LedgerLine.objects.filter(fund=fund, account=account).aggregate(
            s=__import__("django").db.models.Sum("amount")
        )["s"]

    assert bal(Account.DISBURSED) == Decimal("100.00")  # 200 paid, 100 recovered
    assert bal(Account.RECEIVABLE) == Decimal("0.00")
    assert bal(Account.COMMITTED) == Decimal("0.00")
    assert services.fund_available(fund) == start - Decimal("100.00")
    result = ledger_check()
    assert result.ok and result.total == 0 and result.unbalanced == ()
    out = io.StringIO()
    call_command("ledger", "check", stdout=out)
    assert "合计为零" in out.getvalue()
    # an auditor's check notices a tampered line
    LedgerLine.objects.filter(pk=LedgerLine.objects.first().pk).update(amount=Decimal("1.00"))
    with pytest.raises(CommandError):
        call_command("ledger", "check", stdout=io.StringIO())


def test_unbalanced_posting_is_refused(programmes, users):
    fund = Fund.objects.first()
    with pytest.raises(Conflict):
        services._post(
            key="x",
            kind="appropriation",
            fund=fund,
            actor=users["admin"],
            memo="",
            lines=[Posting(Account.AVAILABLE, Decimal("10")), Posting(Account.APPROPRIATION, Decimal("-9"))],
        )
    assert not LedgerEntry.objects.filter(key="x").exists()


def test_bank_file_export_is_audited(elders, users):
    (batch,) = run(users)
    with pytest.raises(Conflict):
        services.payroll_export(actor=users["district"], batch_id=batch.pk)
    services.payroll_approve(actor=users["district"], batch_id=batch.pk)
    services.payee_account_set(
        actor=users["street"], person=elders[0], bank="农业银行", account_number="6228480012345678901"
    )
    body, name = services.payroll_export(actor=users["district"], batch_id=batch.pk, fmt="csv")
    text = body.decode("utf-8-sig")
    assert elders[0].id_number in text and "6228480012345678901" in text and "50.00" in text
    assert text.count("\n") == 4 and name.endswith(".csv")
    body, name = services.payroll_export(actor=users["district"], batch_id=batch.pk, fmt="xlsx")
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(body)).active
    assert ws.max_row == 4 and ws.cell(1, 1).value == "序号"
    assert AuditEvent.objects.filter(action="payroll.export").count() == 2


def test_granted_appeal_flows_into_next_payroll_as_arrears(funded, make_person, users):
    person = make_person(birth=born(79, NOV, 5))  # registry says 79; the family says the date is wrong
    appeal = services.appeal_file(
        actor=users["district"],
        person=person,
        programme=funded["GAOLING"],
        month="2026-09",
        reason="户籍登记出生日期有误，实际已满80周岁",
    )
    assert appeal.route_region == "339901000000"
    with pytest.raises(Forbidden):  # whoever filed it cannot decide it
        services.appeal_decide(
            actor=users["district"], appeal_id=appeal.pk, grant=True, reason="x", amount="50"
        )
    from carecircle.core.errors import NotFound

    with pytest.raises((Forbidden, NotFound)):
        services.appeal_decide(
            actor=users["district_b"], appeal_id=appeal.pk, grant=True, reason="x", amount="50"
        )
    services.appeal_decide(
        actor=users["admin"],
        appeal_id=appeal.pk,
        grant=True,
        reason="经核实户籍档案，已满80周岁",
        amount="50",
    )
    (batch,) = run(users)
    got = sorted(Payment.objects.filter(batch=batch, person=person).values_list("period", "kind", "amount"))
    assert got == [
        ("2026-09", "regular", Decimal("50.00")),
        ("2026-10", "regular", Decimal("50.00")),
        ("2026-11", "regular", Decimal("50.00")),
    ]
    appeal.refresh_from_db()
    assert appeal.arrears_batch_id == batch.pk
    assert run(users) == []
    from carecircle.benefits import engine

    e = next(x for x in engine.person_eligibility(person, NOV) if x["programme_code"] == "GAOLING")
    assert e["eligible"] and "申诉" in e["reasons"][-1]
    # a granted appeal does not outlive the person
    status_add(
        actor=users["admin"],
        person=person,
        kind="deceased",
        valid_from=datetime.date(2026, 12, 5),
        source="殡葬系统",
    )
    assert run(users, month="2027-01") == []
    jan = next(
        x
        for x in engine.person_eligibility(person, datetime.date(2027, 1, 1))
        if x["programme_code"] == "GAOLING"
    )
    assert not jan["eligible"]


def test_rejected_batch_frees_its_lines_for_a_corrected_run(elders, users):
    (batch,) = run(users)
    from carecircle.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        services.payroll_reject(actor=users["district"], batch_id=batch.pk, note="")
    services.payroll_reject(actor=users["district"], batch_id=batch.pk, note="名单有误，重新计算")
    assert Payment.objects.count() == 0
    (again,) = run(users)
    assert again.line_count == 3


def test_command_line_run(elders, users):
    out = io.StringIO()
    call_command("payroll", "run", "--month", "2026-11", "--programme", "GAOLING", stdout=out)
    assert "3 笔" in out.getvalue() and "待审核" in out.getvalue()
    out = io.StringIO()
    call_command("payroll", "run", "--month", "2026-11", "--programme", "GAOLING", stdout=out)
    assert "没有新的差额" in out.getvalue()
    with pytest.raises(CommandError, match="月份格式"):
        call_command("payroll", "run", "--month", "2026-13x", stdout=io.StringIO())
    with pytest.raises(CommandError, match="未知的项目代码"):
        call_command("payroll", "run", "--month", "2026-11", "--programme", "NOPE", stdout=io.StringIO())
    batch = Batch.objects.get()
    with pytest.raises(CommandError, match="管辖范围"):  # a city-wide batch needs a city approver
        call_command(
            "payroll", "approve", "--batch", str(batch.pk), "--user", "district", stdout=io.StringIO()
        )
    call_command("payroll", "approve", "--batch", str(batch.pk), "--user", "admin", stdout=io.StringIO())
    batch.refresh_from_db()
    assert batch.state == "approved"
    assert Appeal.objects.count() == 0


def test_monthly_task_runs_the_payroll_without_anyone_applying(elders):
    from carecircle.benefits.tasks import monthly_payroll
    from carecircle.core.tasks import periodic_tasks

    assert "benefits.monthly_payroll" in periodic_tasks()
    monthly_payroll()
    batches = Batch.objects.filter(state="prepared")
    assert batches.filter(programme__code="GAOLING").exists() and batches.first().prepared_by is None


@pytest.mark.django_db(transaction=True)
def test_programmes_in_parallel_give_what_one_after_another_gives(
    postgres, funded, make_person, users, settings
):
    """PostgreSQL, outside a transaction: the programmes run on parallel connections, each in its
    own transaction, and the result is the sequential run's, line for line."""
    from carecircle.registry.models import StatusKind

    people = [make_person(birth=born(age, NOV, 5)) for age in (62, 79, 80, 85, 100, 101)]
    status_add(
        actor=users["admin"],
        person=people[0],
        kind=StatusKind.DIBAO,
        valid_from=datetime.date(2020, 1, 1),
        source="民政低保系统",
    )
    for person in people:  # the accident insurance covers 户籍 residents (Hangzhou 三(一)9)
        status_add(
            actor=users["admin"],
            person=person,
            kind=StatusKind.HUJI,
            valid_from=datetime.date(2020, 1, 1),
            source="公安户籍",
        )
    infant = make_person(birth=datetime.date(2025, 6, 1))

    def lines():
        return sorted(Payment.objects.values_list("programme__code", "person_id", "kind", "amount"))

    settings.CARECIRCLE_PAYROLL_WORKERS = 3
    with transaction.atomic():
        assert payroll.parallel_workers(6) == 1  # other connections could not see this transaction's rows
    settings.CARECIRCLE_PAYROLL_WORKERS = 1
    sequential = services.payroll_run(actor=None, month="2026-11")
    expected = lines()
    # two programmes to run side by side; a voucher programme is paid where its vouchers are used
    assert {b.programme.code for b in sequential} >= {"GAOLING", "ACCIDENT_INSURANCE"}
    assert infant.pk not in {person for _code, person, _kind, _amount in expected}
    Payment.objects.all().delete()
    Batch.objects.all().delete()

    settings.CARECIRCLE_PAYROLL_WORKERS = 3
    assert payroll.parallel_workers(6) == 3
    parallel = services.payroll_run(actor=None, month="2026-11")
    assert [b.programme.code for b in parallel] == [b.programme.code for b in sequential]
    assert [(b.line_count, b.total_payable) for b in parallel] == [
        (b.line_count, b.total_payable) for b in sequential
    ]
    assert lines() == expected
    assert services.payroll_run(actor=None, month="2026-11") == []  # exactly once, whichever way it ran


@pytest.mark.django_db
def test_largest_programmes_start_first(postgres, funded, make_person):
    """With two workers the longest run must start at once: programmes go largest first, by the
    lines of their latest month, or by the planner's estimate when they have never run."""
    from django.db import connection

    for _ in range(40):
        make_person(birth=born(85, NOV, 5))
    for _ in range(3):
        make_person(birth=datetime.date(2025, 6, 1))
    with connection.cursor() as c:
        c.execute("ANALYZE registry_person")
    programmes = list(funded.values())
    never_run = [p.code for p in payroll.largest_first(programmes, NOV)]
    assert set(never_run[:2]) == {"GAOLING", "ACCIDENT_INSURANCE"}  # 40 aged 85
    assert never_run.index("CHILDCARE_VOUCHER") < never_run.index(
        "NURSING_SUBSIDY"
    )  # 3 infants, nobody assessed

    def batch(code, month, lines):
        Batch.objects.create(programme=funded[code], month=month, region_code=STREET, line_count=lines)

    batch("CHILDCARE_VOUCHER", "2026-10", 500)
    batch("GAOLING", "2026-09", 900)
    batch("GAOLING", "2026-10", 400)
    batch("GAOLING", "2026-10", 3)  # a re-run's arrears add to the month, they do not replace it
    assert [p.code for p in payroll.largest_first(programmes, NOV)][:2] == ["CHILDCARE_VOUCHER", "GAOLING"]
    batch("GAOLING", "2026-10", 200)
    assert [p.code for p in payroll.largest_first(programmes, NOV)][:2] == ["GAOLING", "CHILDCARE_VOUCHER"]


def test_entitled_amounts_for_many_agree_with_entitlements_person_by_person(elders, make_person):
    """The set-based read other modules use for many persons gives what entitlements_for gives
    for each (tiers by age, the 79-year-old left out, a programme paid another way refused)."""
    from carecircle.benefits.selectors import entitled_amounts, entitlements_for
    from carecircle.registry.models import Person

    everyone = Person.objects.filter(pk__in=[p.pk for p in elders])
    got = entitled_amounts(programme_code="GAOLING", persons=everyone, day=NOV)
    expected = {
        p.pk: e.amount
        for p in elders
        for e in entitlements_for(person=p, day=NOV)
        if e.programme_code == "GAOLING"
    }
    assert got == expected and len(got) == 3
    assert (
        entitled_amounts(programme_code="GAOLING", persons=everyone, day=NOV, payment_method="voucher") == {}
    )
    assert entitled_amounts(programme_code="NO_SUCH", persons=everyone, day=NOV) == {}
