"""Map pages load Leaflet and the platform's map helper from the server itself, and learn the
basemap from the deployment's setting (CARECIRCLE_MAP_TILES: a tile service inside the network)
or, without one, the platform's own tiles: a module's `basemap.tiles()` found through
core.plugins (planning draws them from the road network and the region boundaries; core imports
no module). With neither, markers and shapes show on a plain background.

    {% load carecircle_maps %}
    {% block head %}{% map_head %}{% endblock %}
    {% block scripts %}{% map_scripts %}<script src="{% static 'module/page.js' %}"></script>{% endblock %}
"""

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString

from carecircle.core import plugins

register = template.Library()


def basemap() -> tuple[str, str, int]:
    """(tile URL template, attribution, highest zoom) of the basemap pages use; ("", "", 19): none."""
    if settings.CARECIRCLE_MAP_TILES:
        return settings.CARECIRCLE_MAP_TILES, settings.CARECIRCLE_MAP_ATTRIBUTION, 19
    for module in plugins.optional_submodules("basemap"):
        own = module.tiles()
        if own:
            return own["url"], own["attribution"], own["max_zoom"]
    return "", "", 19


@register.simple_tag
def map_head() -> SafeString:
    tiles, attribution, max_zoom = basemap()
    return format_html(
        '<link rel="stylesheet" href="{}">'
        '<meta name="carecircle-map-tiles" content="{}">'
        '<meta name="carecircle-map-attribution" content="{}">'
        '<meta name="carecircle-map-max-zoom" content="{}">',
        static("leaflet/leaflet.css"),
        tiles,
        attribution,
        max_zoom,
    )


@register.simple_tag
def map_scripts() -> SafeString:
    return format_html(
        '<script src="{}"></script><script src="{}"></script>',
        static("leaflet/leaflet.js"),
        static("carecircle/maps.js"),
    )
