"""The helpers every module shares, written once (issue 15, "One helper each"): the district of a
code, forgetting a user's cached grants, local dates, the audit action names and their labels."""

import re
from pathlib import Path

from carecircle.core import regions, scope
from carecircle.core.services import role_grant

SRC = Path(__file__).resolve().parents[2] / "src" / "carecircle"


def _sources():
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, path.read_text(encoding="utf-8")


def test_district_of_a_community_a_street_and_a_district_prefix():
    assert regions.district_of("339901001001") == "339901000000"
    assert regions.district_of("339901001000") == "339901000000"
    assert regions.district_of("339901000000") == "339901000000"
    assert regions.district_of("339901") == "339901000000"


def test_no_district_code_is_written_by_hand_in_src():
    hand = re.compile(r'\[:6\]\s*\+\s*"0{6}"|\+\s*"000000"')
    found = [
        f"{p.relative_to(SRC)}:{n}"
        for p, text in _sources()
        for n, line in enumerate(text.splitlines(), 1)
        if hand.search(line)
    ]
    assert found == [], f"use regions.district_of: {found}"


def test_forget_makes_the_next_check_read_the_grants_again(users, city):
    user = users["street"]
    assert not scope.has_perm(user, "user.manage")  # reads the grants and keeps them on the object
    user.grants.create(role="city_admin", region_id="339900000000")
    assert not scope.has_perm(user, "user.manage")  # still the kept grants
    scope.forget(user)
    assert scope.has_perm(user, "user.manage")
    scope.forget(None)  # the system has no grants to forget


def test_role_grant_forgets_the_kept_grants(users, city):
    user = users["street"]
    assert not scope.has_perm(user, "user.manage")
    role_grant(actor=None, user=user, role="city_admin", region_code="339900000000")
    assert scope.has_perm(user, "user.manage")


def test_no_hand_written_grants_cache_outside_scope():
    found = [
        str(p.relative_to(SRC))
        for p, text in _sources()
        if "_carecircle_grants" in text and p.name != "scope.py"
    ]
    assert found == [], f"use scope.forget(user): {found}"


