"""Oversight's answer to core/credit_standing.py: each supervised unit's credit grade (Unit, kept by
services_credit.credit_recompute) and what that grade brings (CreditEffect, Jiaxing 三(三)). A unit
not in the register is absent (nothing held, ranked like the register's starting grade)."""

from collections.abc import Iterable

from carecircle.core.credit_standing import Standing
from carecircle.oversight.models import CreditEffect, Grade, Unit, UnitKind

KINDS = {"homecare": [UnitKind.HOMECARE], "facility": [UnitKind.FACILITY, UnitKind.CHILDCARE]}


def standings(kind: str, ids: Iterable[int]) -> dict[int, Standing]:
    """Two queries however many units: their grades, and the effects table."""
    rows = list(
        Unit.objects.filter(kind__in=KINDS.get(kind, []), source_id__in=list(ids)).values_list(
            "source_id", "credit_grade"
        )
    )
    if not rows:
        return {}
    effects = {e.grade: e for e in CreditEffect.objects.all()}
    found: dict[int, Standing] = {}
    for source, grade in rows:
        effect = effects.get(grade)
        found[source] = Standing(
            grade=grade,
            label=str(Grade(grade).label),
            subsidy=effect.subsidy if effect else True,
            puhui=effect.puhui if effect else True,
            rank=effect.order_rank if effect else len(Grade.values),
            basis=effect.basis if effect else "",
        )
    return found


def default_rank() -> int:
    """Where an ungraded unit stands among providers: as the register's starting grade."""
    effect = CreditEffect.objects.filter(grade=Unit._meta.get_field("credit_grade").default).first()
    return effect.order_rank if effect else 2
