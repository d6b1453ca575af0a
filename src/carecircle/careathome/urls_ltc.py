"""Care at home: the long-term-care (LTC) pages."""

from django.urls import URLPattern, path

from carecircle.careathome import ltc_views

urlpatterns: list[URLPattern] = [
    path("ltc/", ltc_views.ltc_list, name="ltc_list"),
    path("ltc/apply/<int:ltc_person_id>/", ltc_views.ltc_apply, name="ltc_apply"),
    path("ltc/<int:ltc_assessment_id>/", ltc_views.ltc_detail, name="ltc_detail"),
    path("ltc/<int:ltc_assessment_id>/accept/", ltc_views.ltc_accept, name="ltc_accept"),
    path("ltc/<int:ltc_assessment_id>/refuse/", ltc_views.ltc_refuse, name="ltc_refuse"),
    path("ltc/<int:ltc_assessment_id>/record/", ltc_views.ltc_record, name="ltc_record"),
    path("ltc/<int:ltc_assessment_id>/object/", ltc_views.ltc_object, name="ltc_object"),
    path("ltc/<int:ltc_assessment_id>/deliver/", ltc_views.ltc_deliver, name="ltc_deliver"),
]
