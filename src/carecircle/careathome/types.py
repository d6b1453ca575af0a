"""What the long-term-care (LTC) part hands other modules and its own pages: a city's filled-in
assessment scale and a scored assessment. Frozen dataclasses; the items, scores, grade bands and
combination table inside a `LtcScale` come from the city's official copy of the national standard
(reference.py says which parts the platform could cite and which a city fills in)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class LtcOption:
    score: int
    text: str


@dataclass(frozen=True)
class LtcItem:
    """A second-level indicator (二级指标) as the city's official copy lists it."""

    dimension: str  # "adl" | "cognition" | "perception"
    code: str
    name: str
    options: tuple[LtcOption, ...]

    @property
    def scores(self) -> frozenset[int]:
        return frozenset(o.score for o in self.options)

    @property
    def max_score(self) -> int:
        return max(o.score for o in self.options)

    @property
    def min_score(self) -> int:
        return min(o.score for o in self.options)


@dataclass(frozen=True)
class LtcGradeBand:
    """A first-level indicator's grade: every total from `low` to `high` (inclusive)."""

    dimension: str
    grade: int
    name: str
    low: int
    high: int


@dataclass(frozen=True)
class LtcScale:
    """A city's complete table: 17 items, the grade bands of each of the three dimensions and the
    combination of the three grades into an LTC level (组合法)."""

    city_code: str
    source: str
    items: tuple[LtcItem, ...]
    bands: tuple[LtcGradeBand, ...]
    combination: tuple[tuple[int, int, int, int], ...]  # (adl grade, cognition, perception, level)

    def items_of(self, dimension: str) -> tuple[LtcItem, ...]:
        return tuple(i for i in self.items if i.dimension == dimension)

    def bands_of(self, dimension: str) -> tuple[LtcGradeBand, ...]:
        return tuple(sorted((b for b in self.bands if b.dimension == dimension), key=lambda b: b.grade))


@dataclass(frozen=True)
class LtcDimensionScore:
    code: str
    name: str
    score: int
    grade: int
    grade_name: str


@dataclass(frozen=True)
class LtcScore:
    dimensions: tuple[LtcDimensionScore, ...]
    level: int
    level_name: str
    answers: dict[str, int]

    def as_dict(self) -> dict[str, object]:
        return {
            "dimensions": [
                {
                    "code": d.code,
                    "name": d.name,
                    "score": d.score,
                    "grade": d.grade,
                    "grade_name": d.grade_name,
                }
                for d in self.dimensions
            ],
            "level": self.level,
            "level_name": self.level_name,
        }
