from django.contrib.gis.forms.widgets import OpenLayersWidget


class SelfHostedMapWidget(OpenLayersWidget):
    """Django's map widget with OpenLayers served from our own static files, not a CDN."""

    class Media:
        # Replace, not extend, the parent's media: it points at a CDN.
        extend = False
        css = {"all": ("vendor/ol-7.2.2/ol.css", "gis/css/ol3.css")}
        js = ("vendor/ol-7.2.2/ol.js", "gis/js/OLMapWidget.js")
