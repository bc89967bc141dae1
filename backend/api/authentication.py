"""How the staff API knows who is calling, without going round the second factor: a token
of a person whose role requires it counts only if it was issued with a code
(accounts.policies.api_token_usable), and a session only once it was verified with one.
(DRF imports this module while its views load: no views here, see api.tokens.)"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.request import Request

from accounts.models import User
from accounts.policies import api_token_usable, second_factor_required, token_annotations


class SecondFactorTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        # DRF's lookup, with the second-factor rule and the token's code in the same query.
        tokens = Token.objects.select_related("user").annotate(**token_annotations())
        try:
            token = tokens.get(key=key)
        except Token.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if not api_token_usable(token):
            raise exceptions.AuthenticationFailed(
                _("Your role requires the second factor: get a new token with a code (otp_token).")
            )
        return user, token


class SecondFactorSessionAuthentication(SessionAuthentication):
    """A browser signed in with a password only, in such a role, is not signed in here yet."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        found = super().authenticate(request)
        if found is None:
            return None
        user = found[0]
        verified = getattr(user, "is_verified", lambda: False)()  # django-otp's middleware
        if isinstance(user, User) and second_factor_required(user) and not verified:
            return None
        return found
