"""Reference data of family care beds (家庭养老床位), kept as data with its source.

Who may have one is a benefits programme (`family_bed`, monthly, paid to the bed's provider): its
CEL rule is evaluated by the benefits module (benefits.selectors.entitlements_for for one person,
entitled_amounts compiled to SQL for the whole city), as the adaptation programme is.
Rule: 失能 (GB/T 42195 capability level 3–4, 重度/完全失能, or the 重度残疾 status), or 半失能 (level
1–2) with economic hardship (特困、低保、低保边缘) — Hechuan 二(七) (困难半失能老年人 … 家庭养老床位),
Jiaxing 二(二)5 (家庭养老床位 pilots), Hangzhou 三(一)3 (家庭养老床位和家庭病床"两床"融合).
The monthly amounts are NOT in the seeds: DEMO values, for a city to replace with its own.
"""

import datetime
from decimal import Decimal
from typing import Final

from django.db import transaction

from carecircle.benefits import services as benefits
from carecircle.core.types import Actor

PROGRAMME_CODE: Final = "family_bed"
PROGRAMME_NAME: Final = "家庭养老床位运营补贴"
FUND_CODE: Final = "family_bed_fund"
HARDSHIP: Final = '("tekun" in statuses || "dibao" in statuses || "dibao_edge" in statuses)'
DISABLED: Final = '(capability_level >= 3 || "severe_disability" in statuses)'
HALF_DISABLED: Final = "capability_level >= 1"
TARGET_RULE: Final = f"age >= 60 && ({DISABLED} || ({HALF_DISABLED} && {HARDSHIP}))"
TIERS: Final = [
    {"label": "失能（示例额度）", "condition": DISABLED, "amount": Decimal("600.00")},
    {"label": "困难半失能（示例额度）", "condition": "", "amount": Decimal("400.00")},
]
PROGRAMME_BASIS: Final = "Hechuan 二(七)；Jiaxing 二(二)5；Hangzhou 三(一)3（额度为示例）"

# The home-visit schedule a contract may choose (days between visits), e.g. weekly (DEMO choices).
VISIT_EVERY: Final = [(7, "每周一次"), (14, "每两周一次"), (30, "每月一次")]

# The monitoring devices a family bed may carry (the alarms module's kinds): door sensor, bed
# sensor, SOS button, smoke detector (Hangzhou 三(一)3 智慧养老; Jiaxing 二(二)5).
DEVICE_KINDS: Final = ["door", "bed", "sos", "smoke"]


@transaction.atomic
def ensure_programme(*, actor: Actor = None, region_code: str) -> None:
    """Set up the family-bed subsidy's fund and programme for the city `region_code` once (benefits
    services; the actor None is the system: the reference load and the demo)."""
    from carecircle.benefits import selectors as benefit_reads  # noqa: PLC0415 — the other module may be absent

    if benefit_reads.programme_period(PROGRAMME_CODE) is not None:
        return
    fund = benefits.fund_create(
        actor=actor, code=FUND_CODE, name="家庭养老床位补贴资金", region_code=region_code
    )
    benefits.programme_save(
        actor=actor,
        code=PROGRAMME_CODE,
        name=PROGRAMME_NAME,
        fund=fund,
        region_code=region_code,
        target_rule=TARGET_RULE,
        tiers=list(TIERS),
        period="monthly",
        # paid where used: the monthly task posts each bed's month to the fund once (money_services.py);
        # as a voucher programme the payroll pays nothing for it (no second payment to everyone entitled)
        payment_method="voucher",
        valid_from=datetime.date(2021, 1, 1),
        basis=PROGRAMME_BASIS,
    )
