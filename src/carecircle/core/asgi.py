import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carecircle.core.settings")
application = get_asgi_application()

# Modules may answer some requests before Django does (the alarm intake's fast path): each
# `carecircle.<module>.asgi` module's `wrap(app)` wraps the application.
from carecircle.core import plugins  # noqa: E402 - needs the settings configured above

for _module in plugins.optional_submodules("asgi"):
    if _module.__name__ != __name__:
        application = _module.wrap(application)
