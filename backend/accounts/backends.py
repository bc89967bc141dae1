"""Loading the signed-in person for each request."""

from typing import Any

from django.contrib.auth.backends import ModelBackend

from accounts.models import User
from accounts.policies import second_factor_annotations


class StaffBackend(ModelBackend):
    """Django's password backend; the session's user comes with the answer to "does their role
    require the second factor?" in the same query, which every staff page and API call asks."""

    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User.objects.annotate(**second_factor_annotations()).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
