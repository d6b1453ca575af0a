"""The family beds' periodic check: a warning for each scheduled home visit that was missed."""

import datetime

from carecircle.careathome.beds_services import missed_visits_check
from carecircle.core.tasks import periodic


@periodic(datetime.timedelta(days=1))
def family_bed_missed_visits() -> int:
    """Once a day: the visit periods that ended yesterday or before without a verified visit."""
    return missed_visits_check()
