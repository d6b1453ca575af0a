"""The workforce's models, one file per aggregate: the register and certificates (workers.py),
expiry warnings and the roster (compliance.py)."""

from carecircle.workforce.models.compliance import WARNING_DAYS, CertificateWarning, Shift
from carecircle.workforce.models.staffing import NursingRatioRule  # issue 21, item 2
from carecircle.workforce.models.training import (  # issue 21, items 3-4
    Attendance,
    Course,
    IntegrityKind,
    IntegrityRecord,
    IntegritySource,
    IntegrityStatus,
    TrainingSession,
    TrainingTopic,
)
from carecircle.workforce.models.workers import (
    EMPLOYER_KINDS,
    LEVELS,
    Caregiver,
    Certificate,
    CertificateKind,
    CertificateLevel,
    WorkerRole,
)

__all__ = [
    "EMPLOYER_KINDS",
    "LEVELS",
    "WARNING_DAYS",
    "Caregiver",
    "Certificate",
    "CertificateKind",
    "CertificateLevel",
    "CertificateWarning",
    "NursingRatioRule",
    "Shift",
    "WorkerRole",
    "Attendance",
    "Course",
    "IntegrityKind",
    "IntegrityRecord",
    "IntegritySource",
    "IntegrityStatus",
    "TrainingSession",
    "TrainingTopic",
]
