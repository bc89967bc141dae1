"""POST /api/v1/auth/token/: a person's API token, with a code for a role that requires the
second factor (accounts.services.api_token_issue)."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.services import api_token_issue
from core.parsers import JSONObjectParser


class TokenRequestSerializer(AuthTokenSerializer):
    otp_token = serializers.CharField(
        label=_("Code from the authenticator app"),
        required=False,
        allow_blank=True,
        max_length=8,
        help_text="Required when the role requires the second factor.",
    )


class ObtainTokenView(ObtainAuthToken):
    """username and password, and `otp_token` for a role that requires the second factor."""

    serializer_class = TokenRequestSerializer
    # DRF's view names its own parsers; it gets the same JSON parser as every other view.
    parser_classes = [FormParser, MultiPartParser, JSONObjectParser]

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = api_token_issue(
            user=serializer.validated_data["user"],
            otp_token=serializer.validated_data.get("otp_token", ""),
        )
        return Response({"token": token.key})


class SecondFactorSessionScheme(SessionScheme):  # type: ignore[no-untyped-call]
    """The schema names the API's session the same as DRF's (the cookie)."""

    target_class = "api.authentication.SecondFactorSessionAuthentication"
