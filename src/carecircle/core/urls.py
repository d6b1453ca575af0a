from django.contrib import admin
from django.urls import include, path

from carecircle.core import health, list_pages, metrics, plugins, views, views_regions
from carecircle.core.api import api

app_name = "core"

core_patterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/otp/", views.otp_view, name="otp"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/", views.account, name="account"),
    path("accounts/totp/", views.totp_setup, name="totp_setup"),
    # one view per action of the second factor's page (under it: SecondFactorMiddleware lets a
    # session that must set one up reach these and nothing else)
    path("accounts/totp/begin/", views.totp_begin, name="totp_begin"),
    path("accounts/totp/confirm/", views.totp_confirm, name="totp_confirm"),
    path("accounts/totp/disable/", views.totp_disable, name="totp_disable"),
    path("accounts/tokens/new/", views.token_create, name="token_create"),
    path("accounts/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("regions/", views.regions, name="regions"),
    path("regions/pick/", views_regions.pick, name="region_pick"),
    path("audit/", views.audit_list, name="audit"),
    path("exports/<int:export_job_id>/", list_pages.export_job, name="export_job"),
    path("exports/<int:export_job_id>/download/", list_pages.export_download, name="export_download"),
    path("healthz", health.healthz, name="healthz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("lang/<str:code>/", views.set_language, name="set_language"),
]

urlpatterns = [
    path("", include((core_patterns, "core"))),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
for module in plugins.optional_submodules("urls"):
    if module.__name__ != __name__:
        name = module.__name__.split(".")[1]
        urlpatterns.append(path(f"{getattr(module, 'prefix', name)}/", include((module.urlpatterns, name))))

# Django's own error answers: JSON under /api/, a 503 when the database is busy or gone.
handler400 = "carecircle.core.errorpages.bad_request"
handler403 = "carecircle.core.errorpages.permission_denied"
handler404 = "carecircle.core.errorpages.page_not_found"
handler500 = "carecircle.core.errorpages.server_error"
