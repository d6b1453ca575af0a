"""Planning's live feed of the workforce register's childcare figures (issue 21, item 5): the
托育从业人员持证上岗率 (C11, Hangzhou 一小 第11行, Qujing 三(五)2) was entered by hand while the
register held no childcare staff; it is now computed from `workforce.selectors` through the
computations' `_module_counts` pattern. Registered into `computations.COMPUTATIONS` when the app is
ready (planning/apps.py), kept out of computations.py, which is at its size limit."""

from django.utils.translation import gettext_lazy as _

from carecircle.planning.computations import COMPUTATIONS, Computation, _module_counts

WORKFORCE_COMPUTATIONS = {
    "childcare_staff": Computation(
        _("在岗托育从业人员数"), _module_counts("workforce", "childcare_staff_counts"), "workforce"
    ),
    "childcare_staff_certified": Computation(
        _("持证在岗托育从业人员数"),
        _module_counts("workforce", "childcare_staff_certified_counts"),
        "workforce",
    ),
}


def register() -> None:
    """Add the workforce computations (idempotent)."""
    COMPUTATIONS.update(WORKFORCE_COMPUTATIONS)
