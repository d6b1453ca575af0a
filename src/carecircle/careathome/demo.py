"""Care at home's part of the synthetic city (`carecircle generate`): adaptation cases and rentals
(demo_homes.py), LTC assessments and plans (ltc_demo.py), family care beds (beds_demo.py), and the
subsidies of the month just closed posted to the funds ledger (money_demo.py)."""

from carecircle.careathome import beds_demo, demo_homes, ltc_demo, money_demo
from carecircle.core.demo import City

ORDER = 55  # after the people (10), assessments (20), benefits (35) and home care (50); before planning (90)


def generate(city: City) -> None:
    demo_homes.generate(city)
    ltc_demo.generate(city)
    beds_demo.generate(city)
    money_demo.generate(city)  # the month just closed posted to the funds ledger
