from django.utils.translation import gettext_lazy as _

from carecircle.core.navigation import NavItem

NAV = [
    NavItem(_("人员信息"), "registry:person_list", "registry.view", 10),
    NavItem(_("批量导入"), "registry:import_list", "registry.import", 11),
    NavItem(_("困境儿童"), "registry:children_list", "registry.view", 12),
    NavItem(_("人员状况登记"), "registry:status_list", "registry.view", 13),
]
