"""Input limits at the API (issue 13): every number the API takes has bounds in its schema, so a
value out of range is a 422 with a Chinese message naming the field, never a 500 and never a stored
value that breaks later reads; one schema name means one schema in the OpenAPI document."""

import pytest

from carecircle.core.api import api
from carecircle.core.errors import InvalidInput
from carecircle.core.limits import (
    LATITUDE_MAX,
    LONGITUDE_MIN,
    check_coordinates,
    check_money,
    money_max,
)


def _openapi() -> dict:
    return api.get_openapi_schema(path_prefix="/api/v1/")


def _unbounded(doc: dict) -> list[str]:
    components = doc.get("components", {}).get("schemas", {})

    def resolve(s):
        while isinstance(s, dict) and "$ref" in s:
            s = components[s["$ref"].split("/")[-1]]
        return s

    found = []

    def walk(s, where):
        s = resolve(s)
        if not isinstance(s, dict):
            return
        for key in ("anyOf", "oneOf", "allOf"):
            for sub in s.get(key, []):
                walk(sub, where)
        if s.get("type") in ("integer", "number"):
            low = "minimum" in s or "exclusiveMinimum" in s
            high = "maximum" in s or "exclusiveMaximum" in s
            if not (low and high):
                found.append(where)
        for name, sub in s.get("properties", {}).items():
            walk(sub, f"{where}.{name}")
        if s.get("type") == "array":
            walk(s.get("items", {}), f"{where}[]")

    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            for p in op.get("parameters", []):
                walk(p.get("schema", {}), f"{method.upper()} {path} {p['in']}:{p['name']}")
            for content in op.get("requestBody", {}).get("content", {}).values():
                walk(content.get("schema", {}), f"{method.upper()} {path} body")
    return found


def test_every_number_the_api_takes_is_bounded():
    assert _unbounded(_openapi()) == []


def test_each_schema_name_is_one_schema():
    """The payroll request body was documented with the coverage run's schema (both were `RunIn`):
    ninja names components by class name, so two classes of one name share one component."""
    from ninja import Schema

    seen: dict[str, str] = {}
    clashes = []

    def visit(cls):
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("carecircle."):
                where = f"{sub.__module__}.{sub.__qualname__}"
                if seen.setdefault(sub.__name__, where) != where:
                    clashes.append((seen[sub.__name__], where))
            visit(sub)

    _openapi()  # every module's api imported
    visit(Schema)
    assert clashes == []
    body = _openapi()["paths"]["/api/v1/benefits/payrolls"]["post"]["requestBody"]["content"][
        "application/json"
    ]
    ref = body["schema"]["$ref"].split("/")[-1]
    fields = _openapi()["components"]["schemas"][ref]["properties"]
    assert {"month", "programme", "lookback"} <= set(fields) and "minutes" not in fields


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/carevisits/coverage?region_code=339901000000&year=117062686&month=1", "year"),
        ("/api/v1/carevisits/vulnerable?offset=9999999999999999999", "offset"),
        ("/api/v1/persons?offset=9999999999999999999", "offset"),
        ("/api/v1/persons/99999999999999999999", "person_id"),
        ("/api/v1/carevisits/worklist?year=2026&month=13", "month"),
    ],
)
def test_out_of_range_query_values_are_a_422_naming_the_field(users, client_for, url, field):
    r = client_for(users["admin"]).get(url)
    assert r.status_code == 422, r.content[:300]
    body = r.json()
    assert body["errors"][0]["field"] == field
    assert field in body["message"] and body["message"].startswith("输入有误")


