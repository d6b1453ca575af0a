"""`family_persons(user)` runs on every resident page: the database must reach the account's persons
through indexes, never by reading the whole register. Written as `user = … OR id IN (…)`, PostgreSQL
could only scan every person (2.98 million in the full city) for each page; as a union of two index
lookups it reads a handful of rows. Sequential scans are priced out here, so that a plan that has no
other way shows one whatever the size of the test's tables."""

import pytest
from django.db import connection, transaction

from carecircle.registry import selectors
from carecircle.registry.models import FamilyContact


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())


@pytest.mark.django_db
def test_a_family_accounts_persons_are_found_by_index(users, make_person):
    account = users["resident"]
    own, parent, _stranger = make_person(), make_person(), make_person()
    own.user = account
    own.save(update_fields=["user"])
    FamilyContact.objects.create(
        person=parent,
        region_code=parent.region_code,
        user=account,
        name="女儿",
        relation="女儿",
        link_state="active",
    )
    persons = selectors.family_persons(account)
    assert set(persons) == {own, parent}  # and not the stranger
    plan = _plan(persons)
    if connection.vendor == "postgresql":
        assert "Seq Scan on registry_person" not in plan, plan
    else:
        assert "SCAN registry_person" not in plan, plan
