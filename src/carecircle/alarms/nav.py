from django.utils.translation import gettext_lazy as _

from carecircle.core.navigation import NavItem

NAV = [
    NavItem(_("接警台"), "alarms:console", "alarms.operate", 40),
    NavItem(_("报警设备"), "alarms:devices", "alarms.devices", 41),
    NavItem(_("呼叫服务水平"), "alarms:supervisor", "alarms.supervise", 42),
    NavItem(_("警情记录"), "alarms:incidents", "alarms.supervise", 43),
    NavItem(_("呼叫中心大屏"), "alarms:wallboard", "alarms.supervise", 44),
    NavItem(_("呼叫月度报表"), "alarms:monthly_report", "alarms.supervise", 45),
    NavItem(_("坐席需求测算"), "alarms:staffing", "alarms.supervise", 46),
    NavItem(_("坐席上岗"), "alarms:shift", "alarms.operate", 47),
    NavItem(_("接警中心与溢出"), "alarms:centres", "alarms.supervise", 48),
]

# Device care and call quality audit (issue 18, items 4 and 6); the audits page also shows an
# operator their own results (views_call_audit), but the menu offers it to supervisors.
NAV += [
    NavItem(_("设备维护"), "alarms:device_care", "alarms.devices", 49),
    NavItem(_("通话质检"), "alarms:call_audits", "alarms.supervise", 50),
]

# Proactive wellbeing calls (issue 18, item 3): the operator's worklist, the supervisor's overview.
NAV += [
    NavItem(_("主动关怀"), "alarms:outreach_worklist", "alarms.operate", 51),
    NavItem(_("关怀电话总览"), "alarms:outreach_calls", "alarms.supervise", 52),
]
