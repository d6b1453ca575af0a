"""The synthetic city's part of issue 16 item 2: 户籍 and 常住 for everyone (locals both, migrants
only 常住, some registered here but living elsewhere) and a few dozen children in difficulty and
orphans with guardians and guardianship assessments, who show on the register's list."""

import datetime
import io
import itertools
import random

from django.utils import timezone

from carecircle.core import names
from carecircle.core.demo import City
from carecircle.core.models import Region
from carecircle.registry import children, demo
from carecircle.registry.models import GuardianshipAssessment, PersonStatus


def test_residence_facts_cover_locals_migrants_and_people_away():
    rng = random.Random(3)
    today = datetime.date(2026, 3, 31)
    birth = datetime.date(1950, 5, 1)
    shapes = {"local": 0, "migrant": 0, "away": 0}
    for _ in range(2000):
        facts = {kind: (start, end) for kind, start, end in demo._residence_for(rng, birth, today)}
        if set(facts) == {"changzhu"}:
            shapes["migrant"] += 1
            assert facts["changzhu"][0] >= birth and facts["changzhu"][1] is None
        elif facts["changzhu"][1] is not None:
            shapes["away"] += 1
            assert facts["huji"] == (birth, None) and facts["changzhu"][1] < today
        else:
            shapes["local"] += 1
            assert facts == {"huji": (birth, None), "changzhu": (birth, None)}
    assert shapes["local"] > 1600 and 150 < shapes["migrant"] < 330 and 60 < shapes["away"] < 200


def test_the_city_holds_a_few_dozen_children_with_assessments(users):
    city = City(seed=7, scale=0.0005, today=timezone.localdate(), rng=random.Random(7), out=io.StringIO())
    city.communities = list(Region.objects.filter(level=5).order_by("code"))
    surnames = [s for s, _ in names.SURNAMES]
    weights = list(itertools.accumulate(w for _, w in names.SURNAMES))
    count = demo.children_in_difficulty(city, city.rng_for("registry"), demo.IdNumbers(), surnames, weights)
    assert count == demo.CHILDREN_MIN
    listed = list(children.children_in_difficulty(user=users["admin"]))
    assert len(listed) == count
    assert all(3 <= (city.today - p.birth_date).days // 365 <= 17 for p in listed)
    assert GuardianshipAssessment.objects.values("person").distinct().count() == count
    kinds = set(PersonStatus.objects.values_list("kind", flat=True))
    assert {"child_in_difficulty", "orphan", "huji", "changzhu"} <= kinds
    assert {children.latest_assessment(p).outcome for p in listed} <= {"good", "intervene", "lacking"}
