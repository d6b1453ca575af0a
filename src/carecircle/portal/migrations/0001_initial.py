# The portal's first migration; the outbox of messages fills it in (0002 holds the accounts).
from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []

    operations: list[migrations.operations.base.Operation] = []
