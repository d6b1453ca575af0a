"""Care at home, one file per aggregate: long-term-care assessment, plans and settlement (ltc.py);
home adaptation cases and assistive-device rental (homes.py)."""

from carecircle.careathome.models import beds, homes, ltc  # noqa: F401 — registers each file's tables