def test_a_latitude_out_of_china_is_refused_everywhere(users, client_for, tmp_path):
    from carecircle.core.region_import import region_import
    from carecircle.core.services import region_upsert
    from tests.conftest import COMMUNITY_A

    r = client_for(users["admin"]).post(
        "/api/v1/persons",
        {
            "name": "张三",
            "id_number": "330106195003071234",
            "region_code": COMMUNITY_A,
            "latitude": 1e300,
            "longitude": 120.1,
        },
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "latitude"
    path = tmp_path / "regions.csv"
    path.write_text("区划代码,名称,纬度,经度\n339901001003,新社区,1e300,120.1\n", encoding="utf-8")
    result = region_import(path, actor=users["admin"])
    assert result["rejected"][0]["field"] == "纬度" and "纬度" in result["rejected"][0]["reason"]
    with pytest.raises(InvalidInput):
        region_upsert(
            actor=users["admin"], code="339901001003", name="新社区", latitude=30.2, longitude=1e300
        )


def test_the_checks_in_core():
    assert check_coordinates(None, None) == (None, None)
    assert check_coordinates(LATITUDE_MAX, LONGITUDE_MIN) == (LATITUDE_MAX, LONGITUDE_MIN)
    for lat, lng in ((1e300, 120), (30, float("inf")), (float("nan"), 120), (-30, 120)):
        with pytest.raises(InvalidInput):
            check_coordinates(lat, lng)
    assert check_money("12.345", "amount") == check_money("12.35", "amount")
    assert money_max(8) == check_money("999999.99", "monthly_fee", max_digits=8)
    for bad in ("1000000", "NaN", "Infinity", "abc", "-1"):
        with pytest.raises(InvalidInput):
            check_money(bad, "monthly_fee", max_digits=8)


def test_the_region_table_upload_has_the_upload_limits(users, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import override_settings

    from carecircle.core.models import Region

    client = client_for(users["district"])
    table = "区划代码,名称\n339901001003,新社区\n".encode()
    with override_settings(CARECIRCLE_UPLOAD_MAX_BYTES=len(table) - 1):
        refused = client.post("/regions/", {"file": SimpleUploadedFile("r.csv", table)}, follow=True)
    assert "文件过大" in refused.content.decode() and not Region.objects.filter(code="339901001003").exists()
    name = "长" * 120 + ".csv"  # a long name is no path on disk
    accepted = client.post("/regions/", {"file": SimpleUploadedFile(name, table)}, follow=True)
    assert accepted.status_code == 200 and Region.objects.filter(code="339901001003", name="新社区").exists()


def test_nul_characters_are_refused_everywhere(users, client_for):
    """PostgreSQL cannot hold or compare U+0000: a search with one answered 5xx there."""
    from tests.conftest import COMMUNITY_A

    client = client_for(users["admin"])
    body = client.post(
        "/api/v1/persons",
        {"name": "张\x00三", "id_number": "330106195003071234", "region_code": COMMUNITY_A},
        content_type="application/json",
    )
    assert body.status_code == 422 and body.json()["field"] == "name" and "NUL" in body.json()["message"]
    nested = client.put(
        "/api/v1/benefits/programmes/1", {"tiers": [{"label": "a\x00"}]}, content_type="application/json"
    )
    assert nested.status_code == 422 and nested.json()["field"] == "tiers.0.label"
    query = client.get("/api/v1/persons?q=a%00b")
    assert query.status_code == 422 and query.json()["field"] == "q"
    assert client.get("/api/v1/regions/3399%0001").status_code == 422
    page = client.get("/audit/?action=a%00")
    assert page.status_code == 400 and "action" in page.content.decode()
    form = client.post("/people/new/", {"name": "a\x00"})
    assert form.status_code == 400
    client.cookies["sessionid"] = "abcdefgh\x00"
    assert client.get("/api/v1/me").status_code == 422


def test_text_longer_than_its_column_is_a_4xx(users, client_for):
    """PostgreSQL refuses a name longer than its column (it answered 5xx, as if the database were
    down); SQLite stores it. Either way the answer is not a server error."""
    import datetime

    from tests.conftest import COMMUNITY_A, id_number

    r = client_for(users["admin"]).post(
        "/api/v1/persons",
        {
            "name": "长" * 5000,
            "id_number": id_number(datetime.date(1950, 3, 7), 11),
            "region_code": COMMUNITY_A,
        },
        content_type="application/json",
    )
    assert r.status_code < 500
    if r.status_code == 422:
        assert "过长" in r.json()["message"]
