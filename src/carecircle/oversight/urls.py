from django.urls import path

from carecircle.oversight import views

prefix = "oversight"
urlpatterns = [
    path("", views.plan_list, name="plans"),
    path("plans/new/", views.plan_publish, name="plan_publish"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:plan_id>/draw/", views.plan_draw, name="plan_draw"),
    path("units/", views.unit_list, name="units"),
    path("units/<int:unit_id>/conflict/", views.unit_conflict, name="unit_conflict"),
    path("items/", views.item_list, name="items"),
    path("inspectors/", views.inspector_list, name="inspectors"),
    # 一公开: no sign-in
    path("public/draws/", views.public_draws, name="public_draws"),
    path("public/draws/<int:plan_id>/", views.public_draw, name="public_draw"),
    path("public/draws/<int:plan_id>/inputs.json", views.public_draw_inputs, name="public_draw_inputs"),
]
