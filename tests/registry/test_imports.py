import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from carecircle.core.tables import FileRejected
from carecircle.registry import services
from carecircle.registry.imports import COLUMNS, template_xlsx
from carecircle.registry.models import ImportJob, Person, PersonStatus
from tests.conftest import COMMUNITY_A, COMMUNITY_A2, COMMUNITY_B, id_number

HEADERS = list(COLUMNS)


def row(name, number, community=COMMUNITY_A, statuses="", start="2026-01-01", phone="13800001111"):
    return [
        name,
        number,
        community,
        phone,
        "文新街道桂花苑1幢101室",
        "120.12",
        "30.29",
        statuses,
        start,
        "测试",
    ]


def csv_file(rows, headers=HEADERS, encoding="utf-8-sig", name="people.csv"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(encoding), content_type="text/csv")


def xlsx_file(rows, headers=HEADERS, name="people.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue())


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Start an import and run its background task as the commit would."""

    def start(user, upload) -> ImportJob:
        with django_capture_on_commit_callbacks(execute=True):
            job = services.import_start(actor=user, uploaded_file=upload)
        job.refresh_from_db()
        return job

    return start


ELDER = datetime.date(1948, 5, 20)


def good_rows():
    return [
        row("张桂英", id_number(ELDER, 2), statuses="独居、低保"),
        row("李建国", id_number(ELDER, 3), community=COMMUNITY_A2),
        row("王一诺", id_number(timezone.localdate() - datetime.timedelta(days=400), 5)),
    ]


def test_good_rows_are_imported_with_statuses(users, city, run):
    job = run(users["street"], csv_file(good_rows()))
    assert job.state == "done", job.error
    assert (job.created_count, job.rejected_count) == (3, 0)
    person = Person.objects.get(name="张桂英")
    assert set(person.statuses.values_list("kind", flat=True)) == {"living_alone", "dibao"}
    assert person.statuses.first().valid_from == datetime.date(2026, 1, 1)
    assert person.phone == "13800001111" and person.phone_masked == "138****1111"


def test_bad_rows_are_reported_and_good_rows_kept(users, city, run):
    bad_check = id_number(ELDER, 7)
    bad_check = bad_check[:-1] + ("1" if bad_check[-1] != "1" else "2")
    rows = good_rows() + [
        row("校验位错", bad_check),
        row("日期错", id_number(datetime.date(1950, 1, 1), 9).replace("19500101", "19500231")),
        row("未知社区", id_number(ELDER, 11), community="339901001099"),
        row("重复", good_rows()[0][1]),
        row("区外", id_number(ELDER, 13), community=COMMUNITY_B),
        row("", id_number(ELDER, 15)),
        row("状况错", id_number(ELDER, 17), statuses="富裕"),
        row("日期格式", id_number(ELDER, 19), statuses="独居", start="明天"),
    ]
    job = run(users["street"], csv_file(rows))
    assert job.created_count == 3
    reasons = {r["row"]: (r["field"], r["reason"]) for r in job.rejections}
    assert set(reasons) == {5, 6, 7, 8, 9, 10, 11, 12}
    assert "校验位" in reasons[5][1]
    assert "出生日期" in reasons[6][1]
    assert reasons[7][0] == "社区代码" and "未知" in reasons[7][1]
    assert "第2行" in reasons[8][1]
    assert "管辖" in reasons[9][1]
    assert reasons[10][0] == "姓名"
    assert reasons[11][0] == "状况"
    assert reasons[12][0] == "状况起始日期"
    assert not Person.objects.filter(name__in=["校验位错", "区外", "状况错"]).exists()


def test_reimport_changes_nothing(users, city, run):
    run(users["street"], csv_file(good_rows()))
    before = (Person.objects.count(), PersonStatus.objects.count())
    job = run(users["street"], csv_file(good_rows()))
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 3)
    assert (Person.objects.count(), PersonStatus.objects.count()) == before


def test_reimport_with_a_new_status_adds_only_that(users, city, run):
    run(users["street"], csv_file(good_rows()))
    rows = good_rows()
    rows[1][7] = "空巢"
    job = run(users["street"], csv_file(rows))
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 2)
    assert Person.objects.get(name="李建国").statuses.get().kind == "empty_nest"


def test_gbk_csv_is_read(users, city, run):
    job = run(users["street"], csv_file(good_rows(), encoding="gbk"))
    assert job.created_count == 3
    assert Person.objects.filter(name="张桂英").exists()


def test_xlsx_is_read(users, city, run):
    job = run(users["street"], xlsx_file(good_rows()))
    assert job.created_count == 3, job.rejections


def test_template_has_the_import_columns(users):
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(template_xlsx())).active
    assert [c.value for c in ws[1]] == HEADERS


@pytest.mark.parametrize(
    "upload, message",
    [
        (lambda: csv_file(good_rows(), headers=["名字", "号码", "社区代码"]), "缺少必填列"),
        (lambda: csv_file(good_rows(), headers=HEADERS[:-1] + ["血型"]), "无法识别的列"),
        (lambda: SimpleUploadedFile("x.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR"), "不是表格"),
        (lambda: SimpleUploadedFile("x.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100), ".xls"),
        (lambda: SimpleUploadedFile("x.xlsx", b"PK\x03\x04broken zip"), "Excel"),
        (lambda: SimpleUploadedFile("x.csv", "姓名,身份证号\n".encode("utf-16")), "不是表格"),
        (lambda: SimpleUploadedFile("x.csv", b""), "空"),
    ],
)
def test_malformed_file_is_refused_whole(users, city, upload, message):
    with pytest.raises(FileRejected, match=message):
        services.import_start(actor=users["street"], uploaded_file=upload())
    assert not ImportJob.objects.exists() and not Person.objects.exists()


def test_import_page_round_trip(users, city, client_for, django_capture_on_commit_callbacks):
    client = client_for(users["street"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/people/imports/", {"file": csv_file(good_rows()[:1] + [row("", "1")])})
    response = client.get(response["Location"])
    body = response.content.decode()
    assert response.status_code == 200
    assert "已完成" in body and "姓名不能为空" in body
    job = ImportJob.objects.get()
    report = client.get(f"/people/imports/{job.pk}/rejections.csv")
    assert "姓名不能为空" in report.content.decode("utf-8-sig")
    refused = client.post("/people/imports/", {"file": csv_file([], headers=["a"])})
    assert "缺少必填列" in refused.content.decode()


def test_import_api(users, city, client_for, django_capture_on_commit_callbacks):
    client = client_for(users["street"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/imports", {"file": csv_file(good_rows())})
    assert response.status_code == 202
    job_id = response.json()["id"]
    detail = client.get(f"/api/v1/imports/{job_id}").json()
    assert detail["state"] == "done" and detail["created_count"] == 3
    bad = client.post("/api/v1/imports", {"file": csv_file([], headers=["a"])})
    assert bad.status_code == 422 and "缺少必填列" in bad.json()["message"]
