"""The browsable API without the <style> block DRF writes when Pygments is installed: the
Content-Security-Policy allows no inline style (issue 13)."""

from collections.abc import Mapping
from typing import Any

from rest_framework.renderers import BrowsableAPIRenderer


class StrictBrowsableAPIRenderer(BrowsableAPIRenderer):
    def get_context(
        self, data: Any, accepted_media_type: str | None, renderer_context: Mapping[str, Any]
    ) -> dict[str, Any]:
        context = super().get_context(data, accepted_media_type, renderer_context)
        context["code_style"] = None
        return context
