from django.urls import path

from carecircle.timebank import views, views_staff

prefix = "timebank"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("register/", views.register, name="register"),
    path("give/", views.give, name="give"),
    path("donate/", views.donate, name="donate"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:help_request_id>/", views.request_detail, name="request_detail"),
    path("requests/<int:help_request_id>/take/", views.request_take, name="request_take"),
    path("requests/<int:help_request_id>/check-in/", views.request_check_in, name="request_check_in"),
    path("requests/<int:help_request_id>/check-out/", views.request_check_out, name="request_check_out"),
    path("requests/<int:help_request_id>/confirm/", views.request_confirm, name="request_confirm"),
    path("requests/<int:help_request_id>/cancel/", views.request_cancel, name="request_cancel"),
    path("staff/volunteers/", views_staff.volunteer_list, name="volunteers"),
    path("staff/requests/", views_staff.request_list, name="requests"),
    path("staff/report/", views_staff.report, name="report"),
    path("staff/report/guarantee/", views_staff.guarantee_deposit, name="guarantee_deposit"),
]
