"""Every error of the API as one JSON shape, with a stable code and a Chinese message:

    {"code": "invalid", "message": "……",
     "fields": {"amount": [{"code": "amount_negative", "message": "……"}]}}

``fields`` names each wrong input by its path (``parties.0.id_number``), with the
reason's own stable code. A service's refusal that names no field (a step not possible
in the referral's state) is 422 ``refused``. An unexpected error is logged and answered
500 ``server_error``, never a page of HTML.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response

logger = logging.getLogger("mediation.api")

API_LANGUAGE = "zh-hans"
UNKNOWN_FIELD = "unknown_field"
NON_FIELD = "non_field_errors"


def _messages():
    """The message of each stable code (a function: translated when called)."""
    return {
        "invalid": _("The request has errors; see the fields."),
        UNKNOWN_FIELD: _("The request has fields this API does not know; see the fields."),
        "malformed_request": _("The request body is not valid JSON."),
        "not_authenticated": _("Send a token: Authorization: Bearer <token>."),
        "authentication_failed": _("The token was not accepted."),
        "forbidden": _("Your organisation may not do this."),
        "not_found": _("Not found, or not visible to your organisation."),
        "method_not_allowed": _("This method is not allowed here."),
        "not_acceptable": _("This API answers in JSON only."),
        "unsupported_media_type": _("Send the request body as JSON."),
        "rate_limited": _("Too many requests from this token; try again in %(seconds)s seconds."),
        "refused": _("The request was refused."),
        "conflict": _("The request conflicts with the record's current state."),
        "server_error": _("An error on the server; it has been logged."),
    }


def message_for(code: str, **params) -> str:
    text = _messages().get(code) or _messages()["invalid"]
    return text % params if params else text


def error_body(code: str, message: str = "", fields: dict | None = None) -> dict:
    return {"code": code, "message": message or message_for(code), "fields": fields or {}}


def _flatten(detail, path: str, into: dict) -> None:
    """DRF's nested error detail as ``{"a.0.b": [{"code", "message"}]}``."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            _flatten(value, f"{path}.{key}" if path else str(key), into)
    elif isinstance(detail, list):
        if all(isinstance(item, str) for item in detail):
            for item in detail:
                _flatten(item, path, into)
        else:
            for index, item in enumerate(detail):
                if item:
                    _flatten(item, f"{path}.{index}" if path else str(index), into)
    else:
        code = getattr(detail, "code", None) or "invalid"
        into.setdefault(path or NON_FIELD, []).append({"code": code, "message": str(detail)})


def _django_fields(exc: DjangoValidationError) -> dict:
    fields: dict = {}
    if not hasattr(exc, "error_dict"):
        return fields
    for key, errors in exc.error_dict.items():
        name = NON_FIELD if key == "__all__" else key
        for error in errors:
            for message in error.messages:
                fields.setdefault(name, []).append(
                    {"code": error.code or "invalid", "message": str(message)}
                )
    return fields


def validation_response(fields: dict) -> Response:
    unknown = any(e["code"] == UNKNOWN_FIELD for errors in fields.values() for e in errors)
    code = UNKNOWN_FIELD if unknown else "invalid"
    return Response(error_body(code, fields=fields), status=status.HTTP_400_BAD_REQUEST)


def service_refusal(exc: DjangoValidationError) -> Response:
    """A service's ``ValidationError``: by field, a 400; naming no field, a 422."""
    fields = _django_fields(exc)
    if fields and set(fields) != {NON_FIELD}:
        return validation_response(fields)
    messages = [str(message) for message in exc.messages]
    return Response(
        error_body("refused", "；".join(messages) or message_for("refused")),
        status=status.HTTP_422_UNPROCESSABLE_ENTITY,
    )


_CODES = (
    (exceptions.NotAuthenticated, "not_authenticated"),
    (exceptions.AuthenticationFailed, "authentication_failed"),
    (exceptions.PermissionDenied, "forbidden"),
    (exceptions.NotFound, "not_found"),
    (exceptions.MethodNotAllowed, "method_not_allowed"),
    (exceptions.NotAcceptable, "not_acceptable"),
    (exceptions.UnsupportedMediaType, "unsupported_media_type"),
    (exceptions.ParseError, "malformed_request"),
)


def exception_handler(exc, context):
    """DRF's ``EXCEPTION_HANDLER``: every exception of an API view becomes the JSON above."""
    if isinstance(exc, DjangoValidationError):
        return service_refusal(exc)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args[:1])
    if isinstance(exc, exceptions.ValidationError):
        fields: dict = {}
        _flatten(exc.detail, "", fields)
        return validation_response(fields)
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait or 1)
        response = Response(
            error_body("rate_limited", message_for("rate_limited", seconds=wait)),
            status=status.HTTP_429_TOO_MANY_REQUESTS,
        )
        response["Retry-After"] = str(wait)
        return response
    if isinstance(exc, exceptions.APIException):
        code = next((code for kind, code in _CODES if isinstance(exc, kind)), None)
        message = ""
        if isinstance(exc, exceptions.AuthenticationFailed | exceptions.PermissionDenied):
            # Our own refusals carry their own message and code (a revoked token, the
            # wrong kind of organisation); DRF's defaults get the table's.
            codes = exc.get_codes()
            if isinstance(codes, str) and codes not in (
                exceptions.AuthenticationFailed.default_code,
                exceptions.PermissionDenied.default_code,
            ):
                code, message = codes, str(exc.detail)
        if code is None:
            code = exc.get_codes() if isinstance(exc.get_codes(), str) else "conflict"
            message = str(exc.detail)
        response = Response(error_body(code, message), status=exc.status_code)
        if auth_header := getattr(exc, "auth_header", None):
            response["WWW-Authenticate"] = auth_header
        return response
    logger.exception("API error", exc_info=exc)
    return Response(error_body("server_error"), status=status.HTTP_500_INTERNAL_SERVER_ERROR)


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Any other address under the API: a 404 in the API's shape, not the site's page."""
    with translation.override(API_LANGUAGE):
        return JsonResponse(error_body("not_found"), status=404)
