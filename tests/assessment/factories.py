"""A capability assessment on file for tests that need a person's level (GB/T 42195), without the
assessment form: only the level and the dates matter to the modules that read it."""

import datetime

from carecircle.assessment.models import CapabilityAssessment


def capability_on_file(
    person,
    level: int,
    *,
    assessed_on: datetime.date,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
) -> CapabilityAssessment:
    """A final assessment of `level` for `person`, valid from `valid_from` (the assessment day when
    not given) to `valid_to` (300 days after the assessment when not given)."""
    return CapabilityAssessment.objects.create(
        person=person,
        region_code=person.region_code,
        assessor_name="评估员",
        assessed_on=assessed_on,
        answers={},
        self_care=0,
        mobility=0,
        mental=0,
        perception=0,
        total=0,
        preliminary_level=level,
        final_level=level,
        valid_from=valid_from or assessed_on,
        valid_to=valid_to or assessed_on + datetime.timedelta(days=300),
    )
