"""GB/T 42195-2022 scoring: the form's structure, every item's bounds, level boundaries and the
adjustments, through the pure scorer and the stateless API."""

import pytest

from carecircle.assessment import capability
from carecircle.core.errors import InvalidInput

FULL = {code: item.max_score for code, item in capability.ITEMS.items()}
ORDER = list(capability.ITEMS)


def with_total(total: int) -> dict:
    """A form with the given total: take points away item by item from the full form."""
    answers = dict(FULL)
    missing = capability.TOTAL_MAX - total
    for code in ORDER:
        take = min(missing, answers[code])
        answers[code] -= take
        missing -= take
    assert missing == 0
    return answers


def test_structure_matches_the_standard():
    dims = {d.code: d for d in capability.DIMENSIONS}
    assert [len(dims[c].items) for c in ("B.1", "B.2", "B.3", "B.4")] == [8, 4, 9, 5]
    for d in capability.DIMENSIONS:
        assert sum(i.max_score for i in d.items) == d.max_score
    assert [d.max_score for d in capability.DIMENSIONS] == [32, 15, 28, 15]
    assert capability.TOTAL_MAX == 90 and len(capability.ITEMS) == 26
    assert ORDER[0] == "B.1.1" and capability.ITEMS["B.1.1"].name == "进食"
    assert ORDER[-1] == "B.4.5" and capability.ITEMS["B.4.5"].name == "社会交往能力"
    # Items whose maximum is not 4 in the standard.
    assert {c: i.max_score for c, i in capability.ITEMS.items() if i.max_score != 4} == {
        "B.2.4": 3,
        "B.3.7": 1,
        "B.3.8": 1,
        "B.3.9": 2,
        "B.4.1": 2,
        "B.4.2": 2,
        "B.4.4": 3,
    }
    for item in capability.ITEMS.values():  # every score from 0 to the maximum has its own text
        assert sorted(item.scores) == list(range(item.max_score + 1))
        assert all(text for _, text in item.options)


@pytest.mark.parametrize("code", ORDER)
def test_each_item_bounds(code):
    item = capability.ITEMS[code]
    low = dict(FULL, **{code: 0})
    assert capability.score(low).total == 90 - item.max_score
    assert capability.score(dict(FULL, **{code: item.max_score})).total == 90
    for bad in (-1, item.max_score + 1):
        with pytest.raises(InvalidInput) as exc:
            capability.score(dict(FULL, **{code: bad}))
        assert exc.value.field == f"answers.{code}"
        assert code in str(exc.value.message)


def test_missing_unknown_and_non_integer_answers_name_the_item():
    answers = dict(FULL)
    del answers["B.3.4"]
    with pytest.raises(InvalidInput) as exc:
        capability.score(answers)
    assert exc.value.field == "answers.B.3.4" and "记忆" in str(exc.value.message)
    with pytest.raises(InvalidInput) as exc:
        capability.score(dict(FULL, **{"B.5.1": 1}))
    assert exc.value.field == "answers.B.5.1"
    for bad in (2.5, True, "x", None):
        with pytest.raises(InvalidInput) as exc:
            capability.score(dict(FULL, **{"B.2.1": bad}))
        assert exc.value.field == "answers.B.2.1"


@pytest.mark.parametrize(
    "total,level",
    [
        (90, 0),
        (89, 1),
        (66, 1),
        (65, 2),
        (46, 2),
        (45, 3),
        (30, 3),
        (29, 4),
        (0, 4),
    ],
)
def test_level_boundaries(total, level):
    r = capability.score(with_total(total))
    assert r.total == total
    assert r.preliminary_level == level == r.final_level
    assert sum(r.dimension_scores.values()) == total


def test_dimension_scores():
    r = capability.score(dict(FULL, **{"B.1.1": 2, "B.2.4": 0, "B.3.9": 1, "B.4.1": 0}))
    assert r.dimension_scores == {"B.1": 30, "B.2": 12, "B.3": 27, "B.4": 13}
    assert r.total == 82


def test_coma_is_complete_disability_whatever_the_score():
    r = capability.score(FULL, coma=True)
    assert (r.preliminary_level, r.final_level) == (0, 4)
    assert r.adjustments


def test_dementia_raises_one_level():
    assert capability.score(with_total(89), dementia_or_mental_disorder=True).final_level == 2
    assert capability.score(FULL, dementia_or_mental_disorder=True).final_level == 1


def test_risk_events_raise_one_level_from_two():
    assert capability.score(with_total(50), risk_events_30d=1).final_level == 2
    assert capability.score(with_total(50), risk_events_30d=2).final_level == 3
    with pytest.raises(InvalidInput) as exc:
        capability.score(FULL, risk_events_30d=-1)
    assert exc.value.field == "risk_events_30d"


def test_adjustments_add_up_but_never_past_complete_disability():
    both = capability.score(with_total(70), dementia_or_mental_disorder=True, risk_events_30d=3)
    assert (both.preliminary_level, both.final_level) == (1, 3)
    assert len(both.adjustments) == 2
    capped = capability.score(with_total(40), dementia_or_mental_disorder=True, risk_events_30d=2)
    assert (capped.preliminary_level, capped.final_level) == (3, 4)
    worst = capability.score(with_total(10), dementia_or_mental_disorder=True, risk_events_30d=5)
    assert worst.final_level == 4


# ------------------------------------------------------------------ the stateless API

URL = "/api/v1/assessments/capability/score"


def test_api_round_trip(users, client_for):
    client = client_for(users["community"])
    body = {
        "answers": with_total(60),
        "coma": False,
        "dementia_or_mental_disorder": False,
        "risk_events_30d": 2,
    }
    r = client.post(URL, body, content_type="application/json")
    assert r.status_code == 200, r.content
    data = r.json()
    assert data["total"] == 60
    assert sum(data["dimension_scores"].values()) == 60 and set(data["dimension_scores"]) == {
        "B.1",
        "B.2",
        "B.3",
        "B.4",
    }
    assert (data["preliminary_level"], data["preliminary_level_name"]) == (2, "中度失能")
    assert (data["final_level"], data["final_level_name"]) == (3, "重度失能")


@pytest.mark.parametrize(
    "change,field",
    [
        ({"B.4.5": None}, "answers.B.4.5"),
        ({"B.9.9": 1}, "answers.B.9.9"),
        ({"B.2.4": 4}, "answers.B.2.4"),
        ({"B.3.7": -1}, "answers.B.3.7"),
    ],
)
def test_api_422_names_the_item(users, client_for, change, field):
    answers = dict(FULL)
    for k, v in change.items():
        if v is None:
            answers.pop(k)
        else:
            answers[k] = v
    r = client_for(users["community"]).post(URL, {"answers": answers}, content_type="application/json")
    assert r.status_code == 422
    assert r.json()["field"] == field
    assert field.removeprefix("answers.") in r.json()["message"]


def test_api_needs_sign_in(client, db):
    assert client.post(URL, {"answers": FULL}, content_type="application/json").status_code == 401


def test_form_definition_endpoint(users, client_for):
    data = client_for(users["community"]).get("/api/v1/assessments/capability/form").json()
    assert data["total_max"] == 90
    items = [i for d in data["dimensions"] for i in d["items"]]
    assert len(items) == 26 and items[0]["options"][0] == {
        "score": 4,
        "text": capability.ITEMS["B.1.1"].options[0][1],
    }
