"""No one assessed twice for the same purpose (issue 22: one assessment serves both 民政 and 医保): a
module about to take a request for an assessment asks here whether an assessment of another kind
already answers it, and the module that holds that other kind answers through its optional
`prior_assessments.py` (core/plugins.py) — the pattern of core/credit_standing.py, since the module
that answers (careathome, LTC results) reads the one that asks (assessment) and cannot be imported
back. A deployment without an answering module answers nothing: every request goes ahead.

(Singular here, plural in the module, so that the discovery, which also looks in core, finds only
the modules' own.) Purposes: "capability" (a GB/T 42195 capability assessment)."""

import datetime
from dataclasses import dataclass

from django.db.models import Model

from carecircle.core import plugins


@dataclass(frozen=True, slots=True)
class PriorAnswer:
    """An existing assessment that answers the request: `message` (Chinese, shown as the refusal)
    names it, its date and the level it stands for in the wanted standard (`level`)."""

    existing_on: datetime.date
    level: int
    message: str


def answer(purpose: str, person: Model, day: datetime.date | None = None) -> PriorAnswer | None:
    """The first answer a module gives for `person`'s request of `purpose` on `day` (today when
    None); None when no module answers it (the request goes ahead)."""
    for module in plugins.optional_submodules("prior_assessments"):
        found: PriorAnswer | None = module.answer(purpose, person, day)
        if found is not None:
            return found
    return None
