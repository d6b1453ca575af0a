from django.urls import path

from carecircle.workforce import views, views_register

prefix = "workforce"
urlpatterns = [
    path("", views.caregiver_list, name="caregiver_list"),
    path("new/", views.caregiver_create, name="caregiver_create"),
    path("<int:caregiver_id>/", views.caregiver_detail, name="caregiver_detail"),
    path("<int:caregiver_id>/certificates/", views.certificate_add, name="certificate_add"),
    path(
        "certificates/<int:certificate_id>/verify/",
        views_register.certificate_verify,
        name="certificate_verify",
    ),
    path("import/", views_register.worker_import, name="worker_import"),
    path("roster/", views_register.roster, name="roster"),
    path("roster/assign/", views_register.shift_assign, name="shift_assign"),
    path("roster/shifts/<int:shift_id>/remove/", views_register.shift_remove, name="shift_remove"),
    path("breaches/", views_register.breaches, name="breaches"),
]
from carecircle.workforce import indicators_views, integrity_views, staffing_views, training_views  # noqa: E402

urlpatterns += [
    path("indicators/", indicators_views.indicators_page, name="indicators"),
    path("breaches/nursing-rules/", staffing_views.nursing_rules, name="nursing_rules"),
    path("training/", training_views.attendance_list, name="training_list"),
    path("training/courses/", training_views.course_list, name="training_courses"),
    path("training/courses/new/", training_views.course_new, name="training_course_new"),
    path("training/courses/<int:course_id>/", training_views.course_detail, name="training_course"),
    path(
        "training/sessions/<int:training_session_id>/",
        training_views.session_detail,
        name="training_session",
    ),
    path("integrity/", integrity_views.integrity_list, name="integrity_list"),
    path("integrity/lookup/", integrity_views.integrity_lookup_page, name="integrity_lookup"),
    path("<int:caregiver_id>/integrity/", integrity_views.worker_integrity, name="worker_integrity"),
]
