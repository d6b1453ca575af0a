"""Oversight's tasks (discovered by core/apps.py): each part's tasks live in its own file."""

from carecircle.oversight.tasks_credit import credit_monthly
from carecircle.oversight.tasks_warnings import warnings_daily

__all__ = ["credit_monthly", "warnings_daily"]