def test_local_dates_come_from_one_function():
    """`date.today()` is the host's date (yesterday's from 00:00 to 08:00 in Beijing on a UTC host);
    src/ takes local dates from timezone.localdate() and ruff's DTZ rules keep it so."""
    naive = re.compile(r"\bdate\.today\(\)|\bdatetime\.now\(\)|\bdatetime\.today\(\)|utcnow\(")
    found = [
        f"{p.relative_to(SRC)}:{n}"
        for p, text in _sources()
        for n, line in enumerate(text.splitlines(), 1)
        if naive.search(line)
    ]
    assert found == []
    pyproject = (SRC.parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    assert '"DTZ"' in pyproject.split("[tool.ruff.lint]")[1].split("\n[")[0]


def test_no_file_in_src_over_500_lines():
    """Split by what a file holds (homecare/models/ by aggregate, benefits/_ledger.py, rule_syntax.py)."""
    long = {str(p.relative_to(SRC)): n for p, text in _sources() if (n := len(text.splitlines())) > 500}
    assert long == {}


def _action_uses():
    """(file:line, value or member name) of every audit action written in src/: string literals
    passed as `action=` (and the admin's own), and every `AuditAction.NAME`."""
    literal = re.compile(r'action="([^"]+)"')
    member = re.compile(r"\bAuditAction\.([A-Z][A-Z0-9_]*)\b")
    for p, text in _sources():
        if p.name == "audit_actions.py":
            continue
        for n, line in enumerate(text.splitlines(), 1):
            where = f"{p.relative_to(SRC)}:{n}"
            for value in literal.findall(line):
                if value not in {"store_true", "store_false", "append", "count"}:  # argparse
                    yield where, "value", value
            for name in member.findall(line):
                yield where, "member", name


def test_every_audit_action_in_src_is_a_member_with_a_chinese_label():
    from carecircle.core.audit_actions import AuditAction

    uses = list(_action_uses())
    assert len(uses) > 100  # the scan sees the services' calls
    free = [(w, v) for w, kind, v in uses if kind == "value"]
    assert free == [], f"pass an AuditAction member, not a string: {free}"
    unknown = [(w, v) for w, kind, v in uses if kind == "member" and v not in AuditAction.__members__]
    assert unknown == []
    for action in AuditAction:
        assert re.search(r"[\u4e00-\u9fff]", str(action.label)), action
    assert len({str(a.label) for a in AuditAction}) == len(AuditAction), "two actions with one label"
    # filing.{kind}: one member per filing kind
    from carecircle.facilities.models import FilingKind

    for kind in FilingKind.values:
        AuditAction(f"filing.{kind}")


def test_stored_action_strings_are_unchanged():
    from carecircle.core.audit_actions import AuditAction

    assert AuditAction.ALARMS_INCIDENT_ACKNOWLEDGE == "alarms.incident_acknowledge"
    assert AuditAction.PII_UNMASK == "pii.unmask"
    assert AuditAction.ORDER_ACCEPT == "order.accept"


def test_audit_page_shows_the_label_and_the_object_by_name(users, make_person, client_for):
    from carecircle.core.models import AuditEvent
    from carecircle.registry.services import person_unmask

    person = make_person()
    person_unmask(actor=users["street"], person=person, purpose="核实")
    event = AuditEvent.objects.filter(action="pii.unmask").latest("pk")
    assert event.action_label == "查看个人信息明文" and event.object_label == "人员"
    body = client_for(users["district"]).get("/audit/?action=pii.unmask").content.decode()
    assert "查看个人信息明文" in body and f"人员 {person.name}" in body  # the subject in words
    assert "<code>pii.unmask</code>" not in body
    old = AuditEvent(action="retired.action", object_type="export")  # a row written before its name
    assert old.action_label == "retired.action" and old.object_label == "export"


def test_access_by_id_one_404_for_missing_invalid_and_out_of_scope(users, make_person):
    import pytest

    from carecircle.core.access import access_by_id
    from carecircle.core.errors import Forbidden, NotFound
    from carecircle.registry.models import Person

    person = make_person("339901001001")  # region A
    rows = Person.objects.all()
    assert access_by_id(rows, person.pk, user=users["street"], perm="registry.view") == person
    assert access_by_id(rows, str(person.pk), user=users["street"], perm="registry.view") == person
    for user, object_id in [
        (users["street"], person.pk + 10_000),
        (users["street"], "abc"),
        (users["street"], None),
        (users["street_b"], person.pk),
        (None, person.pk),
    ]:
        with pytest.raises(NotFound):
            access_by_id(rows, object_id, user=user, perm="registry.view")
    with pytest.raises(Forbidden):  # visible in one's own region, but not this permission
        access_by_id(rows, person.pk, user=users["street"], perm="user.manage")
    seen = []
    assert (
        access_by_id(
            rows, person.pk, user=users["street"], perm="p", check=lambda u, p, row: seen.append(row)
        )
        == person
    )
    assert seen == [person]


def test_no_fetch_then_check_by_hand():
    """`X.filter(pk=…).first()`, `if … is None: raise NotFound()`, then `scope.require` is
    `core.access.access_by_id`."""
    hand = re.compile(
        r"\.filter\(pk=[^)]*\)[^\n]*\.first\(\)\n\s+if \w+ is None:\n\s+raise NotFound\(\)\n"
        r"\s+(scope\.require|[\w.]*require_facility)\("
    )
    found = [str(p.relative_to(SRC)) for p, text in _sources() if hand.search(text)]
    assert found == []


def test_signed_in_instead_of_getattr_is_authenticated():
    hand = re.compile(r"getattr\(\w+(\.\w+)*, \"is_authenticated\"")
    found = [str(p.relative_to(SRC)) for p, text in _sources() if hand.search(text)]
    assert found == [], f"use core.types.signed_in: {found}"


def test_provider_admin_or_staff_is_one_rule():
    """'The provider's own admin, or staff of its region' is core.organisations.require_admin_or_staff,
    not organisations_of(..., "provider_admin") followed by scope.require."""
    hand = re.compile(r'organisations_of\([^)]*"provider_admin"\):\n(\s+.*\n){0,3}?\s+scope\.require\(')
    found = [str(p.relative_to(SRC)) for p, text in _sources() if hand.search(text)]
    assert found == []


def test_require_admin_or_staff(users, city):
    import pytest

    from carecircle.core.errors import NotFound
    from carecircle.core.organisations import OrganisationKind, require_admin_or_staff

    admin = users["street"]
    admin.grants.create(
        role="provider_admin",
        region_id="339901000000",
        organisation_kind=OrganisationKind.HOMECARE_PROVIDER,
        organisation_id=7,
    )
    from carecircle.core import scope

    scope.forget(admin)
    check = dict(kind=OrganisationKind.HOMECARE_PROVIDER, perm="homecare.manage", region_code="339902001001")
    require_admin_or_staff(admin, organisation_id=7, **check)  # its own admin, wherever the provider is
    with pytest.raises(NotFound):  # another provider in another district: staff rules, and it is outside
        require_admin_or_staff(admin, organisation_id=8, **check)
    require_admin_or_staff(users["admin"], organisation_id=8, **check)  # the city's staff


def test_ruff_refuses_naive_dates_unused_arguments_and_imports_inside_functions():
    """The rules are on for src/ (tests, bench and scripts are exempt from ARG and PLC0415); a lazy
    import in src/ says why on its line."""
    pyproject = (SRC.parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    select = pyproject.split("[tool.ruff.lint]")[1].split("\n[")[0]
    for rule in ('"DTZ"', '"ARG"', '"PLC0415"'):
        assert rule in select
    bare = [
        f"{p.relative_to(SRC)}:{n}"
        for p, text in _sources()
        for n, line in enumerate(text.splitlines(), 1)
        if "noqa: PLC0415" in line and "—" not in line.split("noqa: PLC0415", 1)[1]
    ]
    assert bare == [], "say why the import stays inside the function"
