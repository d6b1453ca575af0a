import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("childcare", "0002_voucher_programme_code"), migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.CreateModel(
            name='Application',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('region_code', models.CharField(db_index=True, max_length=12)),
                ('child_region_code', models.CharField(db_index=True, max_length=12)),
                ('start_wanted', models.DateField(verbose_name='希望入托日期')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='申请说明')),
                ('state', models.CharField(choices=[('submitted', '已提交，等待托育机构答复'), ('offered', '已录取入托'), ('refused', '未录取'), ('closed', '已在其他机构入托，申请结束')], default='submitted', max_length=10, verbose_name='状态')),
                ('refused_reason', models.CharField(blank=True, max_length=300, verbose_name='未录取原因')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='答复时间')),
                ('created_at', models.DateTimeField(verbose_name='申请时间')),
                ('applied_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('child', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='childcare_applications', to='registry.person')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('enrolment', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='childcare.enrolment')),
                ('facility', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='childcare_applications', to='facilities.facility')),
            ],
            options={
                'verbose_name': '托位申请',
                'verbose_name_plural': '托位申请',
                'ordering': ['-created_at', '-id'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('state', 'submitted')), fields=('child', 'facility'), name='childcare_one_open_application')],
            },
        ),
    ]
