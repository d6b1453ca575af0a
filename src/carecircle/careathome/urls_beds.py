"""Care at home: the pages of family care beds (家庭养老床位) and of care advisers (养老顾问)."""

from django.urls import URLPattern, path

from carecircle.careathome import adviser_views as adviser
from carecircle.careathome import beds_views as views

urlpatterns: list[URLPattern] = [
    path("beds/", views.bed_list, name="bed_list"),
    path("beds/contract/", views.bed_contract, name="bed_contract"),
    path("beds/<int:family_bed_id>/", views.bed_detail, name="bed_detail"),
    path("beds/<int:family_bed_id>/device/", views.bed_device, name="bed_device"),
    path("beds/<int:family_bed_id>/end/", views.bed_end, name="bed_end"),
    # care advisers (养老顾问): one plan per person
    path("adviser/<int:adviser_person_id>/", adviser.adviser_plan, name="adviser_plan"),
    path("adviser/<int:adviser_person_id>/assign/", adviser.adviser_assign, name="adviser_assign"),
    path("adviser/<int:adviser_person_id>/consent/", adviser.adviser_consent, name="adviser_consent"),
    path("adviser/<int:adviser_person_id>/on-behalf/", adviser.adviser_on_behalf, name="adviser_on_behalf"),
    path("adviser/<int:adviser_person_id>/revoke/", adviser.adviser_revoke, name="adviser_revoke"),
]
