# Proactive wellbeing calls (主动关怀, issue 18): rules, calls (one per rule, person and slot) and
# their attempts; the default rules (alarms/outreach.py: DEFAULT_RULES) are loaded here.
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def load_rules(apps, schema_editor):
    from carecircle.alarms.outreach import ensure_rules

    ensure_rules(apps.get_model("alarms", "OutreachRule"))


class Migration(migrations.Migration):
    dependencies = [("alarms", "0004_routing")]

    operations = [
        migrations.CreateModel(
            name='OutreachRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=40, unique=True, verbose_name='编码')),
                ('name', models.CharField(max_length=60, verbose_name='名称')),
                ('condition', models.CharField(choices=[('group', '人群类别'), ('status', '登记状况'), ('incident', '近期发生警情')], max_length=12, verbose_name='对象条件')),
                ('value', models.CharField(blank=True, max_length=40, verbose_name='人群类别/状况')),
                ('lookback_days', models.PositiveSmallIntegerField(default=14, verbose_name='回看天数')),
                ('every_days', models.PositiveSmallIntegerField(default=7, verbose_name='间隔天数')),
                ('max_calls', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='最多次数')),
                ('due_hour', models.PositiveSmallIntegerField(default=17, verbose_name='当日完成时限（时）')),
                ('max_attempts', models.PositiveSmallIntegerField(default=3, verbose_name='无人接听最多拨打次数')),
                ('retry_minutes', models.PositiveIntegerField(default=120, verbose_name='重拨间隔（分钟）')),
                ('visit_within_days', models.PositiveSmallIntegerField(default=1, verbose_name='转社区探访时限（天）')),
                ('script', models.TextField(verbose_name='话术')),
                ('region_prefix', models.CharField(blank=True, max_length=12, verbose_name='适用区划前缀')),
                ('active', models.BooleanField(default=True, verbose_name='启用')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='依据')),
            ],
            options={
                'verbose_name': '主动关怀规则',
                'verbose_name_plural': '主动关怀规则',
                'ordering': ['code'],
                'constraints': [models.CheckConstraint(condition=models.Q(('every_days__gte', 1)), name='outreach_rule_every'), models.CheckConstraint(condition=models.Q(('max_attempts__gte', 1)), name='outreach_rule_attempts'), models.CheckConstraint(condition=models.Q(('due_hour__lte', 24)), name='outreach_rule_due_hour')],
            },
        ),
        migrations.CreateModel(
            name='OutreachCall',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('region_code', models.CharField(db_index=True, max_length=12, verbose_name='所属社区')),
                ('slot_start', models.DateField(verbose_name='周期开始')),
                ('scheduled_for', models.DateField(verbose_name='计划日期')),
                ('due_at', models.DateTimeField(verbose_name='完成时限')),
                ('state', models.CharField(choices=[('pending', '待拨打'), ('retry', '待重拨'), ('well', '平安'), ('service', '需要服务'), ('visit', '转社区探访')], default='pending', max_length=10, verbose_name='状态')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='已拨打次数')),
                ('first_attempt_at', models.DateTimeField(blank=True, null=True, verbose_name='首次拨打')),
                ('next_attempt_at', models.DateTimeField(blank=True, null=True, verbose_name='下次拨打')),
                ('done_at', models.DateTimeField(blank=True, null=True, verbose_name='完成时间')),
                ('service_item', models.CharField(blank=True, max_length=30, verbose_name='所需服务')),
                ('note', models.CharField(blank=True, max_length=500, verbose_name='情况记录')),
                ('visit_plan_id', models.PositiveBigIntegerField(blank=True, null=True, verbose_name='社区探访计划')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('assignee', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='outreach_calls', to=settings.AUTH_USER_MODEL, verbose_name='坐席')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='outreach_calls', to='registry.person')),
                ('rule', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='calls', to='alarms.outreachrule')),
            ],
            options={
                'verbose_name': '主动关怀电话',
                'verbose_name_plural': '主动关怀电话',
                'ordering': ['scheduled_for', 'due_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='OutreachAttempt',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('region_code', models.CharField(db_index=True, max_length=12)),
                ('number', models.PositiveSmallIntegerField(verbose_name='第几次')),
                ('at', models.DateTimeField(verbose_name='拨打时间')),
                ('result', models.CharField(choices=[('well', '平安'), ('service', '需要服务'), ('no_answer', '无人接听')], max_length=10, verbose_name='结果')),
                ('operator_name', models.CharField(blank=True, max_length=100, verbose_name='坐席')),
                ('note', models.CharField(blank=True, max_length=500, verbose_name='情况记录')),
                ('idempotency_key', models.CharField(max_length=80, unique=True)),
                ('operator', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('call', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attempt_rows', to='alarms.outreachcall')),
            ],
            options={
                'ordering': ['call', 'number'],
                'constraints': [models.UniqueConstraint(fields=('call', 'number'), name='outreach_attempt_number_once')],
            },
        ),
        migrations.AddIndex(
            model_name='outreachcall',
            index=models.Index(fields=['assignee', 'scheduled_for'], name='outreach_assignee_day'),
        ),
        migrations.AddIndex(
            model_name='outreachcall',
            index=models.Index(fields=['region_code', 'scheduled_for'], name='outreach_region_day'),
        ),
        migrations.AddIndex(
            model_name='outreachcall',
            index=models.Index(fields=['person', 'rule', 'slot_start'], name='outreach_person_rule'),
        ),
        migrations.AddConstraint(
            model_name='outreachcall',
            constraint=models.UniqueConstraint(fields=('rule', 'person', 'slot_start'), name='outreach_call_once_per_slot'),
        ),
        migrations.RunPython(load_rules, migrations.RunPython.noop),
    ]
