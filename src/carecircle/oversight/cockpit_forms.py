"""The cockpit's region choice (a GET form): a region of the user's cockpit scope, by the shared
picker (core.widgets.RegionField: search by name, drill-down district → street → community)."""

from django.utils.translation import gettext_lazy as _

from carecircle.core.widgets import RegionField, ScopedRegionsForm
from carecircle.oversight.cockpit import PERM


class CockpitRegionForm(ScopedRegionsForm):
    region = RegionField(label=_("区域"), perm=PERM, required=False)
