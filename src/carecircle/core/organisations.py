"""Organisations that users act for, named by kind.

A provider admin or caregiver acts for an organisation: a home-care provider, a facility operator,
a childcare operator or a contractor. Their records live in different modules (homecare.Provider,
facilities.Operator), whose ids overlap, so an id alone names nothing: every role grant that acts
for an organisation carries the pair (kind, id), and every reader asks for the kinds it means through
`organisations_of` or `organisation_grants` below (issue 13: one id used to be read as a provider by
homecare and as an operator by facilities).

Which records each kind names:
- HOMECARE_PROVIDER: homecare.Provider (its caregivers: workforce.Caregiver.organisation_id)
- FACILITY_OPERATOR: facilities.Operator — all of that operator's facilities (elder care and 托育)
- CHILDCARE_OPERATOR: facilities.Operator — only that operator's childcare facilities
- CONTRACTOR: a contractor of commissioned services; no module grants or reads it yet
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from carecircle.core import scope
from carecircle.core.roles import Role
from carecircle.core.types import Actor, signed_in


class OrganisationKind(models.TextChoices):
    HOMECARE_PROVIDER = "homecare_provider", _("居家养老服务机构")
    FACILITY_OPERATOR = "facility_operator", _("养老/托育设施运营主体")
    CHILDCARE_OPERATOR = "childcare_operator", _("托育机构运营主体")
    CONTRACTOR = "contractor", _("服务承接单位")


# Roles that act for an organisation rather than for everyone of their region.
ORGANISATION_ROLES = frozenset({Role.PROVIDER_ADMIN, Role.CAREGIVER})
# The kinds whose ids are facilities.Operator ids (a childcare operator reaches only childcare facilities).
OPERATOR_KINDS = frozenset({OrganisationKind.FACILITY_OPERATOR, OrganisationKind.CHILDCARE_OPERATOR})


@dataclass(frozen=True)
class OrganisationGrant:
    role: str
    region_code: str
    kind: str
    organisation_id: int


def _kinds(kinds: str | Iterable[str]) -> list[str]:
    found = [str(kinds)] if isinstance(kinds, str) else [str(k) for k in kinds]
    unknown = set(found) - set(OrganisationKind.values)
    if unknown or not found:
        raise ValueError(f"unknown organisation kind(s): {sorted(unknown) or 'none'}")
    return found


def organisation_grants(
    user: Actor, kinds: str | Iterable[str], role: str | None = None
) -> list[OrganisationGrant]:
    """The user's grants that act for an organisation of one of `kinds` (optionally in one role)."""
    if not signed_in(user):
        return []
    qs = user.grants.filter(organisation_kind__in=_kinds(kinds), organisation_id__isnull=False)
    if role is not None:
        qs = qs.filter(role=role)
    rows = qs.order_by("pk").values_list("role", "region_id", "organisation_kind", "organisation_id")
    return [
        OrganisationGrant(role, region, kind, org) for role, region, kind, org in rows if org is not None
    ]  # never None (filtered above); says so to the type checker


def organisations_of(user: Actor, kinds: str | Iterable[str], role: str | None = None) -> set[int]:
    """Ids of the organisations of `kinds` that `user` acts for (in `role`, when given)."""
    return {g.organisation_id for g in organisation_grants(user, kinds, role)}


def require_admin_or_staff(
    user: Actor, *, kind: str, organisation_id: int | None, perm: str, region_code: str
) -> None:
    """Pass when `user` is an admin (provider_admin) of the organisation (`kind`, `organisation_id`);
    otherwise `user` must hold `perm` over `region_code`, as `scope.require` decides (staff of the
    region: 404 outside it, 403 without the permission). The one rule for "the provider's own admin,
    or an official of its region" (homecare providers, complaints, visit exceptions; caregivers)."""
    if organisation_id is not None and organisation_id in organisations_of(user, kind, Role.PROVIDER_ADMIN):
        return
    scope.require(user, perm, region_code)
