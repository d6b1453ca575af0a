"""Oversight's tasks (discovered by core/apps.py): each part's tasks live in its own file."""

from carecircle.oversight.tasks_credit import credit_monthly
from carecircle.oversight.tasks_escalation import findings_escalate_daily
from carecircle.oversight.tasks_warnings import warnings_daily

__all__ = ["credit_monthly", "findings_escalate_daily", "warnings_daily"]
