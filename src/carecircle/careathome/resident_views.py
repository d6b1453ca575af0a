"""The resident page 居家照护 (in the portal's resident base, so 长辈模式 applies): the account's own
persons' long-term care, family bed, home adaptation and rentals; reads only."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from carecircle.careathome import resident_selectors
from carecircle.core.types import AuthedRequest


@login_required
def care_home(request: AuthedRequest) -> HttpResponse:
    """All the account's persons, or `?person=` one of them (another person: 404)."""
    people = resident_selectors.home_care(request.user, request.GET.get("person", ""))
    return render(request, "careathome/resident_home.html", {"people": people, "today": timezone.localdate()})
