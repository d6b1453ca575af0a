"""The account's 长辈模式 choice: kept per account, None until chosen."""

import pytest

from carecircle.portal import selectors, services

pytestmark = pytest.mark.django_db


def test_elder_mode_is_none_until_chosen_then_remembered(users):
    user = users["resident"]
    assert selectors.profile_elder_mode(user) is None
    services.profile_set_elder_mode(user=user, on=True)
    assert selectors.profile_elder_mode(user) is True
    services.profile_set_elder_mode(user=user, on=False)
    assert selectors.profile_elder_mode(user) is False


def test_an_anonymous_visitor_has_no_choice():
    from django.contrib.auth.models import AnonymousUser

    assert selectors.profile_elder_mode(AnonymousUser()) is None
    assert selectors.profile_elder_mode(None) is None
