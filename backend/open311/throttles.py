"""Rate limits: per API key for clients that send one, per address for anonymous callers."""

from typing import Any

from rest_framework.request import Request

from core.throttles import CountingRateThrottle
from open311.services import api_key_find


class Open311ClientThrottle(CountingRateThrottle):
    def get_rate(self) -> str | None:
        return None  # chosen per request in allow_request

    def allow_request(self, request: Request, view: Any) -> bool:
        key = ""
        if request.method == "POST":
            data = request.data
            key = str(data.get("api_key", "") or "") if hasattr(data, "get") else ""
        key = key or request.query_params.get("api_key", "")
        api_key = api_key_find(key) if key else None
        # The view needs the same key: look it up once per call.
        request.open311_api_key = api_key  # type: ignore[attr-defined]
        if api_key is not None:
            self.scope = "open311_key_write" if request.method == "POST" else "open311_key_read"
            self.ident = f"key-{api_key.pk}"
        else:
            self.scope = "open311_anon_write" if request.method == "POST" else "open311_anon_read"
            self.ident = f"ip-{self.get_ident(request)}"
        self.rate = self.THROTTLE_RATES[self.scope]
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.ident}
