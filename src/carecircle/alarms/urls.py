from django.urls import path

from carecircle.alarms import (
    views,
    views_call_audit,
    views_calls,
    views_centre,
    views_devices,
    views_outreach,
    views_routing,
)
from carecircle.alarms.device_care import DeviceCallAction
from carecircle.alarms.selectors import IncidentAction
from carecircle.alarms.telephony import CallAction

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
    path("shift/", views_routing.shift, name="shift"),
    path("shift/sign-on/", views_routing.shift_sign_on, name="shift_sign_on"),
    path("shift/sign-off/", views_routing.shift_sign_off, name="shift_sign_off"),
    path("ringing/", views_routing.ringing, name="ringing"),
    path("ringing/<int:ring_incident_id>/answer/", views_routing.ring_answer, name="ring_answer"),
    path("centres/", views_routing.centres, name="centres"),
    path("centres/save/", views_routing.centre_save, name="centre_save"),
]

# Device care and call quality audit (issue 18, items 4 and 6): one view per action.
urlpatterns += [
    path("devices/care/", views_devices.device_care_list, name="device_care"),
    path("devices/<int:device_id>/", views_devices.device_detail, name="device_detail"),
    path("devices/<int:device_id>/test-call/", views_devices.device_test_call, name="device_test_call"),
    *[
        path(
            f"test-calls/<int:test_call_id>/{action.value}/",
            getattr(views_devices, f"test_call_{action.value}"),
            name=f"test_call_{action.value}",
        )
        for action in DeviceCallAction
    ],
    path("call-audits/", views_call_audit.call_audits, name="call_audits"),
    path("call-audits/draw/", views_call_audit.call_audit_draw, name="call_audit_draw"),
    path("call-audits/<int:call_audit_id>/", views_call_audit.call_audit_detail, name="call_audit_detail"),
    path(
        "call-audits/<int:call_audit_id>/review/",
        views_call_audit.call_audit_review,
        name="call_audit_review",
    ),
    # proactive wellbeing calls (issue 18, item 3)
    path("outreach/", views_outreach.outreach_worklist, name="outreach_worklist"),
    path("outreach/all/", views_outreach.outreach_calls, name="outreach_calls"),
    path("outreach/generate/", views_outreach.outreach_generate, name="outreach_generate"),
    path("outreach/<int:outreach_call_id>/", views_outreach.outreach_call, name="outreach_call"),
    path("outreach/<int:outreach_call_id>/record/", views_outreach.outreach_record, name="outreach_record"),
    path(
        "outreach/<int:outreach_call_id>/phone/",
        views_outreach.outreach_call_phone,
        name="outreach_call_phone",
    ),
]

# Caller screen-pop (issue 18, item 5): the operator's pop, a call's caller card, one view per action.
urlpatterns += [
    path("calls/pop/", views_calls.call_pop, name="call_pop"),
    path("calls/<int:call_id>/", views_calls.call_detail, name="call_detail"),
    *[
        path(
            f"calls/<int:call_id>/{a.value}/", getattr(views_calls, f"call_{a.value}"), name=f"call_{a.value}"
        )
        for a in CallAction
    ],
]
