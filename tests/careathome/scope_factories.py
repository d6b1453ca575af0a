"""The scope walk's factories for care at home's URL parameters (tests/scopewalk.py). Each part adds
its own names."""


def _ltc_city_tables(ctx):
    import copy

    from carecircle.careathome import services
    from carecircle.careathome.models.ltc import LtcRules, LtcScaleTable
    from tests.careathome.ltc_table import TABLE
    from tests.careathome.test_ltc_process import RULES

    if not LtcScaleTable.objects.filter(city_code="339900000000").exists():
        services.ltc_scale_load(actor=ctx.users["admin"], region_code="339900000000", **copy.deepcopy(TABLE))
    if not LtcRules.objects.filter(city_code="339900000000").exists():
        services.ltc_rules_load(actor=ctx.users["admin"], region_code="339900000000", **RULES)


def ltc_assessment_id(ctx):
    """A fresh application (a person of its own: one open application per person), region A."""
    from carecircle.careathome import services

    _ltc_city_tables(ctx)
    return services.ltc_apply(
        actor=ctx.users["admin"], person=ctx.make_person(), applicant_kind="worker", applicant_name="社区代办"
    ).pk


def ltc_person_id(ctx):
    _ltc_city_tables(ctx)
    return ctx.person.pk


FACTORIES = {"ltc_assessment_id": ltc_assessment_id, "ltc_person_id": ltc_person_id}

# the homes part (adaptation and rental): tests/careathome/homes_scope_factories.py
from tests.careathome.homes_scope_factories import FACTORIES as _HOMES  # noqa: E402

FACTORIES.update(_HOMES)

# the family-beds part: tests/careathome/beds_scope_factories.py
from tests.careathome.beds_scope_factories import FACTORIES as _BEDS  # noqa: E402

FACTORIES.update(_BEDS)

# the LTC plan and settlement pages: tests/careathome/pages_scope_factories.py
from tests.careathome.pages_scope_factories import FACTORIES as _PAGES  # noqa: E402

FACTORIES.update(_PAGES)
