"""Helpers of the home adaptation and rental tests (and their scope-walk factories)."""

import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from carecircle.careathome import homes_reference
from carecircle.registry.models import Person, PersonStatus

CITY = "339900000000"


def photo(name: str = "p.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 200)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def hold(person: Person, kind: str) -> None:
    PersonStatus.objects.create(
        person=person,
        region_code=person.region_code,
        kind=kind,
        valid_from=timezone.localdate() - datetime.timedelta(days=400),
        source="测试",
    )


def setup_programme(amount: Decimal = Decimal("100000.00")) -> None:
    """The catalogue, the adaptation programme and money in its fund."""
    from carecircle.benefits import services as benefits
    from carecircle.benefits.models import Fund

    homes_reference.ensure()
    homes_reference.ensure_programme(region_code=CITY)
    fund = Fund.objects.get(code=homes_reference.FUND_CODE)
    if amount:
        benefits.fund_appropriate(
            actor=None, fund=fund, amount=amount, memo="测试拨款", key=f"test:{fund.pk}:{amount}"
        )


def eligible_person(make_person, region_code: str, kind: str = "dibao", age: int = 82) -> Person:
    person = make_person(region_code=region_code, age=age)
    hold(person, kind)
    return person
