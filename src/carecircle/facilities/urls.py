from django.urls import path

from carecircle.facilities import views, views_admission

# /map/ is the public facility map (no login); the staff pages of facilities live below it.
prefix = "map"
urlpatterns = [
    path("", views.public_map, name="map"),
    path("my-waiting/", views.my_waiting, name="my_waiting"),
    path("facilities/", views.facility_list, name="list"),
    path("facilities/new/", views.facility_apply, name="apply"),
    path("facilities/<int:facility_id>/", views.facility_detail, name="detail"),
    path("facilities/<int:facility_id>/change/", views.facility_change, name="change"),
    path("facilities/<int:facility_id>/evaluate/", views.facility_evaluate, name="evaluate"),
    path("facilities/<int:facility_id>/offer/", views.offer_next, name="offer_next"),
    path("facilities/<int:facility_id>/beds/", views.beds_add, name="beds_add"),
    path("facilities/<int:facility_id>/admit/", views.admit, name="admit"),
    path("facilities/<int:facility_id>/waiting/", views.waiting_add, name="waiting_add"),
    path("facilities/<int:facility_id>/find/", views_admission.facility_find, name="find"),
    path("stays/", views.stay_list, name="stays"),
    path("stays/<int:stay_id>/discharge/", views.discharge, name="discharge"),
    path("offers/<int:offer_id>/respond/", views.offer_respond, name="offer_respond"),
    path("waiting/", views.waiting_list, name="waiting"),
    path("waiting/<int:entry_id>/withdraw/", views.waiting_withdraw, name="waiting_withdraw"),
    path("waiting/find/", views_admission.waiting_find, name="waiting_find"),
    path("waiting/<int:entry_id>/admit/", views_admission.entry_admit, name="entry_admit"),
    path("filings/", views.filing_queue, name="filings"),
    path("filings/<int:filing_id>/", views.filing_detail, name="filing"),
]
