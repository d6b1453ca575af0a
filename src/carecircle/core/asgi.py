import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carecircle.core.settings")
django.setup(set_prefix=False)  # as Django's get_asgi_application(), with our handler (core/asgi_handler.py)

from carecircle.core.asgi_handler import OneHopASGIHandler  # noqa: E402 - needs the settings configured above

application = OneHopASGIHandler()

# Modules may answer some requests before Django does (the alarm intake's fast path): each
# `carecircle.<module>.asgi` module's `wrap(app)` wraps the application.
from carecircle.core import plugins  # noqa: E402 - needs the settings configured above

for _module in plugins.optional_submodules("asgi"):
    if _module.__name__ != __name__:
        application = _module.wrap(application)
