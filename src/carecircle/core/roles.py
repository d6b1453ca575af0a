"""Roles and what each may do. A role is granted over a region (RoleGrant); a permission
counts only inside the regions of the grants that carry it (core/scope.py).

Permissions are plain strings "<module>.<action>" so that later modules add their own by
extending ROLE_PERMISSIONS here, in one place.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("市级管理员")
    DISTRICT_OFFICIAL = "district_official", _("区县民政/卫健干部")
    STREET_WORKER = "street_worker", _("街道工作人员")
    COMMUNITY_WORKER = "community_worker", _("社区工作人员")
    PROVIDER_ADMIN = "provider_admin", _("服务机构管理员")
    CAREGIVER = "caregiver", _("护理员")
    OPERATOR = "operator", _("呼叫中心坐席")
    INSPECTOR = "inspector", _("监管人员")
    RESIDENT = "resident", _("居民/家属")


STAFF_ROLES = {
    Role.CITY_ADMIN,
    Role.DISTRICT_OFFICIAL,
    Role.STREET_WORKER,
    Role.COMMUNITY_WORKER,
    Role.PROVIDER_ADMIN,
    Role.CAREGIVER,
    Role.OPERATOR,
    Role.INSPECTOR,
}

_REGISTRY_READ = {"registry.view", "region.view"}
_REGISTRY_WRITE = {"registry.edit", "registry.import", "pii.unmask"}
_OFFICIAL = {"audit.view", "region.manage", "registry.export"}

ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.CITY_ADMIN: _REGISTRY_READ | _REGISTRY_WRITE | _OFFICIAL | {"user.manage"},
    Role.DISTRICT_OFFICIAL: _REGISTRY_READ | _REGISTRY_WRITE | _OFFICIAL,
    Role.STREET_WORKER: _REGISTRY_READ | _REGISTRY_WRITE | {"registry.export"},
    Role.COMMUNITY_WORKER: _REGISTRY_READ | _REGISTRY_WRITE,
    Role.PROVIDER_ADMIN: {"region.view"},
    Role.CAREGIVER: set(),
    Role.OPERATOR: _REGISTRY_READ | {"pii.unmask"},
    Role.INSPECTOR: {"region.view", "audit.view"},
    Role.RESIDENT: set(),
}


# homecare and workforce (issue 5): provider admins and caregivers act through their organisation
# (a RoleGrant of organisation kind home-care provider, core/organisations.py), so they get no
# region-wide homecare permission here.
for _role, _perms in {
    Role.CITY_ADMIN: {
        "homecare.view",
        "homecare.order",
        "homecare.manage",
        "homecare.review",
        "workforce.view",
        "workforce.manage",
    },
    Role.DISTRICT_OFFICIAL: {
        "homecare.view",
        "homecare.order",
        "homecare.manage",
        "homecare.review",
        "workforce.view",
        "workforce.manage",
    },
    Role.STREET_WORKER: {"homecare.view", "homecare.order", "homecare.review", "workforce.view"},
    Role.COMMUNITY_WORKER: {"homecare.view", "homecare.order"},
    Role.INSPECTOR: {"homecare.view", "workforce.view"},
}.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _perms


# facilities and childcare (issue 7). A provider admin's facility permissions reach only the
# facilities of the operator their grant names, of kind facility or childcare operator
# (facilities/selectors.scope_q).
for _role, _perms in {
    Role.CITY_ADMIN: {
        "facilities.view",
        "facilities.apply",
        "facilities.review",
        "facilities.grade",
        "facilities.beds",
        "facilities.waiting",
        "childcare.view",
        "childcare.manage",
        "childcare.voucher",
    },
    Role.DISTRICT_OFFICIAL: {
        "facilities.view",
        "facilities.apply",
        "facilities.review",
        "facilities.grade",
        "facilities.beds",
        "facilities.waiting",
        "childcare.view",
        "childcare.manage",
        "childcare.voucher",
    },
    Role.STREET_WORKER: {"facilities.view", "facilities.waiting", "childcare.view"},
    Role.COMMUNITY_WORKER: {"facilities.view", "facilities.waiting", "childcare.view"},
    Role.PROVIDER_ADMIN: {
        "facilities.view",
        "facilities.apply",
        "facilities.beds",
        "facilities.waiting",
        "childcare.view",
        "childcare.manage",
    },
    Role.INSPECTOR: {"facilities.view", "childcare.view"},
}.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _perms


def permissions_of(role: str) -> set[str]:
    return ROLE_PERMISSIONS.get(role, set())


# assessment and carevisits (issue 3): assessors are street and community workers; visit rules and
# plan generation are managed from the street up; exports of vulnerable-person lists likewise.
for _role, _perms in {
    Role.CITY_ADMIN: {
        "assessment.view",
        "assessment.record",
        "carevisits.view",
        "carevisits.visit",
        "carevisits.manage",
        "carevisits.export",
    },
    Role.DISTRICT_OFFICIAL: {
        "assessment.view",
        "assessment.record",
        "carevisits.view",
        "carevisits.visit",
        "carevisits.manage",
        "carevisits.export",
    },
    Role.STREET_WORKER: {
        "assessment.view",
        "assessment.record",
        "carevisits.view",
        "carevisits.visit",
        "carevisits.manage",
        "carevisits.export",
    },
    Role.COMMUNITY_WORKER: {"assessment.view", "assessment.record", "carevisits.view", "carevisits.visit"},
    Role.OPERATOR: {"assessment.view"},
}.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _perms


# planning (issue 8): indicators and dashboards; hand entry of figures; coverage and siting runs.
for _role, _perms in {
    Role.CITY_ADMIN: {"planning.view", "planning.enter", "planning.manage"},
    Role.DISTRICT_OFFICIAL: {"planning.view", "planning.enter", "planning.manage"},
    Role.STREET_WORKER: {"planning.view", "planning.enter"},
    Role.COMMUNITY_WORKER: {"planning.view"},
    Role.INSPECTOR: {"planning.view"},
}.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _perms


# alarms (issue 6): operators take and handle incidents in the regions they serve; officials
# supervise (service levels, monthly reports) and may take over; community and street workers see
# incidents of their area, register devices and confirm as responders.
for _role, _perms in {
    Role.CITY_ADMIN: {"alarms.view", "alarms.operate", "alarms.supervise", "alarms.devices"},
    Role.DISTRICT_OFFICIAL: {"alarms.view", "alarms.operate", "alarms.supervise", "alarms.devices"},
    Role.STREET_WORKER: {"alarms.view", "alarms.devices"},
    Role.COMMUNITY_WORKER: {"alarms.view", "alarms.devices"},
    Role.OPERATOR: {"alarms.view", "alarms.operate", "alarms.devices"},
}.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _perms


# benefits (issue 4): programmes, payroll (four-eyes: prepare and approve are separate people,
# enforced per batch), funds ledger, appeals routed to the district.
for _role, _perms in {
    Role.CITY_ADMIN: {
        "benefits.view",
        "benefits.manage",
        "benefits.prepare",
        "benefits.approve",
        "benefits.appeal",
        "benefits.decide",
    },
    Role.DISTRICT_OFFICIAL: {
        "benefits.view",
        "benefits.manage",
        "benefits.prepare",
        "benefits.approve",
        "benefits.appeal",
        "benefits.decide",
    },
    Role.STREET_WORKER: {"benefits.view", "benefits.prepare", "benefits.appeal"},
    Role.COMMUNITY_WORKER: {"benefits.view", "benefits.appeal"},
    Role.INSPECTOR: {"benefits.view"},
}.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _perms


# portal (issue 19): the residents' own pages (长辈模式 home of big tiles); what they show is the
# persons linked to the account (registry.selectors.family_persons), never a region.
ROLE_PERMISSIONS[Role.RESIDENT] = ROLE_PERMISSIONS[Role.RESIDENT] | {"portal.home"}

# portal messages (issue 19): staff see the deliveries that failed in their region and export them.
for _role, _perms in {
    Role.CITY_ADMIN: {"portal.deliveries", "portal.deliveries_export"},
    Role.DISTRICT_OFFICIAL: {"portal.deliveries", "portal.deliveries_export"},
    Role.STREET_WORKER: {"portal.deliveries"},
}.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _perms


# oversight (issue 20): officials plan the 双随机 draws and see the register; inspectors see the units
# of their regions, declare conflicts, inspect and accept rectifications; the draws are public.
for _role, _perms in {
    Role.CITY_ADMIN: {"oversight.view", "oversight.plan", "oversight.findings"},
    Role.DISTRICT_OFFICIAL: {"oversight.view", "oversight.plan", "oversight.findings"},
    Role.STREET_WORKER: {"oversight.view", "oversight.findings"},
    Role.INSPECTOR: {"oversight.view", "oversight.inspect", "oversight.findings"},
    # a unit's admin sees and answers only its own units' findings (oversight.selectors.own_units_q)
    Role.PROVIDER_ADMIN: {"oversight.findings"},
}.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _perms

# oversight's 一网统管 cockpit (issue 20 item 7): officials and inspectors see their regions' figures
for _role in (Role.CITY_ADMIN, Role.DISTRICT_OFFICIAL, Role.INSPECTOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"oversight.cockpit"}


# care at home, long-term care (issue 22): community and street workers apply and assess (the two
# assessors of an on-site assessment), district officials accept, conclude and deliver, the city
# enters the standard's table and the periods and fees; inspectors read.
for _role, _perms in {
    Role.CITY_ADMIN: {"ltc.view", "ltc.apply", "ltc.assess", "ltc.decide", "ltc.manage"},
    Role.DISTRICT_OFFICIAL: {"ltc.view", "ltc.apply", "ltc.assess", "ltc.decide"},
    Role.STREET_WORKER: {"ltc.view", "ltc.apply", "ltc.assess"},
    Role.COMMUNITY_WORKER: {"ltc.view", "ltc.apply", "ltc.assess"},
    Role.INSPECTOR: {"ltc.view"},
}.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _perms


# careathome homes (issue 22): home adaptation cases and assistive-device rental. Street and community
# workers apply, assess, plan and run the rental points; officials approve plans, keep the contractor
# register and pay the subsidy; inspectors read.
for _role, _perms in {
    Role.CITY_ADMIN: {
        "careathome.homes_view",
        "careathome.homes_apply",
        "careathome.homes_manage",
        "careathome.rental",
    },
    Role.DISTRICT_OFFICIAL: {
        "careathome.homes_view",
        "careathome.homes_apply",
        "careathome.homes_manage",
        "careathome.rental",
    },
    Role.STREET_WORKER: {"careathome.homes_view", "careathome.homes_apply", "careathome.rental"},
    Role.COMMUNITY_WORKER: {"careathome.homes_view", "careathome.homes_apply", "careathome.rental"},
    Role.INSPECTOR: {"careathome.homes_view"},
}.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _perms


# volunteers and the time bank (issue 21 item 6): street and community workers post requests for older
# people, confirm hours on their behalf and watch unserved requests; district officials also set the
# guarantee pool aside; inspectors read. Volunteers and older people act as signed-in accounts
# (timebank/selectors.py: their own records), not through a permission.
for _role, _perms in {
    Role.CITY_ADMIN: {"timebank.view", "timebank.manage"},
    Role.DISTRICT_OFFICIAL: {"timebank.view", "timebank.manage"},
    Role.STREET_WORKER: {"timebank.view", "timebank.manage"},
    Role.COMMUNITY_WORKER: {"timebank.view", "timebank.manage"},
    Role.INSPECTOR: {"timebank.view"},
}.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _perms
