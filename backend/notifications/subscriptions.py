"""Webhook subscriptions of Open311 clients: adding, changing, revoking and deleting one, each
recorded in the audit trail (who, when, before and after; the signing secret only as a
digest). Interfaces (the admin) call these instead of saving the model themselves."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from accounts.models import User
from audit.services import (
    Snapshot,
    audit_record_change,
    audit_record_deletions,
    audit_snapshot,
)
from core.errors import InvalidInput
from notifications.models import WebhookSubscription


def _checked(subscription: WebhookSubscription) -> None:
    if not subscription.name.strip():
        raise InvalidInput.field("name", "Name the client the subscription is for.")
    try:
        URLValidator(schemes=["https", "http"])(subscription.url)
    except ValidationError as error:
        raise InvalidInput.field("url", "Give an http(s) URL.") from error
    if not subscription.secret:
        raise InvalidInput.field("secret", "Give a secret to sign the deliveries with.")


def _save(
    subscription: WebhookSubscription,
    *,
    before: Snapshot | None,
    actor: User | None,
    source: str,
    fields: Sequence[str] | None = None,
) -> WebhookSubscription:
    _checked(subscription)
    subscription.save(update_fields=fields)
    audit_record_change(
        actor=actor,
        source=source,
        instance=subscription,
        before=before,
        after=audit_snapshot(subscription),
    )
    return subscription


def _stored(subscription: WebhookSubscription) -> Snapshot:
    return audit_snapshot(WebhookSubscription.objects.select_for_update().get(pk=subscription.pk))


@transaction.atomic
def webhook_subscription_create(
    *,
    name: str,
    url: str,
    secret: str,
    service_codes: Sequence[str] = (),
    actor: User | None,
    source: str,
) -> WebhookSubscription:
    subscription = WebhookSubscription(
        name=name.strip(), url=url, secret=secret, service_codes=list(service_codes)
    )
    return _save(subscription, before=None, actor=actor, source=source)


@transaction.atomic
def webhook_subscription_change(
    *, subscription: WebhookSubscription, actor: User | None, source: str
) -> WebhookSubscription:
    """Saves the fields already set on `subscription` (an edit form's), against the stored row."""
    before = _stored(subscription)
    return _save(subscription, before=before, actor=actor, source=source)


@transaction.atomic
def webhook_subscription_revoke(
    *, subscription: WebhookSubscription, actor: User | None, source: str
) -> WebhookSubscription:
    """No more deliveries to it; the record stays, so its history does."""
    before = _stored(subscription)
    subscription.is_active = False
    return _save(subscription, before=before, actor=actor, source=source, fields=["is_active"])


@transaction.atomic
def webhook_subscription_delete(
    *, subscription: WebhookSubscription, actor: User | None, source: str
) -> None:
    audit_record_deletions(actor=actor, source=source, instances=[subscription])
    subscription.delete()
