from django.urls import path

from carecircle.benefits import views

prefix = "benefits"
urlpatterns = [
    path("", views.payroll_index, name="payroll_index"),
    path("payrolls/<int:payroll_id>/", views.payroll_detail, name="payroll_detail"),
    path("payrolls/<int:payroll_id>/bank-file.<str:fmt>", views.payroll_export, name="payroll_export"),
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/<int:programme_id>/", views.programme_detail, name="programme_detail"),
    path("funds/", views.funds, name="funds"),
    path("appeals/", views.appeals, name="appeals"),
    path("appeals/<int:appeal_id>/decide/", views.appeal_decide, name="appeal_decide"),
    path("people/<int:person_id>/", views.person_benefits, name="person"),
    path("mine/", views.mine, name="mine"),
]
