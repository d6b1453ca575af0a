import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial"), migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.CreateModel(
            name='AssessmentRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('region_code', models.CharField(db_index=True, max_length=12, verbose_name='所属社区')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='申请说明')),
                ('state', models.CharField(choices=[('submitted', '已提交，等待受理'), ('accepted', '已受理，已预约上门评估'), ('refused', '不予受理'), ('done', '已完成评估')], default='submitted', max_length=10, verbose_name='状态')),
                ('appointment_on', models.DateField(blank=True, null=True, verbose_name='预约评估日期')),
                ('refused_reason', models.CharField(blank=True, max_length=300, verbose_name='不予受理原因')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='受理时间')),
                ('created_at', models.DateTimeField(verbose_name='申请时间')),
                ('assessment', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='assessment.capabilityassessment')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assessment_requests', to='registry.person')),
                ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='assessment_requests', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '能力评估申请',
                'verbose_name_plural': '能力评估申请',
                'ordering': ['-created_at', '-id'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('state__in', ['submitted', 'accepted'])), fields=('person',), name='assessment_one_open_request')],
            },
        ),
    ]
