"""Money once (the family bed's monthly subsidy, the rental subsidy posted from its bill) and the
adviser's on-behalf applications under a revocable consent (issue 22, items 3, 5 and 6)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def family_bed_paid_where_used(apps, _schema_editor):
    """A family_bed programme set up before this session (paid in kind) becomes a voucher programme:
    the monthly task posts each bed's month to its fund, so the payroll must not pay it as well."""
    programme = apps.get_model("benefits", "Programme")
    programme.objects.filter(code="family_bed", payment_method="in_kind").update(payment_method="voucher")


class Migration(migrations.Migration):
    dependencies = [
        ("careathome", "0004_beds"),
        ("benefits", "0006_payment_key_by_batch"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="BedSubsidy",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("region_code", models.CharField(db_index=True, max_length=12, verbose_name="所属社区")),
                ("month", models.DateField(verbose_name="月份")),
                ("amount", models.DecimalField(decimal_places=2, max_digits=14, verbose_name="补贴（元）")),
                ("ledger_reference", models.CharField(max_length=60, unique=True, verbose_name="记账凭证号")),
                ("posted_at", models.DateTimeField(auto_now_add=True, verbose_name="入账时间")),
            ],
            options={
                "verbose_name": "家庭养老床位月度补贴",
                "verbose_name_plural": "家庭养老床位月度补贴",
                "ordering": ["-month", "bed_id"],
            },
        ),
        migrations.CreateModel(
            name="OnBehalfApplication",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "purpose",
                    models.CharField(
                        choices=[
                            ("ltc", "代办长期护理失能评估申请"),
                            ("adaptation", "代办居家适老化改造申请"),
                            ("family_bed", "代办家庭养老床位申请"),
                            ("allowance", "代办老年人补贴申请"),
                        ],
                        max_length=12,
                        verbose_name="代办事项",
                    ),
                ),
                ("region_code", models.CharField(db_index=True, max_length=12)),
                ("object_id", models.PositiveBigIntegerField(verbose_name="申请编号")),
                ("applied_at", models.DateTimeField(auto_now_add=True, verbose_name="代办时间")),
            ],
            options={
                "verbose_name": "委托代办申请",
                "verbose_name_plural": "委托代办申请",
                "ordering": ["-applied_at"],
            },
        ),
        migrations.AddField(
            model_name="delegationconsent",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="撤回时间"),
        ),
        migrations.AddField(
            model_name="delegationconsent",
            name="revoked_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="rentalbill",
            name="ledger_reference",
            field=models.CharField(blank=True, default="", max_length=60, verbose_name="记账凭证号"),
        ),
        migrations.AddField(
            model_name="rentalbill",
            name="posted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="入账时间"),
        ),
        migrations.AddConstraint(
            model_name="rentalbill",
            constraint=models.UniqueConstraint(
                condition=models.Q(("ledger_reference", ""), _negated=True),
                fields=("ledger_reference",),
                name="rental_subsidy_posted_once",
            ),
        ),
        migrations.AddField(
            model_name="bedsubsidy",
            name="bed",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="subsidies",
                to="careathome.familybed",
            ),
        ),
        migrations.AddField(
            model_name="onbehalfapplication",
            name="adviser",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="代办人",
            ),
        ),
        migrations.AddField(
            model_name="onbehalfapplication",
            name="consent",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="applications",
                to="careathome.delegationconsent",
            ),
        ),
        migrations.AddField(
            model_name="onbehalfapplication",
            name="plan",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="applications",
                to="careathome.adviserplan",
            ),
        ),
        migrations.AddConstraint(
            model_name="bedsubsidy",
            constraint=models.UniqueConstraint(fields=("bed", "month"), name="family_bed_subsidy_once"),
        ),
        migrations.RunPython(family_bed_paid_where_used, migrations.RunPython.noop),
    ]
