"""The figures planning reads from other modules (workforce, homecare ratings, growth checks, care
visits) are read for every sub-region of an indicator in one grouped query per prefix length, never
one query per sub-region: a region with many children costs the same queries as one with two."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carecircle.planning.computations import clear_memo, evaluate
from tests.planning.conftest import needs, today

SPECS = [
    ("caregivers_employed", "workforce"),
    ("caregivers_certified", "workforce"),
    ("caregivers_level:3", "workforce"),
    ("caregivers_trained", "workforce"),
    ("ratings_satisfied", "homecare"),
    ("ratings", "homecare"),
    ("growth_stunted", "assessment"),
    ("growth_measured", "assessment"),
    ("visits_done", "carevisits"),
    ("visits_due", "carevisits"),
]


def _prefixes(children: int) -> list[str]:
    """A district and `children` of its streets (two prefix lengths)."""
    return ["339901", *(f"339901{i:03d}" for i in range(1, children + 1))]


def _queries(spec: str, prefixes: list[str]) -> int:
    clear_memo()
    with CaptureQueriesContext(connection) as captured:
        evaluate(spec, prefixes, today())
    return len(captured.captured_queries)


@pytest.mark.parametrize(("spec", "module"), SPECS)
def test_queries_do_not_grow_with_the_sub_regions(city, spec, module):
    needs(module)
    few, many = _queries(spec, _prefixes(2)), _queries(spec, _prefixes(40))
    assert many == few, f"{spec}: {few} queries for 2 streets, {many} for 40"
    assert few <= 2  # one grouped query per prefix length


def test_grouped_figures_per_sub_region(city):
    needs("workforce")
    from carecircle.workforce.models import Caregiver, Certificate
    from carecircle.workforce.selectors import caregiver_count

    start = datetime.date(2024, 1, 1)
    for code, n in (("339901001001", 2), ("339901002001", 1), ("339902001001", 1)):
        for i in range(n):
            cg = Caregiver.objects.create(
                organisation_id=1, region_code=code, name=f"护理员{i}", employed_from=start
            )
            Certificate.objects.create(
                caregiver=cg, region_code=code, kind="elder_care", level=4, valid_from=start
            )
    Caregiver.objects.create(
        organisation_id=1,
        region_code="339901001001",
        name="离职",
        employed_from=start,
        employed_to=datetime.date(2024, 6, 30),
    )
    prefixes = ["339901", "339901001", "339901002", "339901003", "339901001001"]
    clear_memo()
    figures = evaluate("caregivers_certified", prefixes, today())
    assert figures == {"339901": 3, "339901001": 2, "339901002": 1, "339901003": 0, "339901001001": 2}
    assert figures == {p: caregiver_count(region_prefix=p, day=today(), kind="elder_care") for p in prefixes}
