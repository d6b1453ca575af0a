"""The nursing subsidy's threshold is its own seed's, not the 失能 group's (issue 16 item 1).

Qujing 三(四)5 "认定为生活不能自理的经济困难老年人、计划生育特殊家庭老年人提供护理补贴": the subsidy is for those
who cannot look after themselves in daily life. GB/T 42195-2022 counts level 1 (轻度失能) as 失能 (the
DISABLED group of registry/groups.py starts there), but a mildly impaired person still manages daily
life, so the default programme reads 生活不能自理 as level 2 or worse, and says so in its basis. The
threshold is unchanged; this test keeps it tied to the seed's words.
"""

import datetime
from decimal import Decimal

from carecircle.benefits import engine
from carecircle.registry.services import status_add
from tests.benefits.test_property import _fake_assessment

NOV = datetime.date(2026, 11, 1)


def test_nursing_subsidy_is_for_those_who_cannot_look_after_themselves(
    programmes, make_person, users, monkeypatch
):
    from carecircle.benefits import facts as facts_mod

    mild, moderate = make_person(age=75), make_person(age=75)
    for p in (mild, moderate):
        status_add(
            actor=users["admin"], person=p, kind="dibao", valid_from=datetime.date(2025, 1, 1), source="民政"
        )
    monkeypatch.setattr(facts_mod, "_assessment", lambda: _fake_assessment({mild.pk: 1, moderate.pk: 2}))
    nursing = programmes["NURSING_SUBSIDY"]
    assert "生活不能自理" in nursing.basis and "2级" in nursing.basis and "GB/T 42195" in nursing.basis
    assert "capability_level >= 2" in nursing.target_rule
    due = {p.pk: engine.evaluate_person(nursing, p, NOV) for p in (mild, moderate)}
    assert not due[mild.pk]["eligible"]
    assert due[moderate.pk]["eligible"] and due[moderate.pk]["amount"] == Decimal("200.00")
