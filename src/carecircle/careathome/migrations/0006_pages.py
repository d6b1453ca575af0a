"""Reserved for this session's work on the module (filled in by it, or left empty)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("careathome", "0005_money")]

    operations = []
