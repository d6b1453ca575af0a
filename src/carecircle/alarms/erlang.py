"""Erlang C: how many operators a call centre needs so that a share of calls is answered in time.

The model (M/M/N, calls wait, nobody hangs up): calls arrive as a Poisson process of rate λ,
handling times are exponential with mean h, N operators. The offered traffic is A = λ·h Erlangs.

- Erlang B (blocking), by the recursion of ITU-T E.500 / any queueing text (Kleinrock, *Queueing
  Systems* I, §3.7; Cooper, *Introduction to Queueing Theory*, §3.3):
      B(0) = 1,   B(n) = A·B(n−1) / (n + A·B(n−1))
  — only products and quotients of values ≤ 1, so it neither overflows (A^N/N! does for N ≈ 170)
  nor cancels, however large N.
- Erlang C (probability that a call waits), from B (same texts):
      C(N, A) = N·B(N) / (N − A·(1 − B(N)))        for N > A; 1 when N ≤ A (the queue grows).
- Service level (share answered within t seconds):
      P(wait ≤ t) = 1 − C(N, A) · exp(−(N − A)·t / h)
- Mean wait: C(N, A) · h / (N − A).

Pure functions, no Django: `alarms.wallboard` feeds them the measured load, the staffing page shows
the result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MAX_AGENTS = 100_000  # beyond any call centre; a bound so that a loop always ends


def erlang_b(agents: int, traffic: float) -> float:
    """Probability that a call finds all `agents` busy when lost calls are cleared (Erlang B)."""
    if agents < 0 or traffic < 0:
        raise ValueError("agents and traffic must not be negative")
    b = 1.0
    for n in range(1, agents + 1):
        b = traffic * b / (n + traffic * b)
    return b


def erlang_c_from_b(agents: int, traffic: float, b: float) -> float:
    if agents <= traffic:
        return 1.0
    return agents * b / (agents - traffic * (1.0 - b))


def erlang_c(agents: int, traffic: float) -> float:
    """Probability that a call has to wait (Erlang C) with `agents` operators and `traffic` Erlangs."""
    return erlang_c_from_b(agents, traffic, erlang_b(agents, traffic))


def _level(agents: int, traffic: float, c: float, handling_seconds: float, answer_seconds: float) -> float:
    if agents <= traffic:
        return 0.0
    return 1.0 - c * math.exp(-(agents - traffic) * answer_seconds / handling_seconds)


def service_level(agents: int, traffic: float, handling_seconds: float, answer_seconds: float) -> float:
    """Share of calls answered within `answer_seconds` (0–1); 0 when the operators cannot keep up."""
    return _level(agents, traffic, erlang_c(agents, traffic), handling_seconds, answer_seconds)


def mean_wait_seconds(agents: int, traffic: float, handling_seconds: float) -> float:
    """Average wait of all calls (those answered at once count 0); infinite when N ≤ A."""
    if agents <= traffic:
        return math.inf
    return erlang_c(agents, traffic) * handling_seconds / (agents - traffic)


@dataclass(frozen=True, slots=True)
class Staffing:
    """The fewest operators that meet every target, and what they achieve."""

    traffic: float  # Erlangs offered
    agents: int
    wait_probability: float  # Erlang C with `agents`
    levels: tuple[tuple[int, float, float], ...]  # (seconds, target share %, predicted share %)
    mean_wait_seconds: float
    occupancy: float  # traffic / agents, 0–1


def agents_needed(
    *,
    calls_per_hour: float,
    handling_seconds: float,
    targets: tuple[tuple[int, float], ...],
) -> Staffing:
    """The fewest operators N (at least 1) with P(wait ≤ seconds) ≥ share for every (seconds,
    share %) of `targets`. Walks N upward carrying Erlang B along (one recursion step per N)."""
    if calls_per_hour < 0 or handling_seconds <= 0:
        raise ValueError("calls_per_hour must not be negative and handling_seconds must be positive")
    traffic = calls_per_hour * handling_seconds / 3600.0
    b = 1.0
    for n in range(1, MAX_AGENTS + 1):
        b = traffic * b / (n + traffic * b)
        if n <= traffic:
            continue
        c = erlang_c_from_b(n, traffic, b)
        predicted = [
            (seconds, share, 100.0 * _level(n, traffic, c, handling_seconds, seconds))
            for seconds, share in targets
        ]
        if all(p >= share for _s, share, p in predicted):
            return Staffing(
                traffic=traffic,
                agents=n,
                wait_probability=c,
                levels=tuple(predicted),
                mean_wait_seconds=c * handling_seconds / (n - traffic),
                occupancy=traffic / n,
            )
    raise ValueError("more than MAX_AGENTS operators would be needed")
