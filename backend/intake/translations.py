"""The catalogue in the resident's language: service names, descriptions, groups and
attribute questions as the city translated them (`translations` on each), else the original."""

from typing import Any

from intake.models import Service, ServiceAttribute


def _translated(translations: Any, language: str) -> dict[str, Any]:
    if not isinstance(translations, dict):
        return {}
    found = translations.get(language)
    return found if isinstance(found, dict) else {}


def service_name(service: Service, language: str) -> str:
    return str(_translated(service.translations, language).get("name") or service.name)


def service_description(service: Service, language: str) -> str:
    text = _translated(service.translations, language).get("description")
    return str(text or service.description)


def service_group(service: Service, language: str) -> str:
    return str(_translated(service.translations, language).get("group") or service.group)


def attribute_question(attribute: ServiceAttribute, language: str) -> str:
    text = _translated(attribute.translations, language).get("description")
    return str(text or attribute.description)


def attribute_choices(attribute: ServiceAttribute, language: str) -> list[tuple[str, str]]:
    names = _translated(attribute.translations, language).get("values") or {}
    return [
        (str(v["key"]), str(names.get(str(v["key"])) or v.get("name") or v["key"]))
        for v in attribute.values
        if isinstance(v, dict) and "key" in v
    ]
