from django.urls import reverse
from django.utils.translation import gettext as _

from carecircle.core import scope


def links(user, person) -> list[tuple[str, str]]:
    if not scope.has_perm(user, "homecare.order", person.region_code):
        return []
    return [(_("为其下单居家服务"), f"{reverse('homecare:order_new')}?person_id={person.pk}")]
