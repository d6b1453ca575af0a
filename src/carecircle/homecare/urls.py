from django.urls import path

from carecircle.homecare import list_views, views
from carecircle.homecare.selectors import OrderAction

prefix = "homecare"
urlpatterns = [
    path("", list_views.order_list, name="order_list"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("new/", views.order_new, name="order_new"),
    path("orders/<int:order_id>/", views.order_detail, name="order_detail"),
    # one view per action (views.order_<action>), at orders/<id>/<action>/
    *[
        path(
            f"orders/<int:order_id>/{action.value.replace('_', '-')}/",
            getattr(views, f"order_{action.value}"),
            name=f"order_{action.value}",
        )
        for action in OrderAction
    ],
    path("visits/", views.my_visits, name="my_visits"),
    path("records/", list_views.visit_list, name="visit_list"),
    path("exceptions/", list_views.exception_list, name="exception_list"),
    path("exceptions/<int:exception_id>/review/", list_views.exception_review, name="exception_review"),
    path("dispatch/", views.dispatch_board, name="dispatch"),
    path("statements/", views.statement_list, name="statement_list"),
    path("statements/<int:statement_id>/", views.statement_detail, name="statement_detail"),
    path("satisfaction/", views.satisfaction, name="satisfaction"),
    path("providers/", list_views.provider_list, name="provider_list"),
    path("providers/<int:provider_id>/", views.provider_detail, name="provider_detail"),
]
