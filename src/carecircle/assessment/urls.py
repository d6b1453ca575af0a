from django.urls import path

from carecircle.assessment import views

prefix = "assessment"
urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("people/", views.people, name="people"),
    path("new/<int:person_id>/", views.assessment_new, name="new"),
    path("<int:assessment_id>/", views.assessment_detail, name="detail"),
    path("checks/new/<int:person_id>/", views.check_new, name="check_new"),
    path("referrals/", views.referral_list, name="referrals"),
    path("checks/<int:check_id>/referral/", views.referral_update, name="referral_update"),
]
