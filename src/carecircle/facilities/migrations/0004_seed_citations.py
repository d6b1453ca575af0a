"""The standards' stored citations name the seed's sections as the seed numbers them: Jiaxing's
centre grading and subsidies are 二(二)7 and its waiting list 二(三)9 (0002 wrote 二(7) and 二(9),
which tests/test_traceability.py refuses). Rows an official has rewritten keep their text."""

from django.db import migrations

FIXES = [("嘉兴市实施意见 二(7)", "嘉兴市实施意见 二(二)7"), ("嘉兴市实施意见 二(9)", "嘉兴市实施意见 二(三)9")]


def _fixed(text: str) -> str:
    for old, new in FIXES:
        text = text.replace(old, new)
    return text


def forwards(apps, schema_editor):
    for model, field in [("GradeLevel", "source"), ("GradeSubsidy", "source"), ("WaitingRule", "published_text")]:
        Model = apps.get_model("facilities", model)
        for row in Model.objects.all():
            text = getattr(row, field)
            if _fixed(text) != text:
                setattr(row, field, _fixed(text))
                row.save(update_fields=[field])


class Migration(migrations.Migration):
    dependencies = [("facilities", "0003_offer_response_choices")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
