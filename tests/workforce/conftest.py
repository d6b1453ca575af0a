"""Fixtures the register's tests share with facilities, childcare and home care."""

from tests.childcare.conftest import make_child, nursery  # noqa: F401  (shared fixtures)
from tests.facilities.conftest import make_facility, operator  # noqa: F401  (shared fixtures)
from tests.homecare.conftest import no_entitlements, world  # noqa: F401  (shared fixtures)
