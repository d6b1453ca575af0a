"""Nursing staff per assessed resident (issue 21, item 2): for each elder-care institution, the
certified 养老护理员 on the register (role 养老护理员, employed at the unit on the day, holding a
养老护理员 certificate valid that day) against the residents staying there whose capability level
(老年人能力等级, the assessment module's current level) is assessed. Residents never assessed are
not counted.

The rule is data (models.NursingRatioRule): residents of each level one carer may serve, set by a
city and overridable by a district. We found no figure to cite in the seeds (they set carers per
10,000 older people and social workers per 60 beds, not carers per resident), so no default is
shipped: until the region's officials fill the rule in, a unit with residents of an uncovered level
is listed as "not set" and gets no breach. The need on a day is ⌈Σ residents of level l / rule l⌉."""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from carecircle.assessment.selectors import current_assessments
from carecircle.assessment.types import CapabilityLevel
from carecircle.core import audit, regions, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import InvalidInput
from carecircle.core.types import Actor, signed_in
from carecircle.facilities.selectors import resident_stays
from carecircle.workforce.models import Caregiver, Certificate, CertificateKind, NursingRatioRule, WorkerRole

if TYPE_CHECKING:
    from django.http import HttpRequest

MAX_RESIDENTS_PER_CARER = Decimal(50)


def rules_for(region_code: str, rules: list[NursingRatioRule] | None = None) -> dict[int, Decimal]:
    """{care level: residents per carer} for a unit in `region_code`: per level, the rule of the
    most specific region containing it (a district's over the city's)."""
    rules = list(NursingRatioRule.objects.all()) if rules is None else rules
    best: dict[int, tuple[int, Decimal]] = {}
    for r in rules:
        if not regions.contains(r.region_code, region_code):
            continue
        depth = len(regions.prefix_of(r.region_code))
        if r.care_level not in best or depth > best[r.care_level][0]:
            best[r.care_level] = (depth, r.residents_per_carer)
    return {level: value for level, (_d, value) in best.items()}


class NursingFigures:
    """Everything the nursing check of `units` needs from `first` to `last`, read once (rules,
    carers, certificates, residents' stays); `on(day)` reads that day's levels (one query)."""

    def __init__(self, units, first: datetime.date, last: datetime.date) -> None:
        self.units = list(units)
        ids = [u.pk for u in self.units]
        rules = list(NursingRatioRule.objects.all())
        self.rules = {u.pk: rules_for(u.region_code, rules) for u in self.units}
        self.carers = list(
            Caregiver.objects.filter(unit_id__in=ids, role=WorkerRole.CARER, employed_from__lte=last)
            .filter(Q(employed_to__isnull=True) | Q(employed_to__gte=first))
            .values_list("pk", "unit_id", "employed_from", "employed_to")
        )
        self.certs: dict[int, list[tuple[datetime.date, datetime.date | None]]] = defaultdict(list)
        for cid, start, end in Certificate.objects.filter(
            caregiver_id__in=[c[0] for c in self.carers],
            kind=CertificateKind.ELDER_CARE,
            valid_from__lte=last,
        ).values_list("caregiver_id", "valid_from", "valid_to"):
            self.certs[cid].append((start, end))
        self.stays = resident_stays(ids, first, last)
        self.not_set: dict[int, set[int]] = defaultdict(set)  # unit id: levels with no rule

    def _have(self, day: datetime.date) -> dict[int, int]:
        out: dict[int, int] = defaultdict(int)
        for pk, unit, start, end in self.carers:
            if unit is not None and (
                start <= day
                and (end is None or end >= day)
                and any(a <= day and (b is None or b >= day) for a, b in self.certs[pk])
            ):
                out[unit] += 1
        return out

    def on(self, day: datetime.date) -> dict[int, tuple[int, int | None]]:
        """{unit id: (certified carers, carers needed)}; needed is None when a level of its
        residents has no rule (the unit is then in `not_set`)."""
        staying: dict[int, list[int]] = defaultdict(list)
        for unit, person, admitted, discharged in self.stays:
            if admitted <= day and (discharged is None or discharged > day):
                staying[unit].append(person)
        people = [p for ps in staying.values() for p in ps]
        levels = dict(
            current_assessments(day).filter(person_id__in=people).values_list("person_id", "final_level")
        )
        have = self._have(day)
        out: dict[int, tuple[int, int | None]] = {}
        for u in self.units:
            counts: dict[int, int] = defaultdict(int)
            for p in staying.get(u.pk, []):
                if p in levels:
                    counts[levels[p]] += 1
            rules = self.rules[u.pk]
            missing = {lv for lv in counts if lv not in rules}
            if missing:
                self.not_set[u.pk] |= missing
                out[u.pk] = (have.get(u.pk, 0), None)
                continue
            need = sum((Decimal(n) / rules[lv] for lv, n in counts.items()), Decimal(0))
            out[u.pk] = (have.get(u.pk, 0), math.ceil(need))
        return out

    def not_set_messages(self) -> list[str]:
        """One line per unit whose residents' levels have no rule, naming the levels."""
        names = {u.pk: u.name for u in self.units}
        return [
            _(
                "%(u)s：尚未设定%(l)s老人的护理员配比，请市或区民政部门在“护理员配比规则”页填写每名持证养老护理员可服务的老人数"
            )
            % {"u": names[pk], "l": _("、").join(str(CapabilityLevel(lv).label) for lv in sorted(levels))}
            for pk, levels in sorted(self.not_set.items(), key=lambda kv: names[kv[0]])
        ]


@transaction.atomic
def nursing_rule_set(
    *,
    actor: Actor,
    region_code: str,
    care_level: int,
    residents_per_carer: object,
    source: str,
    request: HttpRequest | None = None,
) -> NursingRatioRule:
    """Set (or change) the region's rule for one care level: an official with workforce.manage
    over the region, with the document it comes from."""
    scope.require(actor, "workforce.manage", region_code)
    if care_level not in CapabilityLevel.values:
        raise InvalidInput(_("能力等级无效"), field="care_level")
    try:
        value = Decimal(str(residents_per_carer))
    except ArithmeticError:
        raise InvalidInput(_("每名护理员服务老人数须为数字"), field="residents_per_carer") from None
    if not value.is_finite() or value <= 0 or value > MAX_RESIDENTS_PER_CARER:
        raise InvalidInput(_("每名护理员服务老人数须大于0且不超过50"), field="residents_per_carer")
    if value != value.quantize(Decimal("0.01")):
        raise InvalidInput(_("每名护理员服务老人数最多保留两位小数"), field="residents_per_carer")
    if not source.strip():
        raise InvalidInput(_("请填写配比依据（文件名称与文号）"), field="source")
    rule, _created = NursingRatioRule.objects.update_or_create(
        region_code=region_code,
        care_level=care_level,
        defaults={
            "residents_per_carer": value,
            "source": source.strip()[:200],
            "set_by": actor if signed_in(actor) else None,
        },
    )
    audit.record(actor=actor, action=AuditAction.NURSING_RULE_SET, obj=rule, request=request)
    return rule
