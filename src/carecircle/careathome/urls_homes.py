"""Care at home: the pages of home adaptation (适老化改造) and assistive-device rental (辅具租赁)."""

from django.urls import URLPattern, path

from carecircle.careathome import homes_views as views
from carecircle.careathome import rentals_views as rentals

urlpatterns: list[URLPattern] = [
    path("adaptation/", views.adaptation_home, name="adaptation_home"),
    path("adaptation/cases/", views.adaptation_list, name="adaptation_list"),
    path("adaptation/catalogue/", views.adaptation_catalogue, name="adaptation_catalogue"),
    path("adaptation/apply/", views.adaptation_apply, name="adaptation_apply"),
    path("adaptation/refer/", views.adaptation_refer, name="adaptation_refer"),
    path("adaptation/cases/<int:adaptation_case_id>/", views.adaptation_detail, name="adaptation_detail"),
    *[
        path(
            f"adaptation/cases/<int:adaptation_case_id>/{action}/",
            getattr(views, f"adaptation_{action}"),
            name=f"adaptation_{action}",
        )
        for action in ("assess", "plan", "approve", "works", "accept", "pay", "refuse")
    ],
    path("adaptation/photos/<int:adaptation_photo_id>/", views.adaptation_photo, name="adaptation_photo"),
    path("adaptation/contractors/", views.contractor_list, name="contractor_list"),
    path(
        "adaptation/contractors/<int:contractor_id>/deregister/",
        views.contractor_deregister,
        name="contractor_deregister",
    ),
    path("rental/", rentals.rental_points, name="rental_points"),
    path("rental/points/<int:rental_point_id>/", rentals.rental_point, name="rental_point"),
    path("rental/contracts/", rentals.rental_list, name="rental_list"),
    path("rental/units/", rentals.unit_list, name="unit_list"),
    path("rental/units/<int:device_unit_id>/", rentals.unit_detail, name="unit_detail"),
    path("rental/units/<int:device_unit_id>/deliver/", rentals.unit_deliver, name="unit_deliver"),
    path("rental/units/<int:device_unit_id>/clean/", rentals.unit_clean, name="unit_clean"),
    path("rental/units/<int:device_unit_id>/repaired/", rentals.unit_repaired, name="unit_repaired"),
    path("rental/contracts/<int:rental_contract_id>/", rentals.rental_detail, name="rental_detail"),
    path("rental/contracts/<int:rental_contract_id>/bill/", rentals.rental_bill, name="rental_bill"),
    path("rental/contracts/<int:rental_contract_id>/return/", rentals.rental_return, name="rental_return"),
]
