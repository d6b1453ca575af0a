"""The LTC assessment standard (医保办发〔2021〕37号): the cited structure, the city's fill-in table
(checked against that structure, refused with a clear message while empty) and POST /api/v1/ltc/score."""

import copy

import pytest

from carecircle.careathome import ltc_reference as reference
from carecircle.careathome import ltc_scoring, selectors, services
from carecircle.careathome.models.ltc import LtcScaleTable
from carecircle.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.careathome.ltc_table import TABLE, answers

URL = "/api/v1/ltc/score"
CITY = "339900000000"


def test_the_cited_structure():
    assert [(c, n, k) for c, n, k in reference.DIMENSIONS] == [
        ("adl", "日常生活活动能力", 10),
        ("cognition", "认知能力", 4),
        ("perception", "感知觉与沟通能力", 3),
    ]
    assert sum(k for _c, _n, k in reference.DIMENSIONS) == 17
    assert reference.LEVEL_NAMES == (
        "基本正常",
        "轻度失能",
        "中度失能",
        "重度失能Ⅰ级",
        "重度失能Ⅱ级",
        "重度失能Ⅲ级",
    )
    assert "医保办发〔2021〕37号" in reference.SOURCE


def test_scoring_refuses_while_the_city_table_is_empty(users, client_for):
    with pytest.raises(Conflict) as exc:
        selectors.ltc_score(user=users["community"], answers=answers())
    assert "尚未根据《长期护理失能等级评估标准(试行)》正式文本填写评分表" in str(exc.value.message)
    r = client_for(users["community"]).post(URL, {"answers": answers()}, content_type="application/json")
    assert r.status_code == 409 and "正式文本" in r.json()["message"]


@pytest.fixture
def table(users):
    return services.ltc_scale_load(actor=users["admin"], region_code=CITY, **copy.deepcopy(TABLE))


@pytest.mark.parametrize(
    "totals,grades,level",
    [
        ((100, 8, 6), (0, 0, 0), 0),
        ((100, 7, 6), (0, 1, 0), 1),  # cognition 8 | 7: the first step below complete
        ((100, 8, 5), (0, 0, 1), 1),
        ((95, 8, 6), (1, 0, 0), 1),  # ADL 100 | 95
        ((65, 5, 4), (1, 1, 1), 1),  # every lower bound of grade 1
        ((65, 4, 6), (1, 2, 0), 2),  # cognition 5 | 4
        ((60, 8, 6), (2, 0, 0), 2),  # ADL 65 | 60
        ((45, 5, 4), (2, 1, 1), 2),
        ((45, 4, 6), (2, 2, 0), 3),
        ((40, 8, 6), (3, 0, 0), 3),  # ADL 45 | 40
        ((40, 7, 6), (3, 1, 0), 4),
        ((0, 5, 4), (3, 1, 1), 4),
        ((40, 2, 6), (3, 2, 0), 5),  # cognition 2 still grade 2
        ((0, 0, 0), (3, 3, 3), 5),
        ((40, 8, 3), (3, 0, 2), 5),  # perception 4 | 3
    ],
)
def test_every_level_and_band_boundary(table, totals, grades, level):
    got = ltc_scoring.score(table, answers(*totals))
    assert tuple(d.score for d in got.dimensions) == totals
    assert tuple(d.grade for d in got.dimensions) == grades
    assert (got.level, got.level_name) == (level, reference.LEVEL_NAMES[level])


def test_api_round_trip(table, users, client_for):
    r = client_for(users["community"]).post(
        URL, {"answers": answers(60, 4, 6)}, content_type="application/json"
    )
    assert r.status_code == 200, r.content
    data = r.json()
    assert [(d["name"], d["score"], d["grade"], d["grade_name"]) for d in data["dimensions"]] == [
        ("日常生活活动能力", 60, 2, "中度受损"),
        ("认知能力", 4, 2, "中度受损"),
        ("感知觉与沟通能力", 6, 0, "能力完好"),
    ]
    assert (data["level"], data["level_name"]) == (3, "重度失能Ⅰ级")


