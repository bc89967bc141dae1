"""How a message leaves the city: email, SMS, webhooks. Each says whether a failure is
worth retrying (TransientDeliveryError) or not (PermanentDeliveryError)."""

import hashlib
import hmac
import json
import logging
import smtplib
from pathlib import Path
from typing import Protocol

import requests
from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from notifications.models import Channel, OutboxMessage, WebhookSubscription

logger = logging.getLogger(__name__)


class TransientDeliveryError(Exception):
    """Worth trying again later: a timeout, a busy server, a 4xx SMTP reply, HTTP 429/5xx."""


class PermanentDeliveryError(Exception):
    """Trying again will not help: a refused address, a rejected number, HTTP 4xx."""


class Transport(Protocol):
    def send(self, message: OutboxMessage) -> str:
        """Deliver, returning the provider's reference; raise a DeliveryError otherwise."""
        ...


class EmailTransport:
    """Through Django's email backend: SMTP locally or an Anymail provider in production."""

    def send(self, message: OutboxMessage) -> str:
        reference = f"<{message.key}@{settings.CIVIC311_EMAIL_DOMAIN}>"
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
            # The same Message-ID on a repeat lets the receiving side drop a duplicate.
            headers={"Message-ID": reference}
            | ({"X-Civic311-Request": message.request.public_id} if message.request else {}),
        )
        try:
            email.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentDeliveryError(f"address refused: {exc}") from exc
        except smtplib.SMTPResponseException as exc:
            if 400 <= exc.smtp_code < 500:
                raise TransientDeliveryError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
            raise PermanentDeliveryError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TransientDeliveryError(f"{type(exc).__name__}: {exc}") from exc
        return reference


class ConsoleSmsTransport:
    """For local use: texts are written to the log and, if set, appended to a file."""

    def send(self, message: OutboxMessage) -> str:
        line = json.dumps(
            {
                "at": timezone.now().isoformat(),
                "to": message.recipient,
                "body": message.body,
                "key": str(message.key),
            },
            ensure_ascii=False,
        )
        logger.info("sms %s", line)
        if settings.CIVIC311_SMS_FILE:
            with Path(settings.CIVIC311_SMS_FILE).open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        return f"console:{message.key}"


class TwilioSmsTransport:
    """Twilio's Messages API: a real provider, configured by TWILIO_* settings."""

    def send(self, message: OutboxMessage) -> str:
        account = settings.TWILIO_ACCOUNT_SID
        url = f"https://api.twilio.com/2010-04-01/Accounts/{account}/Messages.json"
        try:
            response = requests.post(
                url,
                data={
                    "To": message.recipient,
                    "From": settings.TWILIO_FROM_NUMBER,
                    "Body": message.body,
                },
                auth=(account, settings.TWILIO_AUTH_TOKEN),
                timeout=10,
            )
        except requests.RequestException as exc:
            raise TransientDeliveryError(f"{type(exc).__name__}: {exc}") from exc
        return _http_outcome(response, reference_field="sid")


class WebhookTransport:
    """POST the update as JSON, signed with the subscriber's secret."""

    def send(self, message: OutboxMessage) -> str:
        subscription = WebhookSubscription.objects.get(pk=int(message.recipient.split(":", 1)[0]))
        body = message.body.encode()
        signature = hmac.new(subscription.secret.encode(), body, hashlib.sha256).hexdigest()
        try:
            response = requests.post(
                subscription.url,
                data=body,
                headers={
                    "Content-Type": "application/json",
                    "Idempotency-Key": str(message.key),
                    "X-Civic311-Signature": f"sha256={signature}",
                },
                timeout=10,
            )
        except requests.RequestException as exc:
            raise TransientDeliveryError(f"{type(exc).__name__}: {exc}") from exc
        return _http_outcome(response, reference_field=None)


def _http_outcome(response: requests.Response, *, reference_field: str | None) -> str:
    if response.status_code == 429 or response.status_code >= 500:
        raise TransientDeliveryError(f"HTTP {response.status_code}")
    if response.status_code >= 400:
        raise PermanentDeliveryError(f"HTTP {response.status_code}: {response.text[:200]}")
    if reference_field:
        try:
            return str(response.json().get(reference_field, ""))
        except ValueError:
            return ""
    return f"HTTP {response.status_code}"


def transport_for(channel: str) -> Transport:
    if channel == Channel.EMAIL:
        return EmailTransport()
    if channel == Channel.SMS:
        if settings.CIVIC311_SMS_TRANSPORT == "twilio":
            return TwilioSmsTransport()
        return ConsoleSmsTransport()
    if channel == Channel.WEBHOOK:
        return WebhookTransport()
    raise PermanentDeliveryError(f"no transport for channel {channel!r}")
