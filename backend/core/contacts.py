"""Residents' contact details, checked and written one way: email addresses validated, phone
numbers in E.164 (+16085550100). Intake, followers and the staff console's caller lookup
("in any format") all go through these, so a number matches however it was typed."""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from core.errors import InvalidInput

MAX_EMAIL = 254
MAX_PHONE_INPUT = 40


def email_clean(raw: str) -> str:
    """The address, trimmed, or "" for none; anything that is not an address is refused."""
    email = raw.strip()
    if not email:
        return ""
    if len(email) > MAX_EMAIL:
        raise InvalidInput.field("email", f"At most {MAX_EMAIL} characters.")
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput.field("email", "Give a valid email address.") from None
    return email


def phone_normalise(raw: str, *, region: str | None = None) -> str:
    """The number in E.164, or "" for none. National numbers are read in the city's region
    (`CIVIC311_PHONE_REGION`); a number that cannot be dialled is refused."""
    text = raw.strip()
    if not text:
        return ""
    message = "Give a phone number with its area code, or with + and the country code."
    if len(text) > MAX_PHONE_INPUT:
        raise InvalidInput.field("phone", message)
    try:
        number = phonenumbers.parse(text, region or settings.CIVIC311_PHONE_REGION)
    except phonenumbers.NumberParseException:
        raise InvalidInput.field("phone", message) from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidInput.field("phone", message)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(stored: str) -> str:
    """A stored number as staff read it out: national form for the city's own region
    ("(608) 555-0100"), international form for any other; as stored when it cannot be read."""
    if not stored:
        return ""
    try:
        number = phonenumbers.parse(stored, settings.CIVIC311_PHONE_REGION)
    except phonenumbers.NumberParseException:
        return stored
    home = phonenumbers.region_code_for_number(number) == settings.CIVIC311_PHONE_REGION
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if home
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)
