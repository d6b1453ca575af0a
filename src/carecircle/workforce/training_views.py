"""The training staff pages (issue 21, item 3): the attendance list (count, filters, Excel export:
core/list_pages); the courses of the user's regions with the form that adds one; a course's
sessions with the form that adds one; a session's attendance with the form that records a worker
of the register. Thin: forms in, one service per POST (workforce/training.py), reads through the
module's selectors. Officials with workforce.manage keep courses and sessions; an employer's admin
records their own staff at a session held in a region where the employer has staff."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from carecircle.core import list_pages, regions, scope
from carecircle.core.access import access_by_id
from carecircle.workforce import selectors, training
from carecircle.workforce.models import Course, TrainingSession, WorkerRole
from carecircle.workforce.training_forms import AttendanceForm, CourseForm, SessionForm
from carecircle.workforce.training_list_specs import ATTENDANCE, COURSES

MAX_SHOWN = 500


@login_required
def attendance_list(request):
    return list_pages.page(request, ATTENDANCE, template="workforce/training_list.html")


@login_required
def course_list(request):
    """The courses of the user's regions (count, filters, Excel export)."""
    may_manage = scope.has_perm(request.user, "workforce.manage")
    return list_pages.page(
        request, COURSES, template="workforce/training_courses.html", context={"may_manage": may_manage}
    )


@login_required
def course_new(request):
    """Officials with workforce.manage add a course in their regions."""
    if not scope.has_perm(request.user, "workforce.manage"):
        raise PermissionDenied
    form = CourseForm(request.POST if request.method == "POST" else None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.submit(partial(training.course_create, actor=request.user, request=request)):
            messages.success(request, _("已新增培训课程"))
            return redirect("workforce:training_course", course_id=form.result.pk)
        status = form.failed_status
    return render(request, "workforce/training_course_new.html", {"form": form}, status=status)


@login_required
def course_detail(request, course_id: int):
    """A course and its sessions; an official over the course's region adds a session."""
    course = access_by_id(Course.objects.all(), course_id, user=request.user, perm="workforce.view")
    may_manage = scope.has_perm(request.user, "workforce.manage", course.region_code)
    form = SessionForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        scope.require(request.user, "workforce.manage", course.region_code)
        if form.submit(partial(training.session_create, actor=request.user, course=course, request=request)):
            messages.success(request, _("已新增培训场次"))
            return redirect("workforce:training_session", training_session_id=form.result.pk)
        status = form.failed_status
    context = {
        "course": course,
        "roles": _("、").join(str(WorkerRole(r).label) for r in course.roles if r in WorkerRole.values),
        "sessions": course.sessions.all(),
        "form": form,
        "may_manage": may_manage,
    }
    return render(request, "workforce/training_course.html", context, status=status)


def _session(request, training_session_id: int) -> TrainingSession:
    """The session, if the user is an official over its region or an admin of an employer with
    staff in it (404 otherwise: an id's existence never leaks)."""

    def check(user, perm, session):
        if scope.has_perm(user, perm, session.region_code):
            return
        mine = selectors.employer_q(user)
        if (
            mine is None
            or not selectors.caregiver_search(user=user)
            .filter(mine, region_code__startswith=regions.prefix_of(session.region_code))
            .exists()
        ):
            scope.require(user, perm, session.region_code)

    return access_by_id(
        TrainingSession.objects.select_related("course"),
        training_session_id,
        user=request.user,
        perm="workforce.view",
        check=check,
    )


def _eligible(request, session: TrainingSession):
    """The register's workers the user may record at `session` (their employer's admin, or an official
    with workforce.manage over their region: a view-only official gets none, so no form), of a role
    the course is for, employed on its day, not yet recorded there."""
    return (
        selectors.caregiver_search(user=request.user, perm="workforce.manage")
        .filter(role__in=session.course.roles)
        .filter(selectors.employed_on(session.day))
        .exclude(attendance__session=session)[:MAX_SHOWN]
    )


@login_required
def session_detail(request, training_session_id: int):
    """A session's attendance; the form records a worker of the register (the worker's employer's
    admin or an official over the worker's region)."""
    session = _session(request, training_session_id)
    workers = list(_eligible(request, session))
    form = AttendanceForm(request.POST if request.method == "POST" else None, workers=workers)
    status = 200
    if request.method == "POST":

        def record(*, worker: int, hours: str, passed: bool):
            chosen = {w.pk: w for w in workers}[worker]  # the form accepts only the listed workers
            return training.attendance_record(
                actor=request.user,
                session=session,
                worker=chosen,
                hours=hours,
                passed=passed,
                request=request,
            )

        if form.submit(record):
            messages.success(request, _("已登记培训签到"))
            return redirect("workforce:training_session", training_session_id=session.pk)
        status = form.failed_status
    rows = training.attendance_search(user=request.user).filter(session=session)
    context = {"session": session, "course": session.course, "rows": rows, "form": form, "workers": workers}
    return render(request, "workforce/training_session.html", context, status=status)
