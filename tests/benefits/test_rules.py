import datetime

import pytest

from carecircle.benefits import rules, services
from carecircle.benefits.models import Fund, Programme, Tier


@pytest.mark.parametrize(
    "text, line, column, fragment",
    [
        ("age >= ", 1, 5, "CEL 语法错误"),
        ("age >= 80 &&\n  incom > 3", 2, 3, "未知的事实：incom"),
        ('"rich" in statuses', 1, 1, "未知的状况代码：rich"),
        ('age >= "80"', 1, 1, "类型不一致"),
        ("age / 2 > 40", 1, 1, "不支持除法"),
        ("age", 1, 1, "真/假"),
        ('region.matches("^33")', 1, 1, "不支持的函数"),
        ("age == null", 1, 1, "无需与 null 比较"),
    ],
)
def test_bad_rules_are_refused_with_their_position(text, line, column, fragment):
    with pytest.raises(rules.RuleError) as exc:
        rules.parse(text)
    assert fragment in str(exc.value.message)
    assert exc.value.details["line"] == line
    assert exc.value.details["column"] == column
    assert f"第{line}行第{column}列" in str(exc.value.message)


def test_good_rules_parse_once_and_evaluate_with_trace():
    node = rules.parse(
        'age >= 80 && ("dibao" in statuses || region.startsWith("339901")) && capability_level != null'
    )
    trace = []
    facts = {"age": 81, "statuses": ["dibao"], "region": "339902001001", "capability_level": 2}
    assert rules.evaluate(node, facts, trace) is True
    assert [t["condition"] for t in trace] == [
        "age >= 80",
        '"dibao" in statuses',
        'region.startsWith("339901")',
        "capability_level != null",
    ]
    assert trace[2]["result"] is False and trace[2]["facts"] == {"region": "339902001001"}


def test_null_capability_level_compares_false_both_ways():
    facts = {"capability_level": None}
    assert rules.evaluate(rules.parse("capability_level >= 2"), facts) is False
    assert rules.evaluate(rules.parse("!(capability_level >= 2)"), facts) is True
    assert rules.evaluate(rules.parse("capability_level == null"), facts) is True


def test_saving_a_bad_rule_saves_nothing(users, programmes):
    fund = Fund.objects.first()
    before = (Programme.objects.count(), Tier.objects.count())
    gaoling = programmes["GAOLING"]
    with pytest.raises(rules.RuleError) as exc:
        services.programme_save(
            actor=users["admin"],
            code="GAOLING",
            name="高龄津贴",
            fund=fund,
            region_code="339900000000",
            target_rule="age >= 85",
            tiers=[
                {"label": "A", "condition": "agee >= 90", "amount": "100"},
                {"label": "B", "condition": "", "amount": "50"},
            ],
            valid_from=datetime.date(2025, 1, 1),
        )
    assert exc.value.field == "tiers.0.condition"
    assert "第1行第1列" in str(exc.value.message)
    assert (Programme.objects.count(), Tier.objects.count()) == before
    gaoling.refresh_from_db()
    assert gaoling.target_rule == "age >= 80"
    with pytest.raises(rules.RuleError):
        services.programme_save(
            actor=users["admin"],
            code="NEW1",
            name="新项目",
            fund=fund,
            region_code="339900000000",
            target_rule="age >>= 3",
            tiers=[{"label": "A", "amount": "1"}],
            valid_from=datetime.date(2025, 1, 1),
        )
    assert not Programme.objects.filter(code="NEW1").exists()


def test_programme_save_needs_manage_permission(users, programmes):
    from carecircle.core.errors import Forbidden, NotFound

    with pytest.raises((Forbidden, NotFound)):
        services.programme_save(
            actor=users["street"],
            code="X",
            name="x",
            fund=Fund.objects.first(),
            region_code="339901001000",
            target_rule="age >= 60",
            tiers=[{"label": "A", "amount": "1"}],
            valid_from=datetime.date(2025, 1, 1),
        )
