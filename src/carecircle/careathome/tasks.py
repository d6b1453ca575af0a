"""Care at home's periodic tasks (core/apps.py registers every module's `tasks`); each part keeps
its own in its file and adds an import here."""

from carecircle.careathome.beds_tasks import family_bed_missed_visits
from carecircle.careathome.money_tasks import subsidies_monthly

__all__ = ["family_bed_missed_visits", "subsidies_monthly"]
