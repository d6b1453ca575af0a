"""Care at home: the ltc pages."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
