"""The scope walk's factories for the registry's routes of its own (tests/scopewalk.py)."""

import datetime
import itertools

_seq = itertools.count()  # sequence numbers 300–998 of the ID number; each test's database starts empty


def make_child(
    users,
    *,
    age: int = 10,
    kind: str = "child_in_difficulty",
    region_code: str = "339901001001",
    name: str = "",
    **kw,
):
    """A child registered as 困境儿童 (or 孤儿) of `age`, in 桂花社区 (region A) unless told."""
    from django.utils import timezone

    from carecircle.registry.children_services import child_register
    from tests.conftest import id_number

    today = timezone.localdate()
    birth = today.replace(year=today.year - age, day=min(today.day, 28)) - datetime.timedelta(days=40)
    n = 300 + next(_seq) % 699
    return child_register(
        actor=users["admin"],
        name=name or f"儿童{n}",
        id_number=id_number(birth, n),
        region_code=region_code,
        kind=kind,
        **kw,
    )


def child_id(ctx):
    return make_child(ctx.users).pk


FACTORIES = {"child_id": child_id}
