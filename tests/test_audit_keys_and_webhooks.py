"""Open311 API keys and webhook subscriptions are audited (issue 15): issuing, changing,
revoking and deleting each is recorded by its service, with who and before/after (secrets only
as a digest), and shows in the person's audit trail."""

from collections.abc import Callable

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Role, User
from audit.models import AuditAction, AuditRecord, AuditSource
from core.errors import InvalidInput
from notifications.models import WebhookSubscription
from notifications.subscriptions import (
    webhook_subscription_change,
    webhook_subscription_create,
    webhook_subscription_revoke,
)
from open311.models import ApiKey
from open311.services import api_key_change, api_key_issue, api_key_revoke

pytestmark = pytest.mark.django_db


def _records(model: type[models.Model], pk: int) -> list[AuditRecord]:
    kind = ContentType.objects.get_for_model(model)
    return list(
        AuditRecord.objects.filter(target_type=kind, target_id=str(pk)).order_by("at", "id")
    )


def test_an_api_key_issued_changed_and_revoked_is_recorded_without_its_secret() -> None:
    admin = User.objects.create_user(username="keeper", role=Role.ADMIN)
    issued = api_key_issue(name="Riverton app", actor=admin, source=AuditSource.STAFF)
    api_key_change(
        api_key=issued.api_key,
        name="Riverton app",
        contact="apps@example.org",
        actor=admin,
        source=AuditSource.STAFF,
    )
    api_key_revoke(api_key=issued.api_key, actor=admin, source=AuditSource.STAFF)
    created, changed, revoked = _records(ApiKey, issued.api_key.pk)
    assert [r.action for r in (created, changed, revoked)] == [
        AuditAction.CREATED,
        AuditAction.CHANGED,
        AuditAction.CHANGED,
    ]
    assert {r.actor for r in (created, changed, revoked)} == {admin}
    assert changed.changes == {"contact": {"before": "", "after": "apps@example.org"}}
    assert revoked.changes["is_active"] == {"before": True, "after": False}
    assert issued.key not in str(created.changes)
    assert str(created.changes["key_hash"]["after"]).startswith("hidden, sha256 ")


def test_a_key_issued_by_the_command_is_recorded_without_a_person() -> None:
    issued = api_key_issue(name="Civic tool")
    (record,) = _records(ApiKey, issued.api_key.pk)
    assert (record.actor, record.source) == (None, AuditSource.COMMAND)


def test_webhook_subscriptions_are_recorded_and_bad_ones_refused() -> None:
    admin = User.objects.create_user(username="hooks", role=Role.ADMIN)
    with pytest.raises(InvalidInput) as bad:
        webhook_subscription_create(
            name="App", url="ftp://x", secret="s", actor=admin, source=AuditSource.STAFF
        )
    assert "url" in bad.value.errors
    subscription = webhook_subscription_create(
        name="App",
        url="https://app.example.org/hook",
        secret="first-secret",
        actor=admin,
        source=AuditSource.STAFF,
    )
    subscription.secret = "second-secret"
    webhook_subscription_change(subscription=subscription, actor=admin, source=AuditSource.STAFF)
    webhook_subscription_revoke(subscription=subscription, actor=admin, source=AuditSource.STAFF)
    created, changed, revoked = _records(WebhookSubscription, subscription.pk)
    assert created.action == AuditAction.CREATED
    assert set(changed.changes) == {"secret"}
    assert "second-secret" not in str(changed.changes)
    assert revoked.changes == {"is_active": {"before": True, "after": False}}


def test_the_admin_pages_write_through_the_services_and_the_trail_shows_it(
    client_for: Callable[[User | None], APIClient],
) -> None:
    admin = User.objects.create_superuser(username="root", role=Role.ADMIN)
    browser = Client()
    browser.force_login(admin)
    added = browser.post("/admin/open311/apikey/add/", {"name": "Kiosk", "contact": ""})
    assert added.status_code == 302, added.content.decode()[:2000]
    api_key = ApiKey.objects.get(name="Kiosk")
    revoked = browser.post(
        "/admin/open311/apikey/",
        {"action": "revoke", "_selected_action": [api_key.pk]},
    )
    assert revoked.status_code == 302
    hook = browser.post(
        "/admin/notifications/webhooksubscription/add/",
        {
            "name": "App",
            "url": "https://app.example.org/hook",
            "secret": "s3",
            "service_codes": "[]",
        },
    )
    assert hook.status_code == 302, hook.content.decode()[:2000]
    subscription = WebhookSubscription.objects.get(name="App")
    deleted = browser.post(
        f"/admin/notifications/webhooksubscription/{subscription.pk}/delete/", {"post": "yes"}
    )
    assert deleted.status_code == 302
    entries = client_for(admin).get("/api/v1/audit/users/root/").json()
    assert [(e["origin"], e["action"]) for e in entries] == [
        ("admin", "Deleted webhook subscription"),
        ("admin", "Created webhook subscription"),
        ("admin", "Changed API key"),
        ("admin", "Created API key"),
    ]
