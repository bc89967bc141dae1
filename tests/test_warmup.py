"""A served process loads its views and compiles the web pages' templates at start-up
(civic311.warmup, run by the WSGI module), not on its first visitor's request."""

from django.template import engines
from django.template.loaders.cached import Loader

from civic311.warmup import WEB_TEMPLATES, warm_up


def test_warm_up_compiles_every_web_page_template_into_the_cached_loader() -> None:
    loader = engines["django"].engine.template_loaders[0]  # type: ignore[attr-defined]
    assert isinstance(loader, Loader)
    loader.reset()
    warm_up()
    compiled = loader.get_template_cache
    for name in ("staff/requests/request.html", "staff/queues/queue.html", "staff/calls/desk.html"):
        assert (WEB_TEMPLATES / name).exists()
        assert name in compiled
