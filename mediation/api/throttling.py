"""One calling system's burst is slowed down: a rate per token, counted in the cache.

The rate is ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["api_token"]`` (the environment's
``MEDIATION_API_RATE``), read on each call so that a test may set it low.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    scope = "api_token"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None  # refused anyway: no token, no call
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
