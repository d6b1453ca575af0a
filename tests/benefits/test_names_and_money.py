"""Benefits pages read as a district worker reads them: regions by name (never a bare 12-digit
code), money as ¥1,234.00 with the sign a reader expects (the appropriation is money in, not
−10000000.00), periods in words (2026年11月, 一次性)."""

import re

import pytest

from carecircle.benefits import services
from carecircle.benefits.models import Batch
from tests.benefits.conftest import born, today

CODE = re.compile(r"(?<!\d)\d{12}(?!\d)")


def shown(response) -> str:
    """The text a reader sees: tags (and the codes in their attributes) left out."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


@pytest.fixture
def batch(funded, make_person, users):
    make_person(birth=born(85, today(), 40), name="王秀英")
    make_person(birth=born(86, today(), 40), name="李桂香", region_code="339901001002")
    [batch] = services.payroll_run(
        actor=users["street"], month="2026-11", region_code="339901001000", programme_code="GAOLING"
    )
    return batch


def test_payroll_detail_names_regions_and_writes_money(batch, users, client_for):
    text = shown(client_for(users["street"]).get(f"/benefits/payrolls/{batch.pk}/"))
    assert "东湖区 / 文新街道" in text  # the batch's scope
    assert "桂花社区" in text and "丹枫社区" in text  # the 社区 column of the lines
    assert "东湖区" in text  # the district table
    assert "2026年11月" in text and "¥" in text and "2026-11" not in text
    assert CODE.findall(text) == []


def test_payroll_index_names_the_scope_and_offers_regions_by_name(batch, users, client_for):
    response = client_for(users["street"]).get("/benefits/")
    text = shown(response)
    assert "文新街道" in text and CODE.findall(text) == []
    body = response.content.decode()
    assert "data-region-picker" in body and ">东湖区 / 文新街道 / 桂花社区<" in body


def test_payroll_run_takes_the_scope_by_name(funded, make_person, users, client_for):
    make_person(birth=born(85, today(), 40), name="王秀英")
    r = client_for(users["street"]).post(
        "/benefits/",
        {"month": "2026-11", "programme_code": "GAOLING", "region_code": "文新街道", "lookback": "0"},
    )
    assert r.status_code == 302
    assert Batch.objects.get().region_code == "339901001000"
    outside = client_for(users["street"]).post(
        "/benefits/", {"month": "2026-11", "programme_code": "GAOLING", "region_code": "蒋村街道"}
    )
    assert outside.status_code == 422 and "没有名为“蒋村街道”的区划" in outside.content.decode()


def test_funds_ledger_names_regions_and_money_in_reads_positive(batch, users, client_for):
    services.payroll_approve(actor=users["district"], batch_id=batch.pk, note="核对无误")
    text = shown(client_for(users["admin"]).get("/benefits/funds/"))
    assert "¥10,000,000.00" in text  # 预算拨入: money appropriated, as the reader expects it
    assert "−¥10,000,000.00" not in text and "-10000000" not in text and "10000000.00" not in text
    assert "示范市" in text and "东湖区" in text  # the ledger's regions by name
    assert "2026年11月" in text
    assert CODE.findall(text) == []


def test_appeals_name_the_district_that_handles_them(funded, make_person, users, client_for):
    person = make_person(birth=born(85, today(), 40), name="王秀英")
    services.appeal_file(
        actor=users["street"],
        person=person,
        programme=funded["GAOLING"],
        month="2026-11",
        reason="本月津贴未收到",
    )
    text = shown(client_for(users["district"]).get("/benefits/appeals/"))
    assert "承办" in text and "东湖区" in text and "2026年11月" in text
    assert CODE.findall(text) == []


def test_bank_file_names_the_community_beside_its_code(batch, users):
    import csv
    import io

    services.payroll_approve(actor=users["district"], batch_id=batch.pk, note="核对无误")
    body, _name = services.payroll_export(actor=users["district"], batch_id=batch.pk, fmt="csv")
    header, *lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    at = header.index("所属社区")
    assert header[at + 1] == "社区代码"
    assert sorted((row[at], row[at + 1]) for row in lines) == [
        ("丹枫社区", "339901001002"),
        ("桂花社区", "339901001001"),
    ]
