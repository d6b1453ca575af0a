"""Which children a voucher programme of the benefits module entitles (benefits is optional)."""

import datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from carecircle.childcare.models import Voucher
from carecircle.core.errors import InvalidInput
from carecircle.registry.models import Person


def _entitled(children: QuerySet[Person], programme_code: str, day: datetime.date) -> dict[int, Decimal]:
    """Children entitled to a voucher programme of the benefits module on `day`, with the amount
    (the programme's rule evaluated in SQL for all of them at once)."""
    try:
        from carecircle.benefits.selectors import (  # noqa: PLC0415 — an optional library: absent is handled here
            entitled_amounts,
            programme_period,
        )
    except ImportError:
        raise InvalidInput(_("未安装津贴补贴模块，不能按项目发放"), field="programme_code") from None
    period = programme_period(programme_code)
    if period is not None:  # one voucher per period of its programme, whatever the batch (一次: ever)
        first, last = period.bounds(day)
        held = Voucher.objects.filter(
            programme_code=programme_code, issued_on__gte=first, issued_on__lte=last
        ).values("child_id")
        children = children.exclude(pk__in=held)
    return entitled_amounts(
        programme_code=programme_code, persons=children, day=day, payment_method="voucher"
    )
