"""Erlang C (alarms/erlang.py) against textbook values and a second, independent computation."""

import math

import pytest

from carecircle.alarms import erlang


def direct_erlang_c(agents: int, traffic: float) -> float:
    """Erlang C straight from its definition with factorials (fine for small N):
    C = (A^N/N! · N/(N−A)) / (Σ_{k<N} A^k/k! + A^N/N! · N/(N−A))."""
    top = traffic**agents / math.factorial(agents) * agents / (agents - traffic)
    return top / (sum(traffic**k / math.factorial(k) for k in range(agents)) + top)


def direct_erlang_b(agents: int, traffic: float) -> float:
    top = traffic**agents / math.factorial(agents)
    return top / sum(traffic**k / math.factorial(k) for k in range(agents + 1))


def test_textbook_values():
    # A = 10 Erlangs, N = 12 operators: a call waits with probability 0.4494.
    assert erlang.erlang_c(12, 10.0) == pytest.approx(0.4494, abs=5e-5)
    # A = 2, N = 3: C = 4/9 exactly (B = 4/19).
    assert erlang.erlang_b(3, 2.0) == pytest.approx(4 / 19, rel=1e-12)
    assert erlang.erlang_c(3, 2.0) == pytest.approx(4 / 9, rel=1e-12)


@pytest.mark.parametrize("traffic", [0.3, 1.0, 2.5, 7.2, 10.0, 19.5])
def test_agrees_with_the_direct_sum(traffic):
    for agents in range(math.floor(traffic) + 1, 40):
        assert erlang.erlang_c(agents, traffic) == pytest.approx(direct_erlang_c(agents, traffic), rel=1e-9)
        assert erlang.erlang_b(agents, traffic) == pytest.approx(direct_erlang_b(agents, traffic), rel=1e-9)


def test_falls_as_operators_are_added_and_is_one_when_they_cannot_keep_up():
    values = [erlang.erlang_c(n, 10.0) for n in range(11, 40)]
    assert all(a > b for a, b in zip(values, values[1:], strict=False))
    assert erlang.erlang_c(10, 10.0) == 1.0 and erlang.erlang_c(5, 10.0) == 1.0
    levels = [erlang.service_level(n, 10.0, 180, 60) for n in range(11, 40)]
    assert all(a < b for a, b in zip(levels, levels[1:], strict=False))
    assert erlang.service_level(10, 10.0, 180, 60) == 0.0
    assert erlang.mean_wait_seconds(10, 10.0, 180) == math.inf


def test_stable_where_factorials_overflow():
    # A^N/N! overflows a float near N = 170; the recursion does not.
    with pytest.raises(OverflowError):
        direct_erlang_c(1000, 950.0)
    c = erlang.erlang_c(1000, 950.0)
    assert 0.0 < c < 1.0 and math.isfinite(c)


def test_service_level_formula():
    # P(wait <= t) = 1 - C·exp(-(N-A)·t/h): A = 10, N = 12, h = 180 s, t = 20 s.
    expected = 1 - 0.44938822 * math.exp(-(12 - 10) * 20 / 180)
    assert erlang.service_level(12, 10.0, 180, 20) == pytest.approx(expected, rel=1e-6)
    assert erlang.mean_wait_seconds(12, 10.0, 180) == pytest.approx(0.44938822 * 180 / 2, rel=1e-6)


def test_agents_needed_is_the_fewest_that_meet_every_target():
    targets = ((60, 98.5), (180, 99.0))
    got = erlang.agents_needed(calls_per_hour=360, handling_seconds=100, targets=targets)
    assert got.traffic == pytest.approx(10.0)
    n = got.agents
    for seconds, share in targets:
        assert 100 * erlang.service_level(n, 10.0, 100, seconds) >= share
    assert any(100 * erlang.service_level(n - 1, 10.0, 100, s) < share for s, share in targets)
    assert got.occupancy == pytest.approx(10.0 / n)
    assert [lv[:2] for lv in got.levels] == list(targets)
    # More calls need more operators; no calls still need one.
    assert erlang.agents_needed(calls_per_hour=720, handling_seconds=100, targets=targets).agents > n
    assert erlang.agents_needed(calls_per_hour=0, handling_seconds=100, targets=targets).agents == 1
    with pytest.raises(ValueError):
        erlang.agents_needed(calls_per_hour=10, handling_seconds=0, targets=targets)
