"""Every database holds the seeds' indicators and targets (migration 0002, planning/reference.py),
not only one the demo filled: a deployment's indicators page shows every seed target from the start."""

from carecircle.planning import defaults
from carecircle.planning.models import Indicator, IndicatorTarget


def test_a_new_database_has_every_seed_indicator_and_target(db):
    assert set(Indicator.objects.values_list("code", flat=True)) == {row[0] for row in defaults.INDICATORS}
    assert IndicatorTarget.objects.count() == len({(c, r, y) for c, r, y, *_rest in defaults.TARGETS})
