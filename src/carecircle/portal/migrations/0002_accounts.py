# The residents' accounts: the profile an account keeps (phone, 长辈模式) and the one-time sign-in
# codes. The links between accounts and people are registry rows (registry FamilyContact).
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import carecircle.core.vault


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SignInCode",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("phone_hash", models.CharField(max_length=64)),
                ("address", models.CharField(max_length=64)),
                ("code_hash", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField()),
                ("expires_at", models.DateTimeField()),
                ("used_at", models.DateTimeField(blank=True, null=True)),
                ("message_key", models.CharField(blank=True, max_length=100)),
            ],
            options={
                "verbose_name": "登录验证码",
                "verbose_name_plural": "登录验证码",
                "indexes": [
                    models.Index(fields=["phone_hash", "created_at"], name="signin_code_phone"),
                    models.Index(fields=["address", "created_at"], name="signin_code_address"),
                ],
            },
        ),
        migrations.CreateModel(
            name="ResidentProfile",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("region_code", models.CharField(blank=True, db_index=True, max_length=12, verbose_name="所属社区")),
                ("phone", carecircle.core.vault.EncryptedTextField(blank=True, verbose_name="手机号")),
                ("phone_masked", models.CharField(blank=True, max_length=20, verbose_name="手机号")),
                ("phone_hash", models.CharField(blank=True, max_length=64)),
                ("elder_mode", models.BooleanField(blank=True, null=True, verbose_name="长辈模式")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="resident_profile",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "居民账号资料",
                "verbose_name_plural": "居民账号资料",
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("phone_hash", ""), _negated=True),
                        fields=("phone_hash",),
                        name="resident_profile_one_per_phone",
                    )
                ],
            },
        ),
    ]
