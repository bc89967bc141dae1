from typing import Any

from django.contrib.gis.forms.widgets import OpenLayersWidget


class SelfHostedMapWidget(OpenLayersWidget):
    """Django's map widget with OpenLayers served from our own static files, not a CDN, and
    started by a static script instead of an inline one (Content-Security-Policy)."""

    template_name = "core/map_widget.html"

    class Media:
        # Replace, not extend, the parent's media: it points at a CDN.
        extend = False
        css = {"all": ("vendor/ol-7.2.2/ol.css", "gis/css/ol3.css")}
        js = ("vendor/ol-7.2.2/ol.js", "gis/js/OLMapWidget.js", "core/js/map-widget.js")

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(name, value, attrs)
        context["map_options_id"] = f"{context['id']}_options"
        context["map_options"] = {
            "geom_name": context["geom_type"],
            "id": context["id"],
            "map_id": f"{context['id']}_map",
            "map_srid": context["map_srid"],
            "name": context["name"],
            "module": context["module"],
        }
        return context
