"""Map pages load Leaflet and the platform's map helper from the server itself, and learn the
basemap from the deployment's setting (CARECIRCLE_MAP_TILES; none: markers on a plain background).

    {% load carecircle_maps %}
    {% block head %}{% map_head %}{% endblock %}
    {% block scripts %}{% map_scripts %}<script src="{% static 'module/page.js' %}"></script>{% endblock %}
"""

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def map_head() -> SafeString:
    return format_html(
        '<link rel="stylesheet" href="{}">'
        '<meta name="carecircle-map-tiles" content="{}">'
        '<meta name="carecircle-map-attribution" content="{}">',
        static("leaflet/leaflet.css"),
        settings.CARECIRCLE_MAP_TILES,
        settings.CARECIRCLE_MAP_ATTRIBUTION,
    )


@register.simple_tag
def map_scripts() -> SafeString:
    return format_html(
        '<script src="{}"></script><script src="{}"></script>',
        static("leaflet/leaflet.js"),
        static("carecircle/maps.js"),
    )
