"""The OpenAPI schema's shared parts: the error shape on every operation, and the
``Idempotency-Key`` header on every create."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from .base import IDEMPOTENCY_HEADER, IDEMPOTENCY_KEY_MAX, IdempotentCreate


class FieldError(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class Error(serializers.Serializer):
    code = serializers.CharField(help_text="A stable code, e.g. invalid, unknown_field, not_found.")
    message = serializers.CharField(help_text="In Chinese.")
    fields = serializers.DictField(child=FieldError(many=True))


# Every operation may meet these; the writes also 400, 409 and 422.
ERRORS_ANY = (401, 403, 404, 405, 406, 429, 500)
ERRORS_WRITE = (400, 409, 415, 422)


class ApiSchema(AutoSchema):
    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method == "POST" and isinstance(self.view, IdempotentCreate):
            parameters.append(
                OpenApiParameter(
                    IDEMPOTENCY_HEADER,
                    str,
                    OpenApiParameter.HEADER,
                    required=False,
                    description=(
                        "Send the same key again to get the first answer instead of a "
                        f"duplicate (1 to {IDEMPOTENCY_KEY_MAX} characters)."
                    ),
                )
            )
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ERRORS_ANY + (ERRORS_WRITE if self.method != "GET" else (400,))
        for code in codes:
            responses.setdefault(
                str(code), self._get_response_for_code(Error, str(code), direction=direction)
            )
        return responses
