import io
import subprocess
import sys

import pytest
from django.core.management import call_command

from carecircle.core.models import Region, User
from carecircle.registry.identity import parse_id_number
from carecircle.registry.models import FamilyContact, Person, PersonStatus


def generate(seed=7, scale=0.0005):
    out = io.StringIO()
    call_command("generate", scale=scale, seed=seed, fresh=True, stdout=out)
    return out.getvalue()


@pytest.mark.django_db(
    transaction=True
)  # --fresh empties the database: TRUNCATE cannot run inside a test transaction
def test_generated_city_is_valid_and_reproducible(frozen_now):
    # On a pinned clock: the city is built from its `today`, and two runs either side of midnight in
    # Beijing would differ by a day of birth.
    log = generate()
    assert "人员" in log and "完成" in log
    people = list(Person.objects.order_by("id").values_list("name", "id_masked", "region_code", "birth_date"))
    elders = sum(1 for *_x, b in people if b.year < 1967)
    assert elders >= 200 and len(people) > elders  # older people and infants
    # Every ID number is valid (check digit, birth date) and agrees with the stored sex and birth date.
    for p in Person.objects.all()[:300]:
        identity = parse_id_number(p.id_number)
        assert identity.birth_date == p.birth_date and identity.sex == p.sex
        assert Region.objects.filter(code=p.region_code, level=5).exists()
    assert PersonStatus.objects.filter(kind="living_alone").exists()
    assert FamilyContact.objects.filter(user__username="family").exists()
    assert User.objects.filter(username="street", grants__role="street_worker").exists()
    generate()  # same seed, fresh database: the same city
    again = list(Person.objects.order_by("id").values_list("name", "id_masked", "region_code", "birth_date"))
    assert again == people


@pytest.mark.django_db(transaction=True)
def test_generate_refuses_a_second_city():
    generate()
    from django.core.management.base import CommandError

    try:
        call_command("generate", scale=0.0005, stdout=io.StringIO())
    except CommandError as exc:
        assert "--fresh" in str(exc)
    else:
        raise AssertionError("a second city was generated over the first")


def test_cli_passes_through_to_django(tmp_path):
    env = {"CARECIRCLE_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "carecircle.cli", "manage", "check"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    help_text = subprocess.run(
        [sys.executable, "-m", "carecircle.cli"], capture_output=True, text=True, env=env, timeout=120
    ).stdout
    for command in ("demo", "generate", "serve", "worker", "import"):
        assert command in help_text
