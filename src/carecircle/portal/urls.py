"""The residents' pages under /portal/ (signed in: the home page of big tiles, 一键呼叫, the
modules' resident pages linked from it) and the public pages under /portal/public/ (no sign-in:
the facility finder and the allowance policies). Others add their lines here: one view per action."""

from django.urls import path

from carecircle.portal import applications_views, views, views_account, views_messages

prefix = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("elder/", views.elder_switch, name="elder_switch"),
    path("sos/", views.sos_confirm, name="sos_confirm"),
    path("sos/raise/", views.sos_raise, name="sos_raise"),
    path("sos/<int:incident_id>/", views.sos_state, name="sos_state"),
    path("facilities/", views.nearby, name="nearby"),
    path("apply/", views.apply, name="apply"),
    path("public/", views.public_index, name="public_index"),
    path("public/facilities/", views.public_facilities, name="public_facilities"),
    path("public/policies/", views.public_policies, name="public_policies"),
    # accounts (portal/views_account.py): phone sign-in, the account's links, the worker's page of a person
    path("signin/", views_account.signin_phone, name="signin"),
    path("signin/code/", views_account.signin_code, name="signin_code"),
    path("account/", views_account.account_home, name="account"),
    path("account/password/", views_account.account_password, name="account_password"),
    path("account/links/new/", views_account.link_request, name="link_request"),
    path("account/links/<int:link_id>/confirm/", views_account.link_confirm, name="link_confirm"),
    path("account/links/<int:link_id>/decline/", views_account.link_decline, name="link_decline"),
    path("account/links/<int:link_id>/end/", views_account.link_end, name="link_end"),
    path("account/links/<int:link_id>/verify/", views_account.link_verify, name="link_verify"),
    path("people/<int:person_id>/accounts/", views_account.person_accounts, name="person_accounts"),
    path(
        "people/<int:person_id>/accounts/open/", views_account.person_account_open, name="person_account_open"
    ),
    path(
        "people/<int:person_id>/accounts/link/", views_account.person_link_record, name="person_link_record"
    ),
    # messages (portal/views_messages.py): the inbox, read state, choices; the staff list of failures
    path("messages/", views_messages.inbox, name="messages"),
    path("messages/<int:message_id>/read/", views_messages.message_read, name="message_read"),
    path("messages/read-all/", views_messages.messages_read_all, name="messages_read_all"),
    path("messages/settings/", views_messages.message_settings, name="message_settings"),
    path("messages/failures/", views_messages.delivery_failures, name="delivery_failures"),
    # 我要申请 (portal/applications_views.py): an assessment, a waiting-list place, a 托位
    path("apply/assessment/", applications_views.apply_assessment, name="apply_assessment"),
    path("apply/waiting/", applications_views.apply_waiting, name="apply_waiting"),
    path("apply/childcare/", applications_views.apply_childcare, name="apply_childcare"),
]
