# A family member's (子女's) or a parent's account acts for a person only through a consented link:
# confirmed by the person's own account or recorded by a community worker with the evidence seen
# (portal/accounts_links.py). The links made before consent existed stay in force, marked as such.
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def grandfather(apps, schema_editor):
    FamilyContact = apps.get_model("registry", "FamilyContact")
    FamilyContact.objects.filter(user__isnull=False).update(link_state="active", link_basis="legacy")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0009_phone_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="familycontact",
            name="link_state",
            field=models.CharField(
                choices=[("pending", "待确认"), ("active", "已生效"), ("declined", "已拒绝"), ("ended", "已解除")],
                default="pending",
                db_default="pending",
                max_length=10,
                verbose_name="关联状态",
            ),
        ),
        migrations.AddField(
            model_name="familycontact",
            name="link_basis",
            field=models.CharField(
                blank=True,
                choices=[("person", "本人确认"), ("worker", "社区工作人员核验登记"), ("legacy", "关联功能上线前登记")],
                default="",
                db_default="",
                max_length=10,
                verbose_name="关联依据",
            ),
        ),
        migrations.AddField(
            model_name="familycontact",
            name="link_evidence",
            field=models.CharField(
                blank=True,
                choices=[
                    ("hukou", "户口簿"),
                    ("birth_certificate", "出生医学证明"),
                    ("kinship_certificate", "亲属关系证明"),
                    ("guardianship", "监护关系证明"),
                    ("notary", "公证书或授权委托书"),
                    ("in_person", "本人到场当面确认"),
                ],
                default="",
                db_default="",
                max_length=24,
                verbose_name="核验材料",
            ),
        ),
        migrations.AddField(
            model_name="familycontact",
            name="link_note",
            field=models.CharField(blank=True, default="", db_default="", max_length=200, verbose_name="核验说明"),
        ),
        migrations.AddField(
            model_name="familycontact",
            name="link_requested_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="申请时间"),
        ),
        migrations.AddField(
            model_name="familycontact",
            name="link_decided_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="确认时间"),
        ),
        migrations.AddField(
            model_name="familycontact",
            name="link_decided_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="familycontact",
            name="link_ended_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="解除时间"),
        ),
        migrations.AddField(
            model_name="familycontact",
            name="link_ended_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(grandfather, migrations.RunPython.noop),
    ]
