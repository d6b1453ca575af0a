"""Care at home: the homes pages."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
