"""Writes of facilities: operators, filings (new, change, closure) and their review, grading,
the bed register with admissions and discharges. Waiting lists are in waiting.py.

Callers import from here (`carecircle.facilities.services`), never from the parts: _access.py (who
may act), filings.py (operators, filings and their review), grading.py (evaluations and their
subsidy), beds.py (beds, admissions and discharges)."""

from carecircle.facilities.services._access import reaches
from carecircle.facilities.services.beds import beds_add, free_bed, free_beds, stay_admit, stay_discharge
from carecircle.facilities.services.filings import (
    clean_values,
    facility_apply,
    filing_review,
    filing_submit,
    missing_documents,
    operator_create,
    required_documents,
)
from carecircle.facilities.services.grading import _add_years as _add_years  # demo_filed.py's evaluations
from carecircle.facilities.services.grading import evaluation_record, grade_for, scheme_for, subsidy_for
from carecircle.facilities.services.resident import waiting_apply_resident, waiting_checks

__all__ = [
    "beds_add",
    "clean_values",
    "evaluation_record",
    "facility_apply",
    "filing_review",
    "filing_submit",
    "free_bed",
    "free_beds",
    "grade_for",
    "missing_documents",
    "operator_create",
    "reaches",
    "required_documents",
    "scheme_for",
    "stay_admit",
    "stay_discharge",
    "subsidy_for",
    "waiting_apply_resident",
    "waiting_checks",
]
