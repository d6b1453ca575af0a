from django.urls import path

from carecircle.assessment import views, views_requests

prefix = "assessment"
urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("people/", views.people, name="people"),
    path("new/<int:person_id>/", views.assessment_new, name="new"),
    path("<int:assessment_id>/", views.assessment_detail, name="detail"),
    path("checks/new/<int:person_id>/", views.check_new, name="check_new"),
    path("referrals/", views.referral_list, name="referrals"),
    path("checks/<int:check_id>/referral/", views.referral_update, name="referral_update"),
    path("requests/", views_requests.request_list, name="requests"),
    path(
        "requests/<int:assessment_request_id>/accept/", views_requests.request_accept, name="request_accept"
    ),
    path(
        "requests/<int:assessment_request_id>/refuse/", views_requests.request_refuse, name="request_refuse"
    ),
]
