from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    AGENT = "agent", "Call-centre agent"
    DEPARTMENT_STAFF = "department_staff", "Department staff"
    SUPERVISOR = "supervisor", "Supervisor"
    QA_REVIEWER = "qa_reviewer", "QA reviewer"
    QA_ADMIN = "qa_admin", "QA administrator"
    ADMIN = "admin", "Administrator"


class User(AbstractUser):
    """A member of city staff. Residents do not need accounts."""

    role = models.CharField(max_length=32, choices=Role.choices, blank=True)
    departments = models.ManyToManyField(
        "core.Department",
        blank=True,
        related_name="members",
        help_text="Department staff and supervisors act on requests these departments own.",
    )

    @property
    def is_city_admin(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def has_staff_role(self) -> bool:
        return self.is_superuser or self.role in Role.values

    @property
    def is_department_bound(self) -> bool:
        return self.role in (Role.DEPARTMENT_STAFF, Role.SUPERVISOR) and not self.is_superuser


class RoleSecondFactor(models.Model):
    """A role whose members confirm each sign-in with a one-time code from an authenticator
    app (TOTP). Administrators choose the roles in the admin."""

    role = models.CharField(max_length=32, choices=Role.choices, unique=True)
    required = models.BooleanField(default=True)

    class Meta:
        verbose_name = "second factor for a role"

    def __str__(self) -> str:
        state = "required" if self.required else "optional"
        return f"{self.get_role_display()}: second factor {state}"


class ApiTokenSecondFactor(models.Model):
    """An API token issued after its holder gave a code from their confirmed authenticator
    app. For a role that requires the second factor, only such a token is accepted: one issued
    with a password alone (before the role required it, or by hand) is not, and removing the
    device (an administrator resetting it) ends the tokens issued with it."""

    token = models.OneToOneField(
        "authtoken.Token", on_delete=models.CASCADE, primary_key=True, related_name="second_factor"
    )
    device = models.ForeignKey(
        "otp_totp.TOTPDevice", on_delete=models.CASCADE, related_name="api_tokens"
    )
    verified_at = models.DateTimeField()

    class Meta:
        verbose_name = "API token issued with the second factor"

    def __str__(self) -> str:
        return f"token of {self.device.user} verified {self.verified_at:%Y-%m-%d %H:%M}"
