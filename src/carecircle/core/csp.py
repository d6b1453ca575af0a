"""The Content-Security-Policy of every response (django-csp's CSPMiddleware sends it).

Pages load scripts only as files from the platform's own server (`script-src 'self'`: no inline
`<script>`, no `onclick=`, no `javascript:` URLs, no eval); data reaches scripts as JSON data blocks
(`json_script`) or data attributes. Images from the server, `data:` URLs (Leaflet's icons) and the
origin of the map tile service the deployment names (CARECIRCLE_MAP_TILES), nothing else.
Styles keep 'unsafe-inline': templates use style attributes and the server-drawn SVG charts carry
presentation attributes; a style cannot run code.
"""

from urllib.parse import urlsplit

from csp.constants import NONE, SELF, UNSAFE_INLINE


def tile_origin(template: str) -> str | None:
    """The origin (scheme://host[:port]) of an absolute tile URL template; None when relative or empty."""
    parts = urlsplit(template or "")
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None


def content_security_policy(map_tiles: str = "") -> dict[str, list[str]]:
    images = [SELF, "data:"]
    origin = tile_origin(map_tiles)
    if origin:
        images.append(origin)
    return {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": images,
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
