from django.urls import path

from carecircle.planning import basemap, views, views_summary

prefix = "planning"
urlpatterns = [
    path("", views.index, name="index"),
    path("region/<str:code>/", views.region_dashboard, name="region"),
    path("region/<str:code>/indicator/<str:indicator_code>/", views.indicator_detail, name="indicator"),
    path("region/<str:code>/values/", views.value_enter, name="value_enter"),
    path("region/<str:code>/snapshot/", views.snapshot, name="snapshot"),
    path("region/<str:code>/targets/", views.target_set, name="target_set"),
    path("region/<str:code>/targets/adopt/", views.targets_adopt, name="targets_adopt"),
    path("region/<str:code>/export.xlsx", views.export, name="export"),
    path("region/<str:code>/summary.pdf", views_summary.summary_pdf, name="summary_pdf"),
    path("region/<str:code>/projection/", views.projection_page, name="projection"),
    path("coverage/", views.coverage_list, name="coverage_list"),
    path("coverage/run/", views.coverage_create, name="coverage_create"),
    path("coverage/<int:coverage_run_id>/", views.coverage_detail, name="coverage_detail"),
    path("coverage/<int:coverage_run_id>/siting/", views.siting_create, name="siting_create"),
    path("siting/<int:siting_id>/", views.siting_detail, name="siting_detail"),
    path("tiles/<slug:version>/<int:z>/<int:x>/<int:y>.png", basemap.tile, name="basemap_tile"),
]
