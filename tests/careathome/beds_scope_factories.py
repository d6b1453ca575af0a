"""The scope walk's factories for the family beds of care at home: a fresh bed in region A (东湖区)
on each call (one active bed per person)."""

from tests.careathome.beds_helpers import disabled_person, provider, setup
from tests.conftest import COMMUNITY_A


def family_bed_id(ctx):
    from carecircle.careathome import beds_services

    setup()
    return beds_services.bed_contract(
        actor=ctx.users["admin"],
        person=disabled_person(ctx.make_person, COMMUNITY_A),
        provider=provider(ctx.users),
        visit_every_days=7,
        assessment_note="走查用入户评估",
    ).pk


def adviser_person_id(ctx):
    return ctx.person.pk


FACTORIES = {"family_bed_id": family_bed_id, "adviser_person_id": adviser_person_id}
