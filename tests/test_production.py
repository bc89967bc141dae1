"""Production settings really serve pages: collectstatic succeeds and every page type renders.

Each check runs `manage.py` in a child process with CIVIC311_ENV=production (settings are read
once per process), against this test run's database.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from accounts.models import Role
from tests.factories import UserFactory

REPO = Path(__file__).resolve().parent.parent

# Every page type: public HTML, a 404, the admin (logged out and in), Swagger UI, the schema,
# Open311 in both formats and the health checks.
PAGES_SCRIPT = """
import json, sys
from django.test import Client
from accounts.models import User
anonymous, admin = Client(), Client()
admin.force_login(User.objects.get(username=sys.argv[1]))
pages = [
    (anonymous, "/", 200),
    (anonymous, "/survey/no-such-token/", 404),
    (anonymous, "/no-such-page/", 404),
    (anonymous, "/admin/login/", 200),
    (admin, "/admin/", 200),
    (admin, "/admin/core/department/", 200),
    (admin, "/admin/core/department/add/", 200),
    (admin, "/admin/core/area/add/", 200),
    (admin, "/api/v1/", 200),
    (anonymous, "/api/docs/", 200),
    (anonymous, "/api/schema/", 200),
    (anonymous, "/open311/v2/discovery.xml", 200),
    (anonymous, "/open311/v2/services.json", 200),
    (anonymous, "/healthz", 200),
    (anonymous, "/healthz/live", 200),
]
found = {}
for client, path, expected in pages:
    response = client.get(path, secure=True, HTTP_HOST="311.example.org")
    found[path] = [response.status_code, expected]
print(json.dumps(found))
"""


def _production_env(static_root: Path) -> dict[str, str]:
    db = connection.settings_dict
    url = f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return {
        **os.environ,
        "CIVIC311_ENV": "production",
        "DJANGO_SECRET_KEY": "production-test-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "311.example.org",
        "DJANGO_STATIC_ROOT": str(static_root),
        "DATABASE_URL": url,
        "PYTHONPATH": f"{REPO / 'backend'}:{REPO}",
    }


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "manage.py"), *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_collectstatic_succeeds_and_every_page_type_renders_in_production(
    tmp_path: Path,
) -> None:
    admin = UserFactory.create(role=Role.ADMIN, is_staff=True, is_superuser=True)
    env = _production_env(tmp_path / "static")

    collected = _manage(env, "collectstatic", "--no-input", "-v", "0")
    assert collected.returncode == 0, collected.stderr[-2000:]
    assert (tmp_path / "static" / "staticfiles.json").exists()

    script = PAGES_SCRIPT.replace("sys.argv[1]", repr(admin.username))
    rendered = _manage(env, "shell", "-c", script)
    assert rendered.returncode == 0, rendered.stderr[-3000:]
    found = json.loads(rendered.stdout.strip().splitlines()[-1])
    wrong = {path: pair for path, pair in found.items() if pair[0] != pair[1]}
    assert wrong == {}, rendered.stderr[-3000:]
