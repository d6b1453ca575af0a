"""{% load portal_elder %} {% elder_mode as elder %}: whether this page is drawn in 长辈模式
(portal/elder.py), for the resident base template and the includes that other pages use."""

from django import template

from carecircle.portal import elder

register = template.Library()


@register.simple_tag(takes_context=True)
def elder_mode(context: template.Context) -> bool:
    request = context.get("request")
    return bool(request is not None and elder.elder_mode(request))
