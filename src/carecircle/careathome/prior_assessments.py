"""Care at home's answer to core/prior_assessment.py: a GB/T 42195 capability request is answered by
the person's delivered LTC result of the city's repeat period when the city's table maps its level to
one capability level (ltc_mapping.capability_answer). Without a table, or with no single row for the
level, nothing is answered: the capability assessment goes ahead."""

import datetime

from django.db.models import Model

from carecircle.careathome import ltc_mapping
from carecircle.core.prior_assessment import PriorAnswer
from carecircle.registry.models import Person


def answer(purpose: str, person: Model, day: datetime.date | None = None) -> PriorAnswer | None:
    if purpose != "capability" or not isinstance(person, Person):
        return None
    found = ltc_mapping.capability_answer(person, day)
    if found is None or found.mapped is None:
        return None
    return PriorAnswer(existing_on=found.existing_on, level=found.mapped, message=found.message)
