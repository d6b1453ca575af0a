# The portal's first migration: the outbox of messages (portal/models/messages.py); 0002 holds the
# accounts.
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import carecircle.core.vault


class Migration(migrations.Migration):
    initial = True
    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.CreateModel(
            name="Message",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=200, verbose_name="幂等键")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("otp_code", "登录验证码"),
                            ("allowance_granted", "补贴发放"),
                            ("allowance_stopped", "补贴停发"),
                            ("allowance_recovered", "补贴追回"),
                            ("visit_reminder", "上门服务提醒"),
                            ("caregiver_on_way", "服务人员已出发"),
                            ("order_accepted", "服务订单已接单"),
                            ("waiting_offer", "轮候床位/托位通知"),
                            ("assessment_appointment", "能力评估预约"),
                            ("alarm_handled", "紧急呼叫处理结果"),
                            ("notice", "其他通知"),
                        ],
                        max_length=32,
                        verbose_name="消息类型",
                    ),
                ),
                ("phone", carecircle.core.vault.EncryptedTextField(blank=True, verbose_name="手机号")),
                ("region_code", models.CharField(max_length=12, verbose_name="所属社区")),
                ("title", models.CharField(max_length=200, verbose_name="标题")),
                ("body", models.TextField(blank=True, verbose_name="内容")),
                ("secret_body", carecircle.core.vault.EncryptedTextField(blank=True)),
                ("expires_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(verbose_name="创建时间")),
                ("in_inbox", models.BooleanField(default=False)),
                ("read_at", models.DateTimeField(blank=True, null=True, verbose_name="阅读时间")),
                (
                    "recipient",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="接收人",
                    ),
                ),
            ],
            options={
                "verbose_name": "消息",
            },
        ),
        migrations.CreateModel(
            name="Delivery",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "channel",
                    models.CharField(
                        choices=[("inbox", "站内消息"), ("sms", "短信")], max_length=16, verbose_name="渠道"
                    ),
                ),
                ("region_code", models.CharField(max_length=12, verbose_name="所属社区")),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("queued", "待发送"),
                            ("sending", "发送中"),
                            ("sent", "已发送"),
                            ("failed", "发送失败，等待重试"),
                            ("dead", "发送失败，已放弃"),
                        ],
                        default="queued",
                        max_length=16,
                        verbose_name="状态",
                    ),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="尝试次数")),
                ("next_attempt_at", models.DateTimeField(verbose_name="下次尝试")),
                ("lease_owner", models.CharField(blank=True, max_length=120)),
                ("lease_until", models.DateTimeField(blank=True, null=True)),
                ("last_error", models.CharField(blank=True, max_length=300, verbose_name="最近错误")),
                ("provider_id", models.CharField(blank=True, max_length=100, verbose_name="网关消息编号")),
                ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="发送时间")),
                ("updated_at", models.DateTimeField(verbose_name="更新时间")),
                (
                    "message",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deliveries",
                        to="portal.message",
                    ),
                ),
            ],
            options={
                "verbose_name": "消息投递",
            },
        ),
        migrations.CreateModel(
            name="MessagePreference",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("otp_code", "登录验证码"),
                            ("allowance_granted", "补贴发放"),
                            ("allowance_stopped", "补贴停发"),
                            ("allowance_recovered", "补贴追回"),
                            ("visit_reminder", "上门服务提醒"),
                            ("caregiver_on_way", "服务人员已出发"),
                            ("order_accepted", "服务订单已接单"),
                            ("waiting_offer", "轮候床位/托位通知"),
                            ("assessment_appointment", "能力评估预约"),
                            ("alarm_handled", "紧急呼叫处理结果"),
                            ("notice", "其他通知"),
                        ],
                        max_length=32,
                        verbose_name="消息类型",
                    ),
                ),
                ("wanted", models.BooleanField(default=True, verbose_name="接收")),
                ("by_sms", models.BooleanField(default=True, verbose_name="短信通知")),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "消息设置",
            },
        ),
        migrations.AddIndex(
            model_name="message",
            index=models.Index(
                condition=models.Q(("in_inbox", True)),
                fields=["recipient", "-created_at"],
                name="portal_msg_inbox",
            ),
        ),
        migrations.AddIndex(
            model_name="delivery",
            index=models.Index(fields=["state", "next_attempt_at"], name="portal_delivery_due"),
        ),
        migrations.AddConstraint(
            model_name="message",
            constraint=models.UniqueConstraint(fields=("key",), name="portal_message_key_once"),
        ),
        migrations.AddConstraint(
            model_name="delivery",
            constraint=models.UniqueConstraint(fields=("message", "channel"), name="portal_delivery_once"),
        ),
        migrations.AddConstraint(
            model_name="messagepreference",
            constraint=models.UniqueConstraint(fields=("user", "kind"), name="portal_pref_once"),
        ),
    ]
