"""M-CHAT-R/F (Modified Checklist for Autism in Toddlers, Revised, with Follow-Up) scoring, for
children of 16 to 30 months (Robins, Fein & Barton 2009).

20 yes/no items answered by a parent. For items 2, 5 and 12 "yes" indicates risk; for all others
"no" does. The total of at-risk answers gives the band:
  0–2  low risk: no action unless surveillance shows concern (re-screen at 24 months if younger);
  3–7  medium risk: the Follow-Up interview on the failed items; if 2 or more still fail, refer
       for diagnostic evaluation and early-intervention eligibility; 0–1 → screen negative;
  8–20 high risk: skip the Follow-Up and refer at once.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from carecircle.core.errors import InvalidInput

ITEM_COUNT = 20
REVERSED = frozenset({2, 5, 12})  # "yes" is the at-risk answer
MIN_MONTHS, MAX_MONTHS = 16, 30


@dataclass(frozen=True)
class MchatResult:
    score: int
    risk: str  # low | medium | high
    failed_items: tuple[int, ...]
    next_step: str
    refer: bool | None  # None: depends on the Follow-Up interview

    def as_dict(self) -> dict:
        return {
            "score": self.score,
            "risk": self.risk,
            "failed_items": list(self.failed_items),
            "next_step": self.next_step,
            "refer": self.refer,
        }


def check_age(age_months) -> int:
    if isinstance(age_months, bool) or not isinstance(age_months, int):
        raise InvalidInput(_("月龄应为整数"), field="age_months")
    if not MIN_MONTHS <= age_months <= MAX_MONTHS:
        raise InvalidInput(
            _("M-CHAT-R/F 仅适用于16–30月龄儿童（此儿童%(m)d月龄），请改用与月龄相符的发育筛查")
            % {"m": age_months},
            field="age_months",
        )
    return age_months


def check_answers(answers, field: str = "answers") -> list[bool]:
    if not isinstance(answers, list | tuple) or len(answers) != ITEM_COUNT:
        raise InvalidInput(_("应按题目顺序提供20个是/否回答"), field=field)
    for i, a in enumerate(answers, start=1):
        if not isinstance(a, bool):
            raise InvalidInput(_("第%(i)d题的回答应为是(true)或否(false)") % {"i": i}, field=f"{field}.{i}")
    return list(answers)


def failed(answers: list[bool]) -> tuple[int, ...]:
    """Item numbers (1-based) answered in the at-risk direction."""
    return tuple(i for i, yes in enumerate(answers, start=1) if yes == (i in REVERSED))


def score(*, age_months: int, answers) -> MchatResult:
    check_age(age_months)
    answers = check_answers(answers)
    items = failed(answers)
    total = len(items)
    if total <= 2:
        return MchatResult(
            total,
            "low",
            items,
            _("低风险：无需进一步处理，除非日常监测提示有孤独症风险；24月龄前筛查者应在满24月龄后复筛"),
            False,
        )
    if total <= 7:
        return MchatResult(
            total,
            "medium",
            items,
            _(
                "中风险：对未通过的条目进行后续访谈（Follow-Up）；访谈后仍有2项及以上未通过则转介诊断评估和早期干预，"
                "0–1项未通过为筛查阴性，继续定期随访"
            ),
            None,
        )
    return MchatResult(total, "high", items, _("高风险：无需后续访谈，立即转介诊断评估和早期干预"), True)


def follow_up(*, initial: MchatResult, still_failing: list[int]) -> bool:
    """Outcome of the Follow-Up interview for a medium-risk screen: refer when 2 or more of the
    initially failed items still fail."""
    if initial.risk != "medium":
        raise InvalidInput(_("仅中风险筛查需要后续访谈"), field="follow_up")
    unknown = sorted(set(still_failing) - set(initial.failed_items))
    if unknown:
        raise InvalidInput(
            _("后续访谈的条目 %(i)s 在初筛中并未失败") % {"i": unknown[0]}, field="follow_up_failed"
        )
    return len(set(still_failing)) >= 2
