"""What childcare tells the facilities module: the 托位 its enrolments take. Facilities finds this
file through `core.plugins.optional_submodules("occupancy")` (as registry's person page gathers each
module's `person.links`), so facilities, which childcare builds on, imports nothing of childcare: no
import circle, and facilities works where childcare is not installed."""

import datetime

from carecircle.childcare.selectors import enrolled_by_facility


def places_taken(facility_ids, day: datetime.date | None = None) -> dict[int, int]:
    """{facility id: children enrolled on `day` (today when None)} for the facilities asked about."""
    return enrolled_by_facility(facility_ids, day)
