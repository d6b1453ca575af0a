"""托育机构设置标准（试行）(国卫人口发〔2019〕58号) as data: age bands in months [from, to),
the most children per class and the children per caregiver."""

from dataclasses import dataclass

from carecircle.childcare.models import Band


@dataclass(frozen=True)
class BandRule:
    months_from: int
    months_to: int
    max_children: int
    children_per_caregiver: int | None  # None: the ratio of the youngest child's own band


BANDS: dict[str, BandRule] = {  # keyed by Band (a str)
    Band.INFANT: BandRule(6, 12, 10, 3),
    Band.SMALL: BandRule(12, 24, 15, 5),
    Band.BIG: BandRule(24, 36, 20, 7),
    Band.MIXED: BandRule(18, 36, 18, None),
}
AGE_BANDS = [Band.INFANT, Band.SMALL, Band.BIG]
# Kindergartens turn spare seats into 托位 for 2–3 year olds (Hechuan 三(一)): 托大班 only.
ALLOWED_BANDS = {"kindergarten_class": [Band.BIG]}


def months_old(birth, day) -> int:
    months = (day.year - birth.year) * 12 + day.month - birth.month
    return months - (1 if day.day < birth.day else 0)


def own_band(months: int) -> str | None:
    for band in AGE_BANDS:
        rule = BANDS[band]
        if rule.months_from <= months < rule.months_to:
            return band
    return None


def children_per_caregiver(band: str, youngest_months: int) -> int:
    """Children per caregiver in a class; a mixed class keeps the ratio of its youngest child's band."""
    rule = BANDS[band]
    if rule.children_per_caregiver is not None:
        return rule.children_per_caregiver
    ratio = BANDS[own_band(youngest_months) or Band.BIG].children_per_caregiver
    assert ratio is not None  # every age band (what own_band answers) has its ratio
    return ratio
