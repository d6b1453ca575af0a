"""The facility map's data: one GeoJSON Feature per facility with address, hours, grade and free
places, its credit grade from oversight (core.credit_standing) and why it is suspended when a major
hazard found by oversight stops new admissions (core.suspension; issue 20 item 8: "the public
facility map shows grade and any suspension").
Shared by the public page and the open GeoJSON endpoint."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import credit_standing, suspension
from carecircle.facilities import selectors
from carecircle.facilities.models import CHILDCARE_KINDS, FacilityKind, FilingStatus

ELDER_GROUP = "elder"
CHILD_GROUP = "child"


def group_of(kind: str) -> str:
    return CHILD_GROUP if kind in CHILDCARE_KINDS else ELDER_GROUP


def feature_collection(facilities, day: datetime.date | None = None) -> dict:
    facilities = list(facilities)
    day = day or timezone.localdate()
    grades = selectors.current_grades([f.pk for f in facilities], day)
    free = selectors.free_places(facilities, day)
    stopped = suspension.suspended("facility", [f.pk for f in facilities])
    credit = credit_standing.standings("facility", [f.pk for f in facilities])
    kind_labels = {value: str(label) for value, label in FacilityKind.choices}  # translated once, not per row
    status_labels = {value: str(label) for value, label in FilingStatus.choices}
    features = []
    for f in facilities:
        g = grades.get(f.pk)
        room = free[f.pk]
        features.append(
            {
                "type": "Feature",
                "id": f.pk,
                "geometry": {"type": "Point", "coordinates": [round(f.longitude, 6), round(f.latitude, 6)]},
                "properties": {
                    "id": f.pk,
                    "name": f.name,
                    "kind": f.kind,
                    "kind_label": kind_labels[f.kind],
                    "group": group_of(f.kind),
                    "status": f.status,
                    "status_label": status_labels[f.status],
                    "filing_number": f.filing_number,
                    "address": f.address,
                    "opening_hours": f.opening_hours,
                    "phone": f.phone,
                    "services": f.services,
                    "region_code": f.region_code,
                    "grade": g.grade.label if g and g.grade else None,
                    "grade_valid_to": g.valid_to.isoformat() if g else None,
                    "beds": room["beds"],
                    "beds_free": room["beds_free"],
                    "childcare_places": room["places"],
                    "childcare_places_puhui": f.childcare_places_puhui,
                    "childcare_places_free": room["places_free"],
                    "suspended": stopped.get(f.pk),
                    "credit": _("信用%(grade)s") % {"grade": credit[f.pk].label} if f.pk in credit else None,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
