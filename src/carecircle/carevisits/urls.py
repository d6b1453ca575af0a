from django.urls import path

from carecircle.carevisits import views

prefix = "carevisits"
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("overdue/", views.overdue, name="overdue"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/<int:plan_id>/visit/", views.visit_new, name="visit_new"),
    path("plans/<int:plan_id>/assign/", views.plan_assign, name="plan_assign"),
    path("visits/<int:visit_id>/follow-up-done/", views.follow_up_close, name="follow_up_close"),
    path("coverage/", views.coverage, name="coverage"),
    path("rules/", views.rules, name="rules"),
    path("rules/generate/", views.plans_generate, name="plans_generate"),
    path("vulnerable/", views.vulnerable, name="vulnerable"),
    path("vulnerable/export.csv", views.vulnerable_export, name="vulnerable_export"),
]
