import datetime
from decimal import Decimal

import pytest

from carecircle.childcare import selectors, services
from carecircle.childcare.models import Voucher
from carecircle.core.errors import Conflict, InvalidInput, NotFound
from tests.childcare.conftest import today
from tests.conftest import COMMUNITY_B


def test_voucher_issued_once_and_redeemed_once(users, make_facility, make_child, make_person):
    a, b = make_child(10), make_child(30)
    make_child(20, region_code=COMMUNITY_B)
    make_person(age=70)
    nursery = make_facility("childcare_centre", childcare_places=30, childcare_places_puhui=20)
    n = services.voucher_issue(
        actor=users["district"],
        region_code="339901000000",
        batch="2026春季体验券",
        amount="500",
        valid_to=today() + datetime.timedelta(days=90),
    )
    assert n == 2 and set(Voucher.objects.values_list("child_id", flat=True)) == {a.pk, b.pk}
    assert (
        services.voucher_issue(
            actor=users["district"],
            region_code="339901000000",
            batch="2026春季体验券",
            amount="500",
            valid_to=today() + datetime.timedelta(days=90),
        )
        == 0
    )
    voucher = Voucher.objects.get(child=a)
    assert voucher.amount == Decimal("500.00")
    used = services.voucher_redeem(actor=users["admin"], code=voucher.code.lower(), facility=nursery)
    assert used.redeemed_facility == nursery and used.redeemed_at is not None
    with pytest.raises(Conflict) as exc:
        services.voucher_redeem(actor=users["admin"], code=voucher.code, facility=nursery)
    assert "不能重复使用" in str(exc.value.message)
    with pytest.raises(NotFound):
        services.voucher_redeem(actor=users["admin"], code="TYNOSUCHCODE00", facility=nursery)
    assert selectors.vouchers_for(user=users["district"], state="redeemed").count() == 1
    assert selectors.vouchers_for(user=users["district_b"]).count() == 0
    # a provider admin sees only the vouchers redeemed at their own operator's facilities
    from carecircle.core.models import RoleGrant
    from tests.conftest import make_user

    prov = make_user("prov9", "provider_admin", "339901000000")
    assert selectors.vouchers_for(user=prov).count() == 0
    RoleGrant.objects.filter(user=prov).update(
        organisation_kind="facility_operator", organisation_id=nursery.operator_id
    )
    assert [x.code for x in selectors.vouchers_for(user=prov)] == [voucher.code]


def test_redeem_only_at_filed_childcare(users, make_facility, make_child):
    make_child(10)
    services.voucher_issue(
        actor=users["district"], region_code="339901000000", batch="b1", amount="300", valid_to=today()
    )
    code = Voucher.objects.get().code
    pending = make_facility("childcare_centre", filed=False, childcare_places=10)
    home = make_facility("nursing_public", beds_general=5)
    with pytest.raises(Conflict):
        services.voucher_redeem(actor=users["admin"], code=code, facility=pending)
    with pytest.raises(InvalidInput):
        services.voucher_redeem(actor=users["admin"], code=code, facility=home)
    assert Voucher.objects.get().redeemed_at is None


def test_issue_checks(users):
    with pytest.raises(InvalidInput):
        services.voucher_issue(
            actor=users["district"], region_code="339901000000", batch="", amount="1", valid_to=today()
        )
    with pytest.raises(InvalidInput):
        services.voucher_issue(
            actor=users["district"], region_code="339901000000", batch="x", amount="0", valid_to=today()
        )
    with pytest.raises(InvalidInput):
        services.voucher_issue(
            actor=users["district"], region_code="339901000000", batch="x", amount="abc", valid_to=today()
        )
    with pytest.raises(InvalidInput):
        services.voucher_issue(
            actor=users["district"], region_code="339901000000", batch="x", valid_to=today()
        )
    with pytest.raises(NotFound):
        services.voucher_issue(
            actor=users["district"], region_code="339902000000", batch="x", amount="1", valid_to=today()
        )


def test_eligibility_and_amount_from_the_benefits_programme(users, make_child, make_person):
    pytest.importorskip("carecircle.benefits.defaults")
    from carecircle.benefits import defaults

    defaults.install(actor=users["admin"], region_code="339900000000")
    kid = make_child(14)
    make_person(age=80)
    n = services.voucher_issue(
        actor=users["district"],
        region_code="339901000000",
        batch="项目券",
        programme_code="CHILDCARE_VOUCHER",
        valid_to=today(),
    )
    assert n == 1
    v = Voucher.objects.get()
    assert v.child == kid and v.amount == Decimal("500.00")
    assert (
        services.voucher_issue(
            actor=users["district"],
            region_code="339901000000",
            batch="项目券",
            programme_code="NO_SUCH_PROGRAMME",
            valid_to=today(),
        )
        == 0
    )
