"""What a served process loads before its first request, so the first visitor does not wait
for it (about 2 s before): every view module (the URLs), the web pages' templates compiled
into the cached loader, the cache's client and the translation catalogues. Nothing here
touches the database, so it runs at import of the WSGI module: in gunicorn's master before
the workers fork (they share it), and in any other server once at start. It costs what the
first request paid, once, at start-up (about 0.1 s of it for the templates)."""

from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.template.loader import get_template
from django.urls import get_resolver
from django.utils import translation

WEB_TEMPLATES = Path(__file__).resolve().parents[2] / "frontend" / "templates"


def warm_up() -> None:
    get_resolver().url_patterns  # noqa: B018  (imports every view module)
    for path in sorted(WEB_TEMPLATES.rglob("*.html")):
        get_template(path.relative_to(WEB_TEMPLATES).as_posix())
    caches["default"]  # its backend's modules; connections open on first use
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translation.gettext("Staff console")
