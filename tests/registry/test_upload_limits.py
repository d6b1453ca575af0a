"""Upload limits (issue 13, High 7 and "no size or row limit"): a decompression bomb, a file too large,
too many rows, a zip that is not a workbook and a long file name are all answered with a 4xx and a
clear message, before anything is unpacked or written."""

import io
import re
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from carecircle.core.tables import FileRejected, open_table
from carecircle.registry.models import ImportJob, Person
from tests.registry.test_imports import csv_file, good_rows, row, xlsx_file

INFLATED = 200 * 1024 * 1024


def bomb_xlsx() -> bytes:
    """A workbook whose shared strings inflate from about 200 KB to 200 MB (the tester's file)."""
    base = xlsx_file(good_rows()).read()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst,
    ):
        for item in src.infolist():
            if item.filename != "xl/sharedStrings.xml":
                dst.writestr(item, src.read(item))
        with dst.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            member.write(
                b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main"><si><t>'
            )
            chunk = b"A" * (1024 * 1024)
            for _ in range(INFLATED // len(chunk)):
                member.write(chunk)
            member.write(b"</t></si></sst>")
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return bomb_xlsx()


def test_decompression_bomb_is_refused_before_it_is_unpacked(users, client_for, bomb):
    assert len(bomb) < 400 * 1024  # the small file of the finding
    client = client_for(users["street"])
    client.get("/api/v1/imports/1")  # the API's modules loaded before memory is counted
    tracemalloc.start()
    started = time.monotonic()
    try:
        response = client.post("/api/v1/imports", {"file": SimpleUploadedFile("people.xlsx", bomb)})
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 422, response.content[:300]
    assert "压缩" in response.json()["message"]
    assert peak < 100 * 1024 * 1024, (
        f"{peak / 1e6:.0f} MB allocated while refusing the file"
    )  # unpacked: 200 MB+
    assert time.monotonic() - started < 10
    assert not ImportJob.objects.exists()


def test_archive_limits_are_read_from_the_zip_directory(tmp_path, bomb):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bomb)
    with pytest.raises(FileRejected, match="压缩"):
        open_table(path)
    with (
        override_settings(CARECIRCLE_UPLOAD_MAX_RATIO=10**6),
        pytest.raises(FileRejected, match="解压后过大"),
    ):
        open_table(path)  # no ratio limit: the unpacked-size limits still hold


def test_a_zip_that_is_not_a_workbook_is_a_4xx(users, client_for):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "hello")
    client = client_for(users["street"])
    response = client.post("/api/v1/imports", {"file": SimpleUploadedFile("people.xlsx", buf.getvalue())})
    assert response.status_code == 422
    assert "不是 Excel 工作簿" in response.json()["message"]
    broken = client.post(
        "/api/v1/imports", {"file": SimpleUploadedFile("people.xlsx", b"PK\x03\x04" + b"x" * 100)}
    )
    assert broken.status_code == 422 and "xlsx" in broken.json()["message"]


def test_upload_size_limit(users, client_for):
    client = client_for(users["street"])
    upload = csv_file(good_rows())
    with override_settings(CARECIRCLE_UPLOAD_MAX_BYTES=upload.size - 1):
        response = client.post("/api/v1/imports", {"file": upload})
        page = client.post("/people/imports/", {"file": csv_file(good_rows())})
    assert response.status_code == 413
    assert "文件过大" in response.json()["message"]
    assert "文件过大" in page.content.decode()
    assert not ImportJob.objects.exists()


def test_default_limits_refuse_the_testers_files(settings):
    assert settings.CARECIRCLE_UPLOAD_MAX_BYTES < 39 * 1024 * 1024  # a 39 MB CSV was accepted
    assert settings.CARECIRCLE_UPLOAD_MAX_ROWS < 300_000  # and a 300,000-row sheet


@pytest.mark.parametrize("make", [csv_file, xlsx_file])
def test_row_limit(users, client_for, make):
    client = client_for(users["street"])
    rows = [row(f"人{i}", "1") for i in range(11)]
    with override_settings(CARECIRCLE_UPLOAD_MAX_ROWS=10):
        response = client.post("/api/v1/imports", {"file": make(rows)})
    assert response.status_code == 422
    assert "数据行过多" in response.json()["message"]


def test_row_limit_holds_when_the_estimate_is_fooled(users, city, tmp_path):
    # a workbook whose <dimension> says one row: the limit is counted again while reading
    base = xlsx_file([row(f"人{i}", "1") for i in range(12)]).read()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:J1"', data)
            dst.writestr(item, data)
    path = tmp_path / "rows.xlsx"
    path.write_bytes(out.getvalue())
    with override_settings(CARECIRCLE_UPLOAD_MAX_ROWS=10):
        _headers, rows, total = open_table(path)
        assert total == 0  # the estimate is fooled; the count while reading is not
        with pytest.raises(FileRejected, match="数据行过多"):
            list(rows)


def test_long_chinese_file_name_is_accepted(users, city, client_for, django_capture_on_commit_callbacks):
    name = "长" * 120 + ".csv"
    client = client_for(users["street"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/imports", {"file": csv_file(good_rows(), name=name)})
    assert response.status_code == 202, response.content[:300]
    job = ImportJob.objects.get()
    assert job.file_name == name and Person.objects.count() == 3


def test_a_rejection_keeps_no_whole_cell(users, city, client_for, django_capture_on_commit_callbacks):
    """The rejections were one 22 MB value: each entry is bounded, and the row limit bounds their number."""
    client = client_for(users["street"])
    rows = [row("张" * 100_000, "1" * 5000)]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/imports", {"file": csv_file(rows)})
    assert response.status_code == 202
    (rejection,) = ImportJob.objects.get().rejections
    assert len(rejection["name"]) <= 50 and len(rejection["reason"]) <= 200
