"""Family members get their parents' messages (issue 19 item 5: "messages to residents, families
and staff"; Hangzhou 三(一)9 子女网上下单、老人体验服务; Jiaxing 二(六)17 老年人及其家属).

A message about a person (`PersonMessageSpec.person_id`, or `message_send(person_id=…)`, or the
person whose own account is the recipient) is also queued for each family account holding an
ACTIVE link to that person (`registry.FamilyContact.link_state`: confirmed by the person or
recorded by a community worker with the evidence seen — the links `registry.selectors.
family_persons` reads). A pending, declined or ended link gets nothing.

Each copy is a message of its own, with its own idempotency key derived from the original's and the
family account (`family_key`): queued once per recipient however often the producer runs, routed
by that recipient's own choices (their `MessagePreference` for the kind, their phone for SMS), and
never made for a secret kind (a one-time code goes to the phone that asked for it only) nor for
the account the original already goes to.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from carecircle.portal.models import ResidentProfile
from carecircle.portal.types import SECRET_KINDS, MessageSpec
from carecircle.registry.models import FamilyContact, LinkState, Person

KEY_MAX = 200
TITLE_MAX = 200


@dataclass(frozen=True)
class PersonMessageSpec(MessageSpec):
    """A message of a bulk send that is about a person (registry id): their linked family accounts
    get a copy each (`copies_for`)."""

    person_id: int | None = None


def family_key(key: str, user_id: int) -> str:
    """The copy's idempotency key: stable for (original, family account), at most 200 characters."""
    tail = f"|family:{user_id}"
    if len(key) + len(tail) <= KEY_MAX:
        return key + tail
    return "h:" + hashlib.sha256(key.encode()).hexdigest() + tail


def copies_for(pairs: Iterable[tuple[MessageSpec, int | None]]) -> list[MessageSpec]:
    """The family copies of `pairs` (a message, the id of the person it is about): three queries
    whatever the number of messages (the links, the family accounts' phones, the persons' names)."""
    todo = [(s, pid) for s, pid in pairs if pid is not None and s.kind not in SECRET_KINDS]
    if not todo:
        return []
    person_ids = {pid for _, pid in todo}
    family: dict[int, list[int]] = defaultdict(list)
    links = (
        FamilyContact.objects.filter(
            person_id__in=person_ids, link_state=LinkState.ACTIVE, user__isnull=False
        )
        .values_list("person_id", "user_id")
        .order_by("id")
    )
    for pid, uid in links:
        if uid not in family[pid]:
            family[pid].append(uid)
    if not family:
        return []
    users = {uid for uids in family.values() for uid in uids}
    phones = dict(
        ResidentProfile.objects.filter(user_id__in=users)
        .annotate(phone_c=Cast("phone", TextField()))  # the ciphertext, copied without decrypting
        .values_list("user_id", "phone_c")
    )
    names = dict(Person.objects.filter(pk__in=family.keys()).values_list("pk", "name"))
    out: list[MessageSpec] = []
    for spec, pid in todo:
        name = names.get(pid, "")
        for uid in family.get(pid, ()):
            if uid == spec.recipient_id:
                continue
            out.append(
                MessageSpec(
                    key=family_key(spec.key, uid),
                    kind=spec.kind,
                    region_code=spec.region_code,
                    title=(_("【%(name)s】") % {"name": name} + spec.title)[:TITLE_MAX],
                    body=_("（这是发给您的家人%(name)s的消息）") % {"name": name} + spec.body,
                    recipient_id=uid,
                    phone=phones.get(uid) or "",
                )
            )
    return out


def person_of_account(user_id: int | None) -> int | None:
    """The person whose own account `user_id` is, if any (a message to an older person's account)."""
    if user_id is None:
        return None
    return Person.objects.filter(user_id=user_id).values_list("pk", flat=True).first()


def about(specs: Sequence[MessageSpec]) -> list[tuple[MessageSpec, int | None]]:
    """Each spec with the person it is about: its `person_id` when it names one."""
    return [(s, getattr(s, "person_id", None)) for s in specs]
