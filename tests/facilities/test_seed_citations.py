"""The standards' stored citations name Jiaxing's sections as the seed numbers them (facilities
migration 0004): 二(二)7 for centre grading and subsidies, 二(三)9 for the waiting list."""

from carecircle.facilities.models import GradeLevel, GradeSubsidy, WaitingRule


def test_stored_standards_cite_jiaxing_sections_as_the_seed_numbers_them(db):
    texts = [
        *GradeLevel.objects.values_list("source", flat=True),
        *GradeSubsidy.objects.values_list("source", flat=True),
        *WaitingRule.objects.values_list("published_text", flat=True),
    ]
    joined = "\n".join(texts)
    assert "嘉兴市实施意见 二(二)7" in joined and "嘉兴市实施意见 二(三)9" in joined
    assert "二(7)" not in joined and "二(9)" not in joined
