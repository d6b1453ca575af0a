from django.urls import path

from carecircle.benefits import views
from carecircle.benefits.selectors import BatchAction

prefix = "benefits"
urlpatterns = [
    path("", views.payroll_index, name="payroll_index"),
    path("payrolls/<int:payroll_id>/", views.payroll_detail, name="payroll_detail"),
    # one view per action (views.payroll_<action>), at payrolls/<id>/<action>/; the bank file below
    *[
        path(
            f"payrolls/<int:payroll_id>/{action.value}/",
            getattr(views, f"payroll_{action.value}"),
            name=f"payroll_{action.value}",
        )
        for action in BatchAction
        if action is not BatchAction.EXPORT
    ],
    path("payrolls/<int:payroll_id>/bank-file.<str:fmt>", views.payroll_export, name="payroll_export"),
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/<int:programme_id>/", views.programme_detail, name="programme_detail"),
    path("funds/", views.funds, name="funds"),
    path("funds/<int:fund_id>/appropriate/", views.fund_appropriate, name="fund_appropriate"),
    path("appeals/", views.appeals, name="appeals"),
    path("appeals/<int:appeal_id>/decide/", views.appeal_decide, name="appeal_decide"),
    path("people/<int:person_id>/", views.person_benefits, name="person"),
    path("mine/", views.mine, name="mine"),
]
