"""Home and community services: catalogue, providers and prices, cost-sharing rules, orders with
their payment lines, dispatch, electronic visit verification (EVV), ratings, complaints and the
month-end provider statement — one file per aggregate; import them from here."""

from carecircle.homecare.models.base import MONEY, MONEY_DIGITS
from carecircle.homecare.models.catalogue import (
    SHARE_SOURCES,
    CostShareLine,
    CostShareRule,
    FundingRule,
    FundingSource,
    GuidePrice,
    Provider,
    ProviderArea,
    ProviderPrice,
    ServiceCategory,
    ServiceItem,
    ServicePolicy,
)
from carecircle.homecare.models.orders import (
    BUSY_STATUSES,
    OPEN_STATUSES,
    CarePlan,
    Channel,
    DispatchEvent,
    Order,
    OrderStatus,
    PaymentLine,
)
from carecircle.homecare.models.settlement import (
    Complaint,
    Rating,
    Statement,
    StatementEntry,
    StatementLine,
    StatementPosting,
)
from carecircle.homecare.models.visits import (
    ExceptionKind,
    Visit,
    VisitCheck,
    VisitException,
)

__all__ = [
    "MONEY",
    "MONEY_DIGITS",
    "BUSY_STATUSES",
    "CarePlan",
    "Channel",
    "Complaint",
    "CostShareLine",
    "CostShareRule",
    "DispatchEvent",
    "ExceptionKind",
    "FundingRule",
    "FundingSource",
    "GuidePrice",
    "OPEN_STATUSES",
    "Order",
    "OrderStatus",
    "PaymentLine",
    "Provider",
    "ProviderArea",
    "ProviderPrice",
    "Rating",
    "SHARE_SOURCES",
    "ServiceCategory",
    "ServiceItem",
    "ServicePolicy",
    "Statement",
    "StatementEntry",
    "StatementLine",
    "StatementPosting",
    "Visit",
    "VisitCheck",
    "VisitException",
]
