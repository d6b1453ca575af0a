"""The synthetic city (`carecircle generate`): a seeded, reproducible city whose proportions come
from the seeds. Each module adds its part in `<module>/demo.py`, a function `generate(city)` and an
`ORDER` number; the core runs them in order after the regions and the people."""

import datetime
import random
import sys
import time
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any, TextIO

from django.core.management.base import OutputWrapper

from carecircle.core import plugins
from carecircle.core.ages import years_before as years_before  # the demo modules import it from here

if TYPE_CHECKING:
    from carecircle.core.models import Region

FULL_SCALE_ELDERS = 2_600_000  # --scale 1: a city the size the issues name (2.6 million 60+)
# Hangzhou 2021 (Hangzhou 一(二)): 193.2万 registered 60+, 28.11万 children under 3.
INFANTS_PER_ELDER = 28.11 / 193.2
DEMO_PASSWORD = "CareCircle#2026"


@dataclass
class City:
    seed: int
    scale: float
    today: datetime.date
    rng: random.Random
    out: TextIO | OutputWrapper = sys.stdout
    province: "Region" = field(init=False)  # set by `generate`'s build_regions before any module's step
    city: "Region" = field(init=False)
    districts: list["Region"] = field(default_factory=list)
    streets: list["Region"] = field(default_factory=list)
    communities: list["Region"] = field(default_factory=list)
    accounts: list[tuple[str, str, str, str]] = field(
        default_factory=list
    )  # (role label, username, password, region name)
    facts: dict[str, Any] = field(default_factory=dict)  # shared between module steps (ids, counts)

    @property
    def elders(self) -> int:
        return max(200, round(FULL_SCALE_ELDERS * self.scale))

    @property
    def infants(self) -> int:
        return max(30, round(self.elders * INFANTS_PER_ELDER))

    def rng_for(self, name: str) -> random.Random:
        """An independent, reproducible random stream per module step."""
        return random.Random(f"{self.seed}:{name}")

    def say(self, text: str) -> None:
        # A management command's OutputWrapper adds the line ending itself.
        self.out.write(text if hasattr(self.out, "ending") else text + "\n")
        self.out.flush()


class Progress:
    """Prints "label done/total (pct) rate/s" at most every half second, and a last line."""

    def __init__(self, city: City, label: str, total: int):
        self.city, self.label, self.total = city, label, total
        self.start = self.last = time.monotonic()
        self.done = 0

    def add(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if now - self.last >= 0.5 or self.done >= self.total:
            self.last = now
            rate = self.done / max(now - self.start, 1e-6)
            pct = 100 * self.done / self.total if self.total else 100
            self.city.say(f"  {self.label} {self.done:,}/{self.total:,} ({pct:.0f}%) {rate:,.0f}/s")

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.start


def steps() -> list[ModuleType]:
    found = [m for m in plugins.optional_submodules("demo") if hasattr(m, "generate")]
    return sorted(found, key=lambda m: getattr(m, "ORDER", 100))
