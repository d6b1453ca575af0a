from django.urls import path

from carecircle.workforce import views

prefix = "workforce"
urlpatterns = [
    path("", views.caregiver_list, name="caregiver_list"),
    path("new/", views.caregiver_create, name="caregiver_create"),
    path("<int:caregiver_id>/", views.caregiver_detail, name="caregiver_detail"),
    path("<int:caregiver_id>/certificates/", views.certificate_add, name="certificate_add"),
]
