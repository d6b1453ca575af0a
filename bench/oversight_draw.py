"""The 双随机 draw (oversight/draw.py) over a city's units and inspectors.

    python bench/oversight_draw.py [--scale S]

Scale 1 is the issue's figure: 20,000 units and 500 inspectors (25 districts of 20 inspectors,
every tenth unit with one declared conflict and every fifth with last time's inspectors to skip);
the default scale is small (0.1). No database: the timed part is `draw(inputs, seed)` and the
digest of the inputs, what a plan's draw and every verification run.

Baseline in the same run (naive): the same units drawn, but each drawn unit's inspectors chosen by
hashing every candidate and sorting (a rank of all the district's inspectors), the obvious way to
get a reproducible random choice. Both results are checked for the rules (recusal, no repeats,
two per unit) and the draw is run twice to show it is reproducible.
Prints one JSON line at the end.
"""

import argparse
import hashlib
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

from carecircle.oversight import draw as d  # noqa: E402

SHARES = {"A": "0.1", "B": "0.3", "C": "0.6", "D": "1"}


def city(scale: float) -> d.DrawInputs:
    rng = random.Random(20)
    n_units, n_inspectors = max(200, round(20000 * scale)), max(40, round(500 * scale))
    districts = max(2, n_inspectors // 20)
    district_codes = [f"3399{n + 1:02d}000000" for n in range(districts)]
    inspectors = [d.InspectorInput(f"u{i}", (district_codes[i % districts],)) for i in range(n_inspectors)]
    by_district = {code: [i.key for i in inspectors if i.regions[0] == code] for code in district_codes}
    units, conflicts, previous = [], [], {}
    for n in range(n_units):
        district = district_codes[n % districts]
        region = district[:6] + f"{rng.randint(1, 20):03d}{rng.randint(1, 30):03d}"
        grade = rng.choices("ABCD", (30, 45, 18, 7))[0]
        last = None if rng.random() < 0.1 else f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        key = f"facility:{n}"
        units.append(d.UnitInput(key, region, grade, last))
        if n % 10 == 0:
            conflicts.append((rng.choice(by_district[district]), key))
        if n % 5 == 0:
            previous[key] = tuple(rng.sample(by_district[district], 2))
    return d.DrawInputs(
        "2026-04-01", 2, 12, SHARES, tuple(units), tuple(inspectors), tuple(conflicts), previous
    )


def naive(inputs: d.DrawInputs, seed: str) -> list[d.DrawnUnit]:
    """Every drawn unit's candidates ranked by a hash each, then the first two that may go."""
    drawn = d.draw(inputs, seed)  # the same units; only the inspector choice is redone
    units = {u.key: u for u in inputs.units}
    conflicts: dict[str, set[str]] = {}
    for i, k in inputs.conflicts:
        conflicts.setdefault(k, set()).add(i)
    out = []
    for row in drawn:
        unit = units[row.unit_key]
        excluded = conflicts.get(unit.key, set()) | set(inputs.previous.get(unit.key, ()))
        ranked = sorted(
            (hashlib.sha256(f"{seed}|rank|{unit.key}|{i.key}".encode()).hexdigest(), i.key)
            for i in inputs.inspectors
            if any(unit.region_code.startswith(r[:6]) for r in i.regions) and i.key not in excluded
        )
        out.append(d.DrawnUnit(row.unit_key, row.reason, row.ticket, tuple(k for _h, k in ranked[:2])))
    return out


def check(inputs: d.DrawInputs, result: list[d.DrawnUnit]) -> bool:
    conflicts = set(inputs.conflicts)
    for row in result:
        if len(set(row.inspectors)) != 2:
            return False
        if any((i, row.unit_key) in conflicts for i in row.inspectors):
            return False
        if set(row.inspectors) & set(inputs.previous.get(row.unit_key, ())):
            return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.1)
    args = parser.parse_args()
    inputs = city(args.scale)
    print(f"units {len(inputs.units):,}, inspectors {len(inputs.inspectors):,}", file=sys.stderr)
    start = time.perf_counter()
    digest = d.digest(inputs)
    result = d.draw(inputs, "bench-seed")
    seconds = time.perf_counter() - start
    again = d.draw(inputs, "bench-seed")
    start = time.perf_counter()
    baseline = naive(inputs, "bench-seed")
    naive_seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "bench": "oversight_draw",
                "scale": args.scale,
                "units": len(inputs.units),
                "inspectors": len(inputs.inspectors),
                "drawn": len(result),
                "seconds": round(seconds, 3),
                "naive_seconds": round(naive_seconds, 3),
                "speedup": round(naive_seconds / seconds, 1) if seconds else None,
                "reproducible": result == again,
                "rules_hold": check(inputs, result) and check(inputs, baseline),
                "digest": digest[:16],
            }
        )
    )


if __name__ == "__main__":
    main()
