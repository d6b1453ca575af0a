"""The children's export streams: the people come in chunks (iterator) and each chunk reads the
names of its own communities, never the whole region table into memory."""

import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from carecircle.core.models import Region
from carecircle.registry import views_children
from tests.registry.scope_factories import make_child


def test_the_export_reads_only_the_names_of_its_rows_communities(users, client_for, monkeypatch):
    for i in range(30):  # regions no child lives in
        Region.objects.create(
            code=f"3399010090{i:02d}", name=f"无关社区{i}", level=5, parent_id="339901001000"
        )
    for name, code in (("甲", "339901001001"), ("乙", "339901001001"), ("丙", "339901001002")):
        make_child(users, name=name, region_code=code)
    monkeypatch.setattr(views_children, "EXPORT_CHUNK", 2)  # three children: two chunks
    with CaptureQueriesContext(connection) as captured:
        response = client_for(users["admin"]).get("/people/children/export.xlsx")
    assert response.status_code == 200
    region_reads = [q["sql"] for q in captured.captured_queries if 'FROM "core_region"' in q["sql"]]
    assert region_reads and all("WHERE" in sql for sql in region_reads), region_reads
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    communities = {Region.objects.get(code=c).name for c in ("339901001001", "339901001002")}
    assert sorted(r[0] for r in rows) == ["丙", "乙", "甲"]
    assert {r[7] for r in rows} == communities  # names in every chunk, not codes
