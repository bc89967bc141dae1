from typing import Any

import factory
from django.contrib.gis.geos import Point

from accounts.models import Role, User
from core.models import Department, WorkUnit
from intake.models import Channel, Service, ServiceRequest
from intake.services import service_request_create


class DepartmentFactory(factory.django.DjangoModelFactory[Department]):
    class Meta:
        model = Department
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"department-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())
    public_name = factory.LazyAttribute(lambda o: o.name)


class WorkUnitFactory(factory.django.DjangoModelFactory[WorkUnit]):
    class Meta:
        model = WorkUnit

    department = factory.SubFactory(DepartmentFactory)
    slug = factory.Sequence(lambda n: f"unit-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.title())


class ServiceFactory(factory.django.DjangoModelFactory[Service]):
    class Meta:
        model = Service
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"service-{n}")
    name = factory.LazyAttribute(lambda o: o.code.replace("-", " ").capitalize())
    group = "Streets"
    default_department = factory.SubFactory(DepartmentFactory)
    target_value = 5
    target_unit = "working_days"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.AGENT
    password = "pw"

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        departments = kwargs.pop("departments", None) or []
        user = model_class.objects.create_user(*args, **kwargs)
        user.departments.set(departments)
        return user


def make_request(service: Service, **overrides: Any) -> ServiceRequest:
    """A request taken through the real intake service, as every channel does."""
    values: dict[str, Any] = {
        "service": service,
        "channel": Channel.WEB,
        "description": "Deep pothole in the right lane",
        "location": Point(-89.40, 43.07, srid=4326),
        "address": "100 Main St",
    }
    values.update(overrides)
    return service_request_create(**values)
