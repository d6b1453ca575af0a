"""The voucher batch's region is picked by name among the issuer's regions (core.widgets.RegionField),
never typed as a code: the page offers names, a name is read, a name outside the scope is a 422."""

import datetime

from carecircle.childcare.models import Voucher
from tests.childcare.conftest import today


def test_voucher_batch_region_by_name(client_for, users, make_child):
    make_child(20)
    c = client_for(users["district"])
    page = c.get("/childcare/vouchers/").content.decode()
    assert "发放区域代码" not in page and "data-region-picker" in page and ">东湖区<" in page
    assert "西山区" not in page
    issue = {"batch": "体验券", "amount": "400", "valid_to": str(today() + datetime.timedelta(days=30))}
    outside = c.post("/childcare/vouchers/", {**issue, "region_code": "西山区"})
    assert outside.status_code == 422 and "没有名为“西山区”的区划" in outside.content.decode()
    assert not Voucher.objects.exists()
    assert c.post("/childcare/vouchers/", {**issue, "region_code": "东湖区"}).status_code == 302
    assert Voucher.objects.get().region_code.startswith("339901")
