from django.urls import path

from carecircle.alarms import views

urlpatterns = [
    path("", views.console, name="console"),
    path("queue/", views.console_queue, name="console_queue"),
    path("stream/", views.console_stream, name="console_stream"),
    path("incidents/new/", views.phone_open, name="phone_open"),
    path("incidents/<int:incident_id>/", views.incident_detail, name="incident_detail"),
    path("incidents/<int:incident_id>/card/", views.incident_card, name="incident_card"),
    path("incidents/<int:incident_id>/act/", views.incident_act, name="incident_act"),
    path("incidents/<int:incident_id>/timeline.csv", views.incident_timeline_csv, name="incident_timeline"),
    path("responders/<int:responder_id>/confirm/", views.responder_confirm, name="responder_confirm"),
    path("devices/", views.devices, name="devices"),
    path("supervisor/", views.supervisor, name="supervisor"),
    path("reports/monthly/", views.monthly_report, name="monthly_report"),
]
