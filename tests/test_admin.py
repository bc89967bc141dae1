"""Every model has an admin page that opens, with the demo city loaded."""

from io import StringIO

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client

from accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client: Client) -> Client:
    call_command("load_demo_city", "--requests", "20", stdout=StringIO(), verbosity=0)
    user = User.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(user)
    return client


def test_every_registered_model_has_a_working_changelist_and_change_page(
    superuser_client: Client,
) -> None:
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        url = f"/admin/{meta.app_label}/{meta.model_name}/"
        response = superuser_client.get(url)
        assert response.status_code == 200, url
        first = model_admin.get_queryset(response.wsgi_request).first()
        if first is not None:
            page = superuser_client.get(f"{url}{first.pk}/change/")
            assert page.status_code == 200, f"{url}{first.pk}/change/"


def test_area_pages_use_the_self_hosted_map(superuser_client: Client) -> None:
    from core.models import Area

    area = Area.objects.first()
    assert area is not None
    html = superuser_client.get(f"/admin/core/area/{area.pk}/change/").content.decode()
    assert "vendor/ol-7.2.2/ol.js" in html
    assert "cdn" not in html.lower()
