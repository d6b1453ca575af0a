"""Care at home's pages under /careathome/: long-term care (urls_ltc.py), home adaptation and
assistive-device rental (urls_homes.py), family care beds and care advisers (urls_beds.py), each
part in its own file."""

from django.urls import path

from carecircle.careathome import resident_views, urls_beds, urls_homes, urls_ltc

prefix = "careathome"
urlpatterns = [*urls_ltc.urlpatterns, *urls_homes.urlpatterns, *urls_beds.urlpatterns]
# the resident page 居家照护 (the home page's tile)
urlpatterns += [path("mine/", resident_views.care_home, name="care_home")]
