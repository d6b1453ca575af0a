from django.urls import path

from carecircle.oversight import views, views_inspections

prefix = "oversight"
urlpatterns = [
    path("", views.plan_list, name="plans"),
    path("plans/new/", views.plan_publish, name="plan_publish"),
    path("plans/<int:draw_plan_id>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:draw_plan_id>/draw/", views.plan_draw, name="plan_draw"),
    path("units/", views.unit_list, name="units"),
    path("units/<int:unit_id>/conflict/", views.unit_conflict, name="unit_conflict"),
    path("items/", views.item_list, name="items"),
    path("inspectors/", views.inspector_list, name="inspectors"),
    path("tasks/", views_inspections.task_list, name="tasks"),
    path("inspections/<int:inspection_id>/", views_inspections.inspection_detail, name="inspection_detail"),
    path(
        "inspections/<int:inspection_id>/check-in/",
        views_inspections.inspection_check_in,
        name="inspection_check_in",
    ),
    path(
        "inspections/<int:inspection_id>/record/",
        views_inspections.inspection_record,
        name="inspection_record",
    ),
    path(
        "inspections/<int:inspection_id>/submit/",
        views_inspections.inspection_submit,
        name="inspection_submit",
    ),
    path(
        "inspections/<int:inspection_id>/confirm/",
        views_inspections.inspection_confirm,
        name="inspection_confirm",
    ),
    path("results/<int:result_id>/photo/", views_inspections.result_photo, name="result_photo"),
    path("findings/", views_inspections.finding_list, name="findings"),
    path("findings/<int:finding_id>/", views_inspections.finding_detail, name="finding_detail"),
    path("findings/<int:finding_id>/answer/", views_inspections.finding_answer, name="finding_answer"),
    path("findings/<int:finding_id>/decide/", views_inspections.finding_decide, name="finding_decide"),
    path("answers/<int:answer_id>/photo/", views_inspections.answer_photo, name="answer_photo"),
    # 一公开: no sign-in
    path("public/draws/", views.public_draws, name="public_draws"),
    path("public/draws/<int:draw_plan_id>/", views.public_draw, name="public_draw"),
    path("public/draws/<int:draw_plan_id>/inputs.json", views.public_draw_inputs, name="public_draw_inputs"),
]
