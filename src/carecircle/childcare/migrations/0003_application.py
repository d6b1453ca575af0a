from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("childcare", "0002_voucher_programme_code")]

    operations = []
