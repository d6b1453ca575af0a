"""Care at home's pages under /careathome/: long-term care (urls_ltc.py), home adaptation and
assistive-device rental (urls_homes.py), family care beds and care advisers (urls_beds.py), each
part in its own file."""

from carecircle.careathome import urls_beds, urls_homes, urls_ltc

prefix = "careathome"
urlpatterns = [*urls_ltc.urlpatterns, *urls_homes.urlpatterns, *urls_beds.urlpatterns]
