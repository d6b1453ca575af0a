"""免申即享: on the 1st of every month the payroll of every programme in force is computed for
the whole city and left for review; nobody has to apply. A birthday, a new 低保 status, a
reassessment or a death recorded during the month shows up in that run by itself."""

import datetime

from celery.schedules import crontab

from carecircle.core.tasks import periodic


@periodic(crontab(minute=30, hour=2, day_of_month=1), name="benefits.monthly_payroll")
def monthly_payroll():
    from carecircle.benefits import engine, services

    services.payroll_run(actor=None, month=engine.month_of(datetime.date.today()))
