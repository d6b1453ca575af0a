from django.urls import path

from carecircle.childcare import views, views_applications

urlpatterns = [
    path("", views.class_list, name="classes"),
    path("classes/new/", views.class_create, name="class_create"),
    path("classes/<int:class_id>/", views.class_detail, name="class_detail"),
    path("classes/<int:class_id>/enrol/", views.enrol, name="enrol"),
    path("classes/<int:class_id>/attendance/", views.attendance, name="attendance"),
    path("enrolments/", views.enrolment_list, name="enrolments"),
    path("enrolments/<int:enrolment_id>/move/", views.move, name="move"),
    path("enrolments/<int:enrolment_id>/end/", views.end, name="end"),
    path("vouchers/", views.vouchers, name="vouchers"),
    path("vouchers/redeem/", views.voucher_redeem, name="voucher_redeem"),
    path("applications/", views_applications.application_list, name="applications"),
    path(
        "applications/<int:childcare_application_id>/offer/",
        views_applications.application_offer_view,
        name="application_offer",
    ),
    path(
        "applications/<int:childcare_application_id>/refuse/",
        views_applications.application_refuse_view,
        name="application_refuse",
    ),
]
