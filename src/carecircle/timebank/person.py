from django.urls import reverse
from django.utils.translation import gettext as _

from carecircle.core import scope


def links(user, person) -> list[tuple[str, str]]:
    if not scope.has_perm(user, "timebank.manage", person.region_code):
        return []
    return [(_("为其发布互助需求（时间银行）"), f"{reverse('timebank:request_new')}?person={person.pk}")]
