"""Providers: registering one with its service areas, its admin's rights, its prices."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from carecircle.core import audit, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, InvalidInput
from carecircle.core.limits import check_coordinates, check_money
from carecircle.core.models import Region
from carecircle.core.organisations import OrganisationKind, require_admin_or_staff
from carecircle.core.types import Actor
from carecircle.homecare.models import MONEY, Provider, ProviderArea, ProviderPrice, ServiceItem

if TYPE_CHECKING:
    from django.http import HttpRequest


@transaction.atomic
def provider_create(
    *,
    actor: Actor,
    name: str,
    licence_no: str,
    region_code: str,
    areas: list[str],
    latitude: float | None = None,
    longitude: float | None = None,
    request: HttpRequest | None = None,
) -> Provider:
    name, licence_no = (name or "").strip(), (licence_no or "").strip()
    if not name:
        raise InvalidInput(_("机构名称不能为空"), field="name")
    if not licence_no:
        raise InvalidInput(_("请填写统一社会信用代码或许可证号"), field="licence_no")
    latitude, longitude = check_coordinates(latitude, longitude)
    if not Region.objects.filter(code=region_code).exists():
        raise InvalidInput(_("未知的区划代码：%(c)s") % {"c": region_code}, field="region_code")
    scope.require(actor, "homecare.manage", region_code)
    if not areas:
        raise InvalidInput(_("请至少选择一个服务区域"), field="areas")
    known = set(Region.objects.filter(code__in=areas).values_list("code", flat=True))
    for code in areas:
        if code not in known:
            raise InvalidInput(_("未知的服务区域：%(c)s") % {"c": code}, field="areas")
        scope.require(actor, "homecare.manage", code)
    try:
        with transaction.atomic():
            provider = Provider.objects.create(
                name=name,
                licence_no=licence_no,
                region_code=region_code,
                latitude=latitude,
                longitude=longitude,
            )
    except IntegrityError as exc:
        raise Conflict(_("该许可证号已登记"), field="licence_no") from exc
    ProviderArea.objects.bulk_create(
        [ProviderArea(provider=provider, region_code=c) for c in sorted(set(areas))]
    )
    audit.record(
        actor=actor,
        action=AuditAction.PROVIDER_CREATE,
        obj=provider,
        request=request,
        areas=sorted(set(areas)),
    )
    return provider


def require_provider_admin(actor: Actor, provider: Provider) -> None:
    """The provider's own admin, or an official managing its region."""
    require_admin_or_staff(
        actor,
        kind=OrganisationKind.HOMECARE_PROVIDER,
        organisation_id=provider.pk,
        perm="homecare.manage",
        region_code=provider.region_code,
    )


@transaction.atomic
def price_set(
    *,
    actor: Actor,
    provider: Provider,
    item: ServiceItem,
    price: Decimal | str | None,
    valid_from: datetime.date,
    request: HttpRequest | None = None,
) -> ProviderPrice:
    require_provider_admin(actor, provider)
    price = check_money(price, "price", max_digits=MONEY["max_digits"])
    if price is None:
        raise InvalidInput(_("请填写价格"), field="price")
    ProviderPrice.objects.filter(
        provider=provider, item=item, valid_to__isnull=True, valid_from__lt=valid_from
    ).update(valid_to=valid_from - datetime.timedelta(days=1))
    row, _created = ProviderPrice.objects.update_or_create(
        provider=provider, item=item, valid_from=valid_from, defaults={"price": price, "valid_to": None}
    )
    audit.record(
        actor=actor,
        action=AuditAction.PROVIDER_PRICE,
        obj=provider,
        request=request,
        item=item.code,
        price=str(price),
        valid_from=valid_from.isoformat(),
    )
    return row
