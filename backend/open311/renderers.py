"""Open311's two formats. XML is the required one: element names follow GeoReport v2."""

import re
from collections.abc import Iterable, Mapping
from typing import Any
from xml.etree import ElementTree

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request

# Characters XML 1.0 cannot carry even escaped (control characters, U+FFFE, U+FFFF): text
# typed or pasted with one must not make the whole document unreadable to a client.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# The element that wraps each member of a list, by the list's element name.
LIST_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "status_history": "entry",
    "media_urls": "media_url",
}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return NOT_XML.sub("", str(value))


def _fill(element: ElementTree.Element, value: Any) -> None:
    if isinstance(value, dict):
        for name, child in value.items():
            _fill(ElementTree.SubElement(element, name), child)
    elif isinstance(value, list):
        item = LIST_ITEMS.get(element.tag, "item")
        for child in value:
            _fill(ElementTree.SubElement(element, item), child)
    else:
        element.text = _text(value)


def to_xml(root: str, data: Any) -> bytes:
    element = ElementTree.Element(root)
    _fill(element, data)
    body = ElementTree.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode("utf-8")


class Open311XMLRenderer(BaseRenderer):
    media_type = "text/xml"
    format = "xml"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        context = renderer_context or {}
        response = context.get("response")
        view = context.get("view")
        if response is not None and response.status_code >= 400:
            root = "errors"
        else:
            root = getattr(view, "xml_root", "response")
        return to_xml(root, data)


class Open311JSONRenderer(JSONRenderer):
    format = "json"
    charset = "utf-8"


class Open311Negotiation(DefaultContentNegotiation):
    """The URL's suffix chooses the format (XML, the spec's required one, when there is none);
    the Accept header does not: `Accept: application/xml` on `.xml`, or a browser's header on
    `.json`, would otherwise be refused with 406."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        offered = list(renderers)
        chosen = next((r for r in offered if r.format == (format_suffix or "xml")), offered[0])
        return chosen, chosen.media_type
