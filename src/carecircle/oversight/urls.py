from django.urls import path

from carecircle.oversight import (
    cockpit_views,
    views,
    views_credit,
    views_inspections,
    views_public,
    views_warnings,
)

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
    # credit (信用): oversight/views_credit.py
    path("units/<int:unit_id>/credit/", views_credit.credit_unit, name="credit_unit"),
    path("units/<int:unit_id>/credit/penalty/", views_credit.credit_penalty, name="credit_penalty"),
    path(
        "credit-events/<int:credit_event_id>/correct/",
        views_credit.credit_event_correct,
        name="credit_event_correct",
    ),
    path("credit-corrections/", views_credit.credit_corrections, name="credit_corrections"),
    path("credit-corrections/<int:correction_id>/", views_credit.credit_correction, name="credit_correction"),
    path(
        "credit-corrections/<int:correction_id>/decide/",
        views_credit.credit_correction_decide,
        name="credit_correction_decide",
    ),
    # early warnings (预警): oversight/views_warnings.py
    path("warnings/", views_warnings.warning_list, name="warnings"),
    path("warnings/<int:warning_id>/", views_warnings.warning_detail, name="warning_detail"),
    path("warnings/<int:warning_id>/dismiss/", views_warnings.warning_dismiss, name="warning_dismiss"),
    path(
        "warnings/<int:warning_id>/to-inspect/", views_warnings.warning_to_inspect, name="warning_to_inspect"
    ),
    path("warning-rules/", views_warnings.warning_rules, name="warning_rules"),
    path("warning-rules/new/", views_warnings.warning_rule_new, name="warning_rule_new"),
    # 一公开: no sign-in
    path("public/draws/", views.public_draws, name="public_draws"),
    path("public/draws/<int:draw_plan_id>/", views.public_draw, name="public_draw"),
    path("public/draws/<int:draw_plan_id>/inputs.json", views.public_draw_inputs, name="public_draw_inputs"),
    # 一网统管 cockpit: oversight/cockpit_views.py
    path("cockpit/", cockpit_views.cockpit_page, name="cockpit"),
    path("cockpit/regions/", cockpit_views.cockpit_regions, name="cockpit_regions"),
    path("cockpit/findings/", cockpit_views.cockpit_findings, name="cockpit_findings"),
    path("cockpit/suspended/", cockpit_views.cockpit_suspended, name="cockpit_suspended"),
    path("cockpit/plans/", cockpit_views.cockpit_plans, name="cockpit_plans"),
    # 一公开 of results, penalties and grades, open data: oversight/views_public.py
    path("public/", views_public.public_index, name="public_index"),
    path("public/units/", views_public.public_units, name="public_units"),
    path("public/units/<int:unit_id>/", views_public.public_unit, name="public_unit"),
    path("public/data/units.csv", views_public.open_units_csv, name="open_units_csv"),
    path("public/data/units.geojson", views_public.open_units_geojson, name="open_units_geojson"),
    path("public/data/results.csv", views_public.open_results_csv, name="open_results_csv"),
    path("public/data/penalties.csv", views_public.open_penalties_csv, name="open_penalties_csv"),
    path("public/data/draws.csv", views_public.open_draws_csv, name="open_draws_csv"),
]
