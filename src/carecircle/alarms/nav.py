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
]
