"""The adaptation subsidy is paid to the contractor when the accepted works are paid (through the
funds ledger, once). A home_adaptation programme set up before as paid in kind becomes a voucher
programme, so the benefits payroll no longer commits it a second time for every eligible household."""

from django.db import migrations


def adaptation_paid_where_used(apps, _schema_editor):
    programme = apps.get_model("benefits", "Programme")
    programme.objects.filter(code="home_adaptation", payment_method="in_kind").update(payment_method="voucher")


class Migration(migrations.Migration):
    dependencies = [("careathome", "0006_pages"), ("benefits", "0006_payment_key_by_batch")]
    operations = [migrations.RunPython(adaptation_paid_where_used, migrations.RunPython.noop)]
