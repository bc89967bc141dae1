"""Filters for the residents' pages."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def unbroken(reference: object) -> SafeString:
    """A reference number that never breaks at its hyphen, even inside translated text."""
    return format_html('<span class="unbroken">{}</span>', reference)
