"""The 双随机 draw (issue #20 item 2): reproducible from its published seed and inputs, recusal
holds, shares follow the credit grade over many draws, and too few inspectors refuses."""

import datetime
from collections import Counter

import pytest

from carecircle.oversight import draw as d

PERIOD = "2026-04-01"
SHARES = {"A": "0.1", "B": "0.3", "C": "0.6", "D": "1"}
DISTRICT, COMMUNITY, OTHER = "339901000000", "339901001001", "339902001001"


def _inputs(units, inspectors, conflicts=(), previous=None, per_unit=2, shares=SHARES):
    return d.DrawInputs(
        period_start=PERIOD,
        per_unit=per_unit,
        always_after_months=12,
        shares=shares,
        units=tuple(units),
        inspectors=tuple(inspectors),
        conflicts=tuple(conflicts),
        previous=previous or {},
    )


def _unit(n, grade="B", last="2026-01-10", region=COMMUNITY):
    return d.UnitInput(f"facility:{n}", region, grade, last)


def _inspectors(n, region=DISTRICT):
    return [d.InspectorInput(f"u{i}", (region,)) for i in range(1, n + 1)]


def test_the_same_seed_and_inputs_give_the_same_draw_and_another_seed_another():
    inputs = _inputs([_unit(i) for i in range(200)], _inspectors(8))
    first, again = (
        d.draw(inputs, "seed-1"),
        d.draw(_inputs([_unit(i) for i in reversed(range(200))], _inspectors(8)), "seed-1"),
    )
    assert first == again  # the order units are listed in changes nothing
    assert d.digest(inputs) == d.digest(d.DrawInputs.from_json(inputs.as_json()))
    assert first != d.draw(inputs, "seed-2")


def test_the_reference_rule_is_plain_sha256():
    """Anyone can recompute a ticket and a pick with SHA-256 alone (the module's docstring)."""
    import hashlib

    seed, key = "abc", "facility:7"
    h = hashlib.sha256(f"{seed}|unit|{key}".encode()).hexdigest()
    assert d.ticket(seed, key) == int(h[:13], 16) / 16**13
    drawn = d.draw(_inputs([_unit(7, grade="D")], _inspectors(5)), seed)
    first = int(hashlib.sha256(f"{seed}|inspector|{key}|0".encode()).hexdigest(), 16) % 5
    assert drawn[0].inspectors[0] == sorted(f"u{i}" for i in range(1, 6))[first]


def test_never_and_long_uninspected_units_are_always_drawn():
    units = [
        _unit(1, grade="A", last=None),
        _unit(2, grade="A", last="2025-03-31"),
        _unit(3, grade="A", last="2025-04-02"),
    ]
    for seed in ("s1", "s2", "s3", "s4", "s5"):
        drawn = {u.unit_key: u.reason for u in d.draw(_inputs(units, _inspectors(4)), seed)}
        assert drawn["facility:1"] == "never"
        assert drawn["facility:2"] == "overdue"  # before 2025-04-01: more than 12 months
        assert drawn.get("facility:3", "share") == "share"


def test_recusal_and_never_twice_in_a_row_hold_over_many_draws():
    units = [_unit(i, grade="D") for i in range(50)]
    conflicts = [("u1", "facility:3"), ("u2", "facility:3")]
    previous = {"facility:4": ("u3", "u4")}
    for s in range(100):
        for row in d.draw(_inputs(units, _inspectors(6), conflicts, previous), f"seed{s}"):
            assert len(set(row.inspectors)) == 2
            if row.unit_key == "facility:3":
                assert not {"u1", "u2"} & set(row.inspectors)
            if row.unit_key == "facility:4":
                assert not {"u3", "u4"} & set(row.inspectors)


def test_inspectors_are_drawn_only_from_regions_containing_the_unit():
    inspectors = [*_inspectors(3), *(d.InspectorInput(f"u{i}", (OTHER[:6] + "000000",)) for i in (7, 8, 9))]
    for s in range(30):
        for row in d.draw(_inputs([_unit(i, grade="D") for i in range(10)], inspectors), f"s{s}"):
            assert set(row.inspectors) <= {"u1", "u2", "u3"}


def test_shares_follow_the_credit_grade():
    units = [
        _unit(i, grade=g)
        for g in "ABCD"
        for i in range(
            {"A": 0, "B": 1000, "C": 2000, "D": 3000}[g], {"A": 1000, "B": 2000, "C": 3000, "D": 4000}[g]
        )
    ]
    drawn = Counter(
        int(row.unit_key.split(":")[1]) // 1000
        for row in d.draw(_inputs(units, _inspectors(4)), "grade-test")
    )
    assert 60 < drawn[0] < 140  # A: 10 % of 1,000
    assert 240 < drawn[1] < 360  # B: 30 %
    assert 540 < drawn[2] < 660  # C: 60 %
    assert drawn[3] == 1000  # D: always


def test_too_few_eligible_inspectors_refuses_naming_the_unit():
    conflicts = [("u1", "facility:5")]
    with pytest.raises(d.DrawRefused) as refused:
        d.draw(_inputs([_unit(5, grade="D")], _inspectors(2), conflicts), "x")
    assert (refused.value.unit_key, refused.value.eligible, refused.value.needed) == ("facility:5", 1, 2)


def test_months_before_handles_month_ends():
    assert d._months_before(datetime.date(2026, 3, 31), 1) == datetime.date(2026, 2, 28)
    assert d._months_before(datetime.date(2026, 1, 15), 12) == datetime.date(2025, 1, 15)
