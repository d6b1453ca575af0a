"""Issue 20, "Done when": the public pages and open data hold no personal data, searched for the
generated demo city's own people — every older person's and child's name, ID number and phone,
every family contact's phone — after its year of inspections, findings, penalties and draws.
Inspectors' names are published with the draws (公开 names the inspectors), so a resident who
shares a name with a staff account is not counted as found; nor is a name that is also a word of
the units' own public text (a person called 周一 and a centre open 周一至周五)."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from carecircle.core.models import User
from carecircle.facilities.models import Facility
from carecircle.oversight.models import DrawPlan, Unit
from carecircle.registry.models import FamilyContact, Person


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # --fresh empties the database: TRUNCATE needs no test transaction
def test_the_demo_city_public_pages_and_open_data_hold_no_personal_data(client):
    call_command("generate", scale=0.0005, seed=11, fresh=True, stdout=io.StringIO())
    units = list(Unit.objects.filter(active=True).order_by("pk").values_list("pk", flat=True)[:40])
    plans = list(DrawPlan.objects.order_by("pk").values_list("pk", flat=True)[:8])
    assert units and plans, "the demo city should have supervised units and published draws"
    urls = [
        reverse("oversight:public_index"),
        reverse("oversight:public_units"),
        reverse("oversight:public_draws"),
        reverse("oversight:open_units_csv"),
        reverse("oversight:open_units_geojson"),
        reverse("oversight:open_results_csv"),
        reverse("oversight:open_penalties_csv"),
        reverse("oversight:open_draws_csv"),
        reverse("portal:public_facilities"),
        "/api/v1/public/facilities.geojson",
        *[reverse("oversight:public_unit", args=[pk]) for pk in units],
        *[reverse("oversight:public_draw", args=[pk]) for pk in plans],
    ]
    published = ""
    for url in urls:
        answer = client.get(url)
        assert answer.status_code == 200, url
        published += answer.content.decode() + "\n"

    staff = {u.display_name for u in User.objects.exclude(display_name="")} | {
        u.username for u in User.objects.all()
    }
    people = list(Person.objects.all())
    secrets = {p.id_number for p in people if p.id_number}
    secrets |= {p.phone for p in people if getattr(p, "phone", "")}
    secrets |= {c.phone for c in FamilyContact.objects.all() if c.phone}
    organisations = " ".join(
        f"{f.name} {f.address} {f.opening_hours} {' '.join(map(str, f.services))}"
        for f in Facility.objects.all()
    ) + " ".join(Unit.objects.values_list("name", flat=True))
    names = {p.name for p in people if len(p.name) >= 2 and p.name not in organisations} - staff
    assert len(names) > 100 and len(secrets) > 100
    found = sorted(s for s in secrets | names if s and s in published)
    assert not found, f"personal data on a public page or in open data: {found[:10]}"
