"""Care at home, one file per aggregate: long-term-care assessment, plans and settlement (ltc.py);
home adaptation cases and assistive-device rental (homes.py); family beds and advisers (beds.py);
the monthly subsidies posted to the funds ledger (money.py)."""

from carecircle.careathome.models import beds, homes, ltc, money  # noqa: F401 — registers each file's tables
