from collections.abc import Callable

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import Role, User
from core.models import Department
from intake.models import Service
from tests.factories import DepartmentFactory, ServiceFactory, UserFactory


@pytest.fixture
def triage(db: None) -> Department:
    return DepartmentFactory.create(slug="contact-centre", name="311 Contact Centre")


@pytest.fixture
def streets(db: None) -> Department:
    return DepartmentFactory.create(slug="streets", name="Streets and Roads")


@pytest.fixture
def sanitation(db: None) -> Department:
    return DepartmentFactory.create(slug="sanitation", name="Sanitation")


@pytest.fixture
def pothole(streets: Department, triage: Department) -> Service:
    return ServiceFactory.create(code="pothole", name="Pothole", default_department=streets)


@pytest.fixture
def missed_trash(sanitation: Department, triage: Department) -> Service:
    return ServiceFactory.create(
        code="missed-trash",
        name="Missed trash pickup",
        group="Sanitation",
        default_department=sanitation,
    )


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(role: str, departments: list[Department] | None = None) -> User:
        return UserFactory.create(role=role, departments=departments or [])

    return make


@pytest.fixture
def admin_user(make_user: Callable[..., User]) -> User:
    return make_user(Role.ADMIN)


@pytest.fixture
def streets_staff(make_user: Callable[..., User], streets: Department) -> User:
    return make_user(Role.DEPARTMENT_STAFF, [streets])


@pytest.fixture
def client_for() -> Callable[[User | None], APIClient]:
    def make(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Throttle counters and idempotency keys live in Redis: no test inherits another's."""
    cache.clear()
