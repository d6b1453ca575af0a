"""The demo's open applications (issue 19 item 7): `family` has asked for a capability assessment of
their parent (assessment/demo.py), and a parent applies for a 托位 for their infant at centres of
the child's district (childcare/demo.py: parent_application, called once the account is linked)."""

import datetime
import random

from django.utils import timezone

from carecircle.assessment.models import AssessmentRequest
from carecircle.childcare.models import Application
from carecircle.core.demo import City
from carecircle.core.models import User
from carecircle.facilities.selectors import childcare_facilities_with_places
from carecircle.registry.models import FamilyContact, Person
from carecircle.registry.selectors import family_persons
from tests.childcare.test_demo import Quiet


def test_the_demo_s_family_and_parent_have_open_applications(db):
    from carecircle.assessment import demo as assessment_demo
    from carecircle.childcare import demo as childcare_demo
    from carecircle.core.management.commands import generate as gen
    from carecircle.facilities import demo as facilities_demo
    from carecircle.registry import demo as registry_demo

    city = City(seed=7, scale=0.0001, today=timezone.localdate(), rng=random.Random(7), out=Quiet())
    gen.build_regions(city)
    gen.build_accounts(city)
    registry_demo.generate(city)
    facilities_demo.generate(city)
    assessment_demo.generate(city)
    childcare_demo.generate(city)

    family = User.objects.get(username="family")
    request = AssessmentRequest.objects.get(requested_by=family)
    assert request.state == "submitted" and request.person in family_persons(family)

    # a parent (as portal/demo.py makes `parent`): an infant of a centre's district, linked
    centre_district = {f.region_code[:6] for f in childcare_facilities_with_places()}
    child = (
        Person.objects.filter(birth_date__gt=city.today - datetime.timedelta(days=600))
        .filter(region_code__regex=r"^(%s)" % "|".join(sorted(centre_district)))
        .exclude(enrolments__isnull=False)
        .order_by("id")
        .first()
    )
    assert child is not None
    parent = User.objects.create_user(username="parent", display_name="家长")
    FamilyContact.objects.create(
        person=child,
        region_code=child.region_code,
        name="家长",
        relation="母亲",
        user=parent,
        link_state="active",
    )
    made = childcare_demo.parent_application(city, parent, child)
    assert made >= 1
    assert set(Application.objects.filter(applied_by=parent).values_list("state", flat=True)) == {"submitted"}
