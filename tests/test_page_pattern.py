"""The page layer's shape (docs/directory-guide.md, "Writing a page"), checked on every converted
module: no POST field read by hand, no `except DomainError` in a view, no audit row from a view."""

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "carecircle"
CONVERTED = [
    "homecare",
    "workforce",
    "carevisits",
    "planning",
    "benefits",
    "core",
    "alarms",
    "childcare",
    "registry",
    "assessment",
    "facilities",
    "oversight",
    "portal",
    "timebank",
    "careathome",
]  # a module joins this list when its pages follow the pattern

RULES = {
    "reads a POST field by hand": re.compile(r"request\.POST\s*(\[|\.get\(|\.getlist\()"),
    "catches a DomainError in a view": re.compile(
        r"except\s*\(?[^:\n]*\b(DomainError|Forbidden|NotFound|Conflict)\b"
    ),
    "writes an audit row in a view": re.compile(r"\baudit\.record\("),
}


@pytest.mark.parametrize("module", CONVERTED)
def test_views_follow_the_page_pattern(module):
    found = []
    for path in [
        SRC / module / "views.py",
        *sorted((SRC / module).glob("views_*.py")),
        *sorted((SRC / module).glob("*_views.py")),
        *sorted((SRC / module).glob("views/*.py")),
    ]:
        if not path.exists():
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            found += [
                f"{path.relative_to(SRC)}:{n} {what}" for what, rule in RULES.items() if rule.search(line)
            ]
    assert not found, "\n".join(found)


def test_the_rules_bite():
    assert RULES["reads a POST field by hand"].search('x = request.POST.get("reason", "")')
    assert RULES["catches a DomainError in a view"].search("    except DomainError as exc:")
    assert RULES["writes an audit row in a view"].search("audit.record(actor=u, action='x')")


def test_no_view_of_any_module_writes_an_audit_row():
    """Audit rows come from services (alarms/disclosure.py, planning.services.dashboard_export, …)."""
    rule = RULES["writes an audit row in a view"]
    found = [
        f"{path.relative_to(SRC)}:{n}"
        for path in sorted(SRC.glob("*/views.py"))
        + sorted(SRC.glob("*/views_*.py"))
        + sorted(SRC.glob("*/*_views.py"))
        + sorted(SRC.glob("*/views/*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if rule.search(line)
    ]
    assert not found, found
