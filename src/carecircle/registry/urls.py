from django.urls import path

from carecircle.registry import views, views_children

prefix = "people"
urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("statuses/", views.status_list, name="status_list"),
    path("new/", views.person_create, name="person_create"),
    path("<int:person_id>/", views.person_detail, name="person_detail"),
    path("<int:person_id>/edit/", views.person_edit, name="person_edit"),
    path("<int:person_id>/unmask/", views.person_unmask, name="person_unmask"),
    path("<int:person_id>/statuses/", views.status_add, name="status_add"),
    path("<int:person_id>/contacts/", views.contact_add, name="contact_add"),
    path("<int:person_id>/statuses/<int:status_id>/end/", views.status_end, name="status_end"),
    path("children/", views_children.children_list, name="children_list"),
    path("children/export.xlsx", views_children.children_export, name="children_export"),
    path("children/new/", views_children.child_register, name="child_register"),
    path("children/<int:child_id>/", views_children.child_detail, name="child_detail"),
    path("children/<int:child_id>/guardianship/", views_children.guardianship_new, name="guardianship_new"),
    path("imports/", views.import_list, name="import_list"),
    path("imports/<int:job_id>/", views.import_detail, name="import_detail"),
    path("imports/<int:job_id>/retry/", views.import_retry, name="import_retry"),
    path("imports/<int:job_id>/rejections.csv", views.import_rejections, name="import_rejections"),
    path("imports/template.<str:fmt>", views.import_template, name="import_template"),
]
