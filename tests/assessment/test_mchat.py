"""M-CHAT-R/F: band edges, the reversed items, the age window, and the Follow-Up."""

import pytest

from carecircle.assessment import mchat
from carecircle.core.errors import InvalidInput

PASS = [i not in (2, 5, 12) for i in range(1, 21)]  # every answer in the not-at-risk direction


def failing(items) -> list[bool]:
    """Answers with exactly these items (1-based) in the at-risk direction."""
    return [(not PASS[i - 1]) if i in items else PASS[i - 1] for i in range(1, 21)]


def test_all_pass_scores_zero():
    assert mchat.score(age_months=20, answers=PASS).score == 0


@pytest.mark.parametrize("item", range(1, 21))
def test_each_item_direction(item):
    r = mchat.score(age_months=24, answers=failing({item}))
    assert r.score == 1 and r.failed_items == (item,)
    # "yes" is at risk exactly for the reversed items 2, 5 and 12.
    yes_all = [True] * 20
    assert (item in mchat.failed(yes_all)) == (item in (2, 5, 12))


@pytest.mark.parametrize(
    "n,risk,refer",
    [
        (0, "low", False),
        (2, "low", False),
        (3, "medium", None),
        (7, "medium", None),
        (8, "high", True),
        (20, "high", True),
    ],
)
def test_band_edges(n, risk, refer):
    r = mchat.score(age_months=18, answers=failing(set(range(1, n + 1))))
    assert (r.score, r.risk, r.refer) == (n, risk, refer)
    assert r.next_step


@pytest.mark.parametrize("months,ok", [(15, False), (16, True), (30, True), (31, False)])
def test_age_window(months, ok):
    if ok:
        assert mchat.score(age_months=months, answers=PASS).risk == "low"
    else:
        with pytest.raises(InvalidInput) as exc:
            mchat.score(age_months=months, answers=PASS)
        assert exc.value.field == "age_months" and "16–30" in str(exc.value.message)


def test_follow_up_refers_from_two_still_failing():
    r = mchat.score(age_months=20, answers=failing({1, 3, 4, 6}))
    assert r.risk == "medium"
    assert mchat.follow_up(initial=r, still_failing=[1]) is False
    assert mchat.follow_up(initial=r, still_failing=[1, 6]) is True
    with pytest.raises(InvalidInput):
        mchat.follow_up(initial=r, still_failing=[2, 1])  # item 2 passed at first


def test_bad_answers():
    with pytest.raises(InvalidInput):
        mchat.score(age_months=20, answers=PASS[:19])
    with pytest.raises(InvalidInput) as exc:
        mchat.score(age_months=20, answers=PASS[:19] + [None])
    assert exc.value.field == "answers.20"


def test_api(users, client_for):
    client = client_for(users["community"])
    r = client.post(
        "/api/v1/screenings/mchat/score",
        {"age_months": 20, "answers": failing({2, 5, 12})},
        content_type="application/json",
    )
    assert r.status_code == 200
    assert r.json()["score"] == 3 and r.json()["risk"] == "medium" and r.json()["failed_items"] == [2, 5, 12]
    r = client.post(
        "/api/v1/screenings/mchat/score", {"age_months": 40, "answers": PASS}, content_type="application/json"
    )
    assert r.status_code == 422 and r.json()["field"] == "age_months"
    r = client.post(
        "/api/v1/screenings/mchat/score",
        {"age_months": 20, "answers": PASS[:5]},
        content_type="application/json",
    )
    assert r.status_code == 422
