"""The catalogue as residents see it: in their language, searchable, grouped, and each
service's questions as form fields."""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from frontend.residents.forms import ATTRIBUTE_PREFIX
from intake.models import AttributeDatatype, Service, ServiceAttribute
from intake.selectors import active_services
from intake.translations import (
    attribute_choices,
    attribute_question,
    service_description,
    service_group,
    service_name,
)
from routing_adapter.selectors import service_suggestions


@dataclass(frozen=True)
class ServiceCard:
    code: str
    name: str
    description: str
    group: str


def language() -> str:
    return (get_language() or "en").split("-")[0]


def card(service: Service) -> ServiceCard:
    lang = language()
    return ServiceCard(
        code=service.code,
        name=service_name(service, lang),
        description=service_description(service, lang),
        group=service_group(service, lang),
    )


def services_grouped(query: str = "") -> list[tuple[str, list[ServiceCard]]]:
    """Every active service (or those matching the search: name, synonyms, description, in
    either language), grouped by category, licences and permits included."""
    words = query.lower().split()
    groups: dict[str, list[ServiceCard]] = {}
    catch_all: set[str] = set()
    for service in active_services():
        shown = card(service)
        haystack = " ".join(
            [shown.name, shown.description, service.name, service.description, *service.keywords]
        ).lower()
        if all(word in haystack for word in words):
            groups.setdefault(shown.group, []).append(shown)
            if service.group == settings.CIVIC311_CATCH_ALL_GROUP:
                catch_all.add(shown.group)
    # By name in the page's language, the catch-all last.
    return sorted(groups.items(), key=lambda group: (group[0] in catch_all, group[0]))


def services_suggested(description: str) -> list[ServiceCard]:
    """The routing classifier's top three for the resident's own words."""
    codes = [s["service"] for s in service_suggestions(description=description)]
    services = {s.code: s for s in Service.objects.filter(code__in=codes, is_active=True)}
    return [card(services[code]) for code in codes if code in services]


def _field(attribute: ServiceAttribute, lang: str) -> forms.Field:
    label = attribute_question(attribute, lang)
    # No validation here: the intake command checks answers with the Open311 rules.
    hint = attribute.datatype_description
    datatype = attribute.datatype
    if datatype in (AttributeDatatype.SINGLEVALUELIST, AttributeDatatype.MULTIVALUELIST):
        choices = attribute_choices(attribute, lang)
        kind = (
            forms.RadioSelect
            if datatype == AttributeDatatype.SINGLEVALUELIST
            else forms.CheckboxSelectMultiple
        )
        return forms.Field(
            label=label, required=False, help_text=hint, widget=kind(choices=choices)
        )
    if datatype == AttributeDatatype.NUMBER:
        widget: forms.Widget = forms.TextInput(attrs={"inputmode": "decimal"})
    elif datatype == AttributeDatatype.DATETIME:
        widget = forms.DateTimeInput(attrs={"type": "datetime-local"})
    elif datatype == AttributeDatatype.TEXT:
        widget = forms.Textarea(attrs={"rows": 3})
    else:
        widget = forms.TextInput()
    return forms.CharField(label=label, required=False, help_text=hint, widget=widget)


def attribute_fields(service: Service) -> dict[str, forms.Field]:
    lang = language()
    fields: dict[str, forms.Field] = {}
    for attribute in service.attributes.all():
        if attribute.variable:
            field = _field(attribute, lang)
            field.required_mark = attribute.required  # type: ignore[attr-defined]
            fields[ATTRIBUTE_PREFIX + attribute.code] = field
    return fields


REQUIRED_TEXT = _("required")