@pytest.mark.parametrize(
    "change,field,words",
    [
        ({"A1": None}, "answers.A1", "「进食」(A1)未作答"),
        ({"A7": 7}, "answers.A7", "「平地行走」(A7)的得分应为0、5、10之一"),
        ({"C2": -1}, "answers.C2", "的得分应为0、1、2之一"),
        ({"A3": "10"}, "answers.A3", "「面部与口腔清洁」"),
        ({"Z9": 1}, "answers.Z9", "没有编号为「Z9」的二级指标"),
    ],
)
def test_api_422_names_the_item_in_chinese(table, users, client_for, change, field, words):
    body = answers()
    for code, value in change.items():
        if value is None:
            body.pop(code)
        else:
            body[code] = value
    r = client_for(users["community"]).post(URL, {"answers": body}, content_type="application/json")
    assert r.status_code == 422, r.content
    assert r.json()["field"] == field
    assert words in r.json()["message"]


def test_api_needs_sign_in(client, db):
    assert client.post(URL, {"answers": answers()}, content_type="application/json").status_code == 401


def test_scope_both_sides(table, users, client_for):
    # insider: a community worker of the city scores; an outsider without LTC rights is refused
    assert selectors.ltc_score(user=users["community"], answers=answers()).level == 0
    for outsider in ("caregiver", "resident", "provider"):
        r = client_for(users[outsider]).post(URL, {"answers": answers()}, content_type="application/json")
        assert r.status_code in (403, 404), outsider
    # a region outside the user's grants
    with pytest.raises((Forbidden, NotFound)):
        selectors.ltc_score(user=users["community"], answers=answers(), region_code="339902001001")


def _broken(mutate):
    data = copy.deepcopy(TABLE)
    mutate(data)
    return data


@pytest.mark.parametrize(
    "mutate,field,words",
    [
        (lambda d: d["items"].pop(0), "items", "日常生活活动能力应有10项二级指标（标准规定），表中为9项"),
        (lambda d: d["items"].pop(), "items", "感知觉与沟通能力应有3项"),
        (lambda d: d["items"][1].update(code="A1"), "items", "二级指标编号重复：A1"),
        (
            lambda d: d["items"][0].update(options=d["items"][0]["options"][:1]),
            "items",
            "「进食」至少应有两个选项",
        ),
        (lambda d: d["grades"][1].update(low=70), "grades", "日常生活活动能力得分为65分时不属于任何等级"),
        (lambda d: d["grades"][2].update(high=70), "grades", "重叠"),
        (lambda d: d["combination"].pop(7), "combination", "组合表缺少1种组合"),
        (lambda d: d["combination"][0].update(level=6), "combination", "0至5级"),
        (lambda d: d.update(source=" "), None, "正式文本出处不能为空"),
    ],
)
def test_a_faulty_table_is_refused_whole(users, mutate, field, words):
    bad = _broken(mutate)
    with pytest.raises(InvalidInput) as exc:
        services.ltc_scale_load(actor=users["admin"], region_code=CITY, **bad)
    assert words in str(exc.value.message)
    if field:
        assert exc.value.field == field
    assert not LtcScaleTable.objects.exists()


def test_only_the_city_manager_enters_the_table(users, client_for):
    with pytest.raises((Forbidden, NotFound)):
        services.ltc_scale_load(actor=users["district"], region_code=CITY, **copy.deepcopy(TABLE))
    r = client_for(users["admin"]).put(
        "/api/v1/ltc/scale", {"region_code": CITY, **TABLE}, content_type="application/json"
    )
    assert r.status_code == 200, r.content
    shown = client_for(users["community"]).get("/api/v1/ltc/scale").json()
    assert shown["city_code"] == CITY and len(shown["table"]["items"]) == 17
    assert [d["items"] for d in shown["dimensions"]] == [10, 4, 3]
