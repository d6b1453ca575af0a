"""A table THE TEST fills in (not the standard's: its options, scores, bands and combination are not
cited by the platform; reference.py). Shaped like the standard: 10 + 4 + 3 items, four grades per
dimension, a combination row for each of the 64 grade triples, levels 0–5."""

ADL_CODES = [f"A{n}" for n in range(1, 11)]
COG_CODES = [f"C{n}" for n in range(1, 5)]
PER_CODES = [f"P{n}" for n in range(1, 4)]
ADL_NAMES = [
    "进食",
    "穿衣",
    "面部与口腔清洁",
    "大便控制",
    "小便控制",
    "用厕",
    "平地行走",
    "床椅转移",
    "上下楼梯",
    "洗澡",
]


def _item(dimension, code, name, scores):
    return {
        "dimension": dimension,
        "code": code,
        "name": name,
        "options": [{"score": s, "text": f"{name}{s}分"} for s in scores],
    }


ITEMS = (
    [_item("adl", c, n, [10, 5, 0]) for c, n in zip(ADL_CODES, ADL_NAMES, strict=True)]
    + [_item("cognition", c, f"认知条目{c}", [2, 1, 0]) for c in COG_CODES]
    + [_item("perception", c, f"感知条目{c}", [2, 1, 0]) for c in PER_CODES]
)

# ADL totals are multiples of 5: the bands leave unreachable totals (41–44, 61–64) out, as printed
# tables do.
GRADES = [
    {"dimension": "adl", "grade": 0, "name": "能力完好", "low": 100, "high": 100},
    {"dimension": "adl", "grade": 1, "name": "轻度受损", "low": 65, "high": 95},
    {"dimension": "adl", "grade": 2, "name": "中度受损", "low": 45, "high": 60},
    {"dimension": "adl", "grade": 3, "name": "重度受损", "low": 0, "high": 40},
    {"dimension": "cognition", "grade": 0, "name": "能力完好", "low": 8, "high": 8},
    {"dimension": "cognition", "grade": 1, "name": "轻度受损", "low": 5, "high": 7},
    {"dimension": "cognition", "grade": 2, "name": "中度受损", "low": 2, "high": 4},
    {"dimension": "cognition", "grade": 3, "name": "重度受损", "low": 0, "high": 1},
    {"dimension": "perception", "grade": 0, "name": "能力完好", "low": 6, "high": 6},
    {"dimension": "perception", "grade": 1, "name": "轻度受损", "low": 4, "high": 5},
    {"dimension": "perception", "grade": 2, "name": "中度受损", "low": 2, "high": 3},
    {"dimension": "perception", "grade": 3, "name": "重度受损", "low": 0, "high": 1},
]


def test_level(adl: int, cog: int, per: int) -> int:
    """The test's own combination: ADL grade sets the base, the worse of the other two adds."""
    other = max(cog, per)
    if adl == 0:
        return 0 if other == 0 else 1
    if adl == 1:
        return 1 if other <= 1 else 2
    if adl == 2:
        return 2 if other <= 1 else 3
    return 3 + min(other, 2)


test_level.__test__ = False  # not a pytest test

COMBINATION = [
    {"adl": a, "cognition": c, "perception": p, "level": test_level(a, c, p)}
    for a in range(4)
    for c in range(4)
    for p in range(4)
]

TABLE = {"source": "测试用表（由测试填写）", "items": ITEMS, "grades": GRADES, "combination": COMBINATION}


def answers(adl_total: int = 100, cog_total: int = 8, per_total: int = 6) -> dict[str, int]:
    """Answers adding up to the totals asked (ADL in steps of 5)."""
    out: dict[str, int] = {}
    for codes, total, top in (
        (ADL_CODES, adl_total, 10),
        (COG_CODES, cog_total, 2),
        (PER_CODES, per_total, 2),
    ):
        left = total
        for code in codes:
            take = min(top, left)
            if take not in ((10, 5, 0) if top == 10 else (2, 1, 0)):
                take = 5 if top == 10 else 1
            out[code] = take
            left -= take
        assert left == 0, (codes, total)
    return out
