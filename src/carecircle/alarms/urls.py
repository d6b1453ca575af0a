from django.urls import path

from carecircle.alarms import views, views_centre
from carecircle.alarms.selectors import IncidentAction

urlpatterns = [
    path("", views.console, name="console"),
    path("queue/", views.console_queue, name="console_queue"),
    path("stream/", views.console_stream, name="console_stream"),
    path("incidents/new/", views.phone_open, name="phone_open"),
    path("incidents/<int:incident_id>/", views.incident_detail, name="incident_detail"),
    path("incidents/<int:incident_id>/card/", views.incident_card, name="incident_card"),
    # one view per action (views.incident_<action>), at incidents/<id>/<action>/
    *[
        path(
            f"incidents/<int:incident_id>/{action.value.replace('_', '-')}/",
            getattr(views, f"incident_{action.value}"),
            name=f"incident_{action.value}",
        )
        for action in IncidentAction
    ],
    path("incidents/<int:incident_id>/timeline.csv", views.incident_timeline_csv, name="incident_timeline"),
    path("responders/<int:responder_id>/confirm/", views.responder_confirm, name="responder_confirm"),
    path("incidents/", views.incident_list, name="incidents"),
    path("devices/", views.devices, name="devices"),
    path("devices/register/", views.device_register, name="device_register"),
    path("supervisor/", views.supervisor, name="supervisor"),
    path("reports/monthly/", views.monthly_report, name="monthly_report"),
    path("wallboard/", views_centre.wallboard_page, name="wallboard"),
    path("wallboard/figures/", views_centre.wallboard_figures, name="wallboard_figures"),
    path("staffing/", views_centre.staffing, name="staffing"),
]
