"""Every role grant that acts for an organisation names its kind (issue 13, High 5).

Before this migration `RoleGrant.organisation_id` was a bare id that homecare and workforce read as a
homecare.Provider id and facilities and childcare as a facilities.Operator id. The data step keeps
what each grant meant: an id that only a provider holds becomes a home-care provider grant, one that
only an operator holds a facility-operator grant, and an id that both tables hold (the grant was read
both ways) is split into two grants, one per kind, so that no access is lost; an id that neither
table holds granted nothing and is cleared. Each decision is logged. The ids are read with plain SQL
from the tables that exist, so the step does not depend on the modules' migrations."""

import logging

from django.db import migrations, models

log = logging.getLogger("carecircle.migrations")

HOMECARE_PROVIDER, FACILITY_OPERATOR = "homecare_provider", "facility_operator"
KIND_CHOICES = [  # as core.organisations.OrganisationKind had them when this migration was written
    ("homecare_provider", "居家养老服务机构"),
    ("facility_operator", "养老/托育设施运营主体"),
    ("childcare_operator", "托育机构运营主体"),
    ("contractor", "服务承接单位"),
]

PROVIDERS_TABLE = "homecare_provider"
OPERATORS_TABLE = "facilities_operator"


def plan_kinds(grants, provider_ids, operator_ids) -> dict:
    """Decide the kind of each grant. `grants` is an iterable of (grant id, organisation id).
    Returns {"kind": {grant id: kind}, "split": [grant ids that also get a facility-operator copy],
    "cleared": [grant ids whose id names no organisation]}."""
    kinds, split, cleared = {}, [], []
    for pk, org in grants:
        in_providers, in_operators = org in provider_ids, org in operator_ids
        if in_providers:
            kinds[pk] = HOMECARE_PROVIDER
            if in_operators:
                split.append(pk)
        elif in_operators:
            kinds[pk] = FACILITY_OPERATOR
        else:
            cleared.append(pk)
    return {"kind": kinds, "split": split, "cleared": cleared}


def _ids(connection, table: str) -> set[int]:
    if table not in connection.introspection.table_names():
        return set()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {connection.ops.quote_name(table)}")  # noqa: S608 - fixed table names
        return {row[0] for row in cursor.fetchall()}


def name_kinds(apps, schema_editor):
    RoleGrant = apps.get_model("core", "RoleGrant")
    connection = schema_editor.connection
    grants = list(RoleGrant.objects.filter(organisation_id__isnull=False).order_by("pk"))
    if not grants:
        return
    plan = plan_kinds([(g.pk, g.organisation_id) for g in grants], _ids(connection, PROVIDERS_TABLE),
                      _ids(connection, OPERATORS_TABLE))
    for g in grants:
        if g.pk in plan["cleared"]:
            log.warning("role grant %s (user %s, %s @ %s): organisation %s is neither a home-care provider nor a "
                        "facility operator; cleared", g.pk, g.user_id, g.role, g.region_id, g.organisation_id)
            g.organisation_id = None
            g.organisation_kind = ""
        else:
            g.organisation_kind = plan["kind"][g.pk]
        g.save(update_fields=["organisation_id", "organisation_kind"])
        if g.pk in plan["split"]:
            RoleGrant.objects.create(user_id=g.user_id, role=g.role, region_id=g.region_id,
                                     organisation_kind=FACILITY_OPERATOR,
                                     organisation_id=g.organisation_id)
            log.warning("role grant %s (user %s, %s @ %s): id %s is both a home-care provider and a facility "
                        "operator; split into one grant per kind", g.pk, g.user_id, g.role, g.region_id,
                        g.organisation_id)
    if connection.vendor == "postgresql":
        # Check the deferred foreign keys of the rows written now: PostgreSQL refuses the ALTER TABLEs
        # that follow in this transaction while trigger events are pending.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def unname_kinds(apps, schema_editor):
    """Back to bare ids: the facility-operator copies made by a split go (the old unique key allows one
    grant per user, role and region), the kind is dropped."""
    RoleGrant = apps.get_model("core", "RoleGrant")
    seen = set()
    for g in RoleGrant.objects.order_by("-organisation_kind", "pk"):  # homecare_provider first: it stays
        key = (g.user_id, g.role, g.region_id)
        if key in seen:
            g.delete()
            continue
        seen.add(key)
    RoleGrant.objects.update(organisation_kind="")


class Migration(migrations.Migration):
    dependencies = [("core", "0003_signin_throttle")]

    operations = [
        migrations.RemoveConstraint(model_name="rolegrant", name="rolegrant_unique"),
        migrations.AddField(
            model_name="rolegrant",
            name="organisation_kind",
            field=models.CharField(blank=True, choices=KIND_CHOICES, default="", max_length=24,
                                   verbose_name="机构类别"),
        ),
        migrations.AlterField(
            model_name="rolegrant",
            name="organisation_id",
            field=models.BigIntegerField(blank=True, null=True, verbose_name="机构"),
        ),
        migrations.RunPython(name_kinds, unname_kinds),
        migrations.AddConstraint(
            model_name="rolegrant",
            constraint=models.UniqueConstraint(condition=models.Q(organisation_kind=""),
                                               fields=("user", "role", "region"), name="rolegrant_unique_staff"),
        ),
        migrations.AddConstraint(
            model_name="rolegrant",
            constraint=models.UniqueConstraint(
                condition=~models.Q(organisation_kind=""),
                fields=("user", "role", "region", "organisation_kind", "organisation_id"),
                name="rolegrant_unique_organisation",
            ),
        ),
        migrations.AddConstraint(
            model_name="rolegrant",
            constraint=models.CheckConstraint(
                condition=models.Q(organisation_kind="", organisation_id__isnull=True)
                | (~models.Q(organisation_kind="") & models.Q(organisation_id__isnull=False)),
                name="rolegrant_organisation_named_with_kind",
            ),
        ),
    ]
