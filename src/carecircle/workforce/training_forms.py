"""What the training pages take (issue 21, item 3): each form's fields are the keyword arguments of
the one service its page calls (workforce/training.py); a refusal names its field in Chinese."""

from django import forms
from django.utils.translation import gettext_lazy as _

from carecircle.core.errors import Conflict, InvalidInput
from carecircle.core.forms import ServiceForm
from carecircle.core.widgets import RegionField, ScopedRegionsForm
from carecircle.workforce.models import TrainingTopic, WorkerRole

PASSED_CHOICES = (("1", _("合格")), ("0", _("不合格")))


class CourseForm(ScopedRegionsForm, ServiceForm):
    """A new course in one of the official's regions (training.course_create)."""

    title = forms.CharField(label=_("课程名称"), required=False, max_length=100)
    provider = forms.CharField(label=_("培训机构"), required=False, max_length=100)
    hours = forms.CharField(label=_("学时"), required=False, max_length=10)
    topic = forms.ChoiceField(
        label=_("培训主题"),
        choices=TrainingTopic.choices,
        error_messages={"required": _("请选择培训主题"), "invalid_choice": _("培训主题无效")},
    )
    roles = forms.MultipleChoiceField(
        label=_("适用岗位"),
        choices=WorkerRole.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请选择适用岗位"), "invalid_choice": _("请选择有效的适用岗位")},
    )
    region_code = RegionField(
        label=_("课程所在区域"),
        perm="workforce.manage",
        error_messages={"required": _("请选择课程所在区域")},
    )
    shown_on_form = (InvalidInput, Conflict)
    default_field = "title"


class SessionForm(ServiceForm):
    """A session of the page's course (training.session_create)."""

    day = forms.DateField(
        label=_("培训日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("请填写培训日期"), "invalid": _("培训日期格式不正确")},
    )
    place = forms.CharField(
        label=_("培训地点"),
        max_length=100,
        error_messages={"required": _("请填写培训地点"), "max_length": _("培训地点不超过100字")},
    )
    shown_on_form = (InvalidInput, Conflict)
    default_field = "day"


class AttendanceForm(ServiceForm):
    """A worker of the register at the page's session (training.attendance_record)."""

    worker = forms.TypedChoiceField(
        label=_("参训人员"),
        coerce=int,
        error_messages={"required": _("请选择参训人员"), "invalid_choice": _("请从名单中选择参训人员")},
    )
    hours = forms.CharField(label=_("签到学时"), required=False, max_length=10)
    passed = forms.TypedChoiceField(
        label=_("考核"),
        choices=PASSED_CHOICES,
        coerce=lambda v: v == "1",
        error_messages={"required": _("请选择考核结果"), "invalid_choice": _("请选择考核结果")},
    )
    shown_on_form = (InvalidInput, Conflict)
    default_field = "worker"

    def __init__(self, *args, workers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].choices = [("", "")] + [
            (str(w.pk), f"{w.name}（{w.get_role_display()}）") for w in workers
        ]
