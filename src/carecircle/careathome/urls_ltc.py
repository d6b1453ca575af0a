"""Care at home: the long-term-care (LTC) pages."""

from django.urls import URLPattern, path

from carecircle.careathome import ltc_pages_views, ltc_views

urlpatterns: list[URLPattern] = [
    path("ltc/", ltc_views.ltc_list, name="ltc_list"),
    path("ltc/apply/<int:ltc_person_id>/", ltc_views.ltc_apply, name="ltc_apply"),
    path("ltc/<int:ltc_assessment_id>/", ltc_views.ltc_detail, name="ltc_detail"),
    path("ltc/<int:ltc_assessment_id>/accept/", ltc_views.ltc_accept, name="ltc_accept"),
    path("ltc/<int:ltc_assessment_id>/refuse/", ltc_views.ltc_refuse, name="ltc_refuse"),
    path("ltc/<int:ltc_assessment_id>/record/", ltc_views.ltc_record, name="ltc_record"),
    path("ltc/<int:ltc_assessment_id>/object/", ltc_views.ltc_object, name="ltc_object"),
    path("ltc/<int:ltc_assessment_id>/deliver/", ltc_views.ltc_deliver, name="ltc_deliver"),
    path("ltc/plans/", ltc_pages_views.ltc_plan_list, name="ltc_plan_list"),
    path("ltc/plans/<int:ltc_plan_id>/", ltc_pages_views.ltc_plan_detail, name="ltc_plan_detail"),
    path("ltc/settlements/", ltc_pages_views.ltc_settlement_list, name="ltc_settlement_list"),
    path("ltc/settlements/settle/", ltc_pages_views.ltc_settlement_settle, name="ltc_settlement_settle"),
    path(
        "ltc/settlements/<int:ltc_settlement_id>/",
        ltc_pages_views.ltc_settlement_detail,
        name="ltc_settlement_detail",
    ),
    path("ltc/visits/", ltc_pages_views.ltc_visit_list, name="ltc_visit_list"),
]
