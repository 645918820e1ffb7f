"""What every endpoint of the open API shares: its language, its strict input, its
pages and its idempotent creates.

``ApiView`` answers in Chinese whatever the caller's Accept-Language (the messages are
gettext msgids, translated in the project's catalogue), rejects query parameters it
does not know, and pages lists as the staff pages do. ``StrictSerializer`` rejects
unknown fields. ``IdempotentCreate`` makes a create sent again with the same
``Idempotency-Key`` return its first answer.
"""

import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from mediation.views.cases import CaseListView

from .errors import API_LANGUAGE, UNKNOWN_FIELD, error_body
from .models import IdempotentRequest

IDEMPOTENCY_HEADER = "Idempotency-Key"
# The largest id a database key holds: a larger one in an address names nothing.
MAX_ID = 2**63 - 1
IDEMPOTENCY_KEY_MAX = 200


class Conflict(exceptions.APIException):
    """The record is not in a state for this call (a step not open, taken by someone
    else, or locked by another request): 409, with its own code."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class UnknownField(exceptions.ValidationError):
    def __init__(self, names):
        super().__init__(
            {name: [_("Unknown field.")] for name in sorted(names)}, code=UNKNOWN_FIELD
        )


class StrictSerializer(serializers.Serializer):
    """An input that names a field the serializer does not have is refused (400
    ``unknown_field``), not silently ignored: a caller's typo must not lose data."""

    def to_internal_value(self, data):
        if isinstance(data, dict) and (unknown := set(data) - set(self.fields)):
            raise UnknownField(unknown)
        return super().to_internal_value(data)


class Pages(PageNumberPagination):
    """The staff case list's page size."""

    page_size = CaseListView.paginate_by
    page_query_param = "page"


class ApiView(APIView):
    """The base of every endpoint: Chinese answers, known query parameters only."""

    # Query parameters a GET may take besides ``page``.
    query_fields: tuple[str, ...] = ()
    pagination_class = Pages

    def dispatch(self, request, *args, **kwargs):
        with translation.override(API_LANGUAGE):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        response["Content-Language"] = API_LANGUAGE
        return response

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if any(isinstance(value, int) and value > MAX_ID for value in kwargs.values()):
            raise exceptions.NotFound()
        if request.method == "GET":
            allowed = {*self.query_fields, Pages.page_query_param}
            if unknown := set(request.query_params) - allowed:
                raise UnknownField(unknown)

    def checked(self, serializer) -> dict:
        """``serializer``'s validated data; its errors answer the request (400)."""
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    # Paging, as DRF's generic views do it.

    def paginated(self, queryset, serializer_class, context=None):
        """A page of ``queryset``; ``context(page)``, if given, adds to the serializer's
        context what it reads for the whole page at once."""
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, self.request, view=self)
        extra = context(page) if context else {}
        data = serializer_class(page, many=True, context={"request": self.request, **extra}).data
        return paginator.get_paginated_response(data)


def request_fingerprint(request) -> str:
    """The request's method, path and body, canonically: a retry must be the same call."""
    body = json.dumps(request.data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


class IdempotentCreate:
    """``post`` with an ``Idempotency-Key`` header: the first successful answer is kept
    with the key (per token), and the same key again returns it, status and body, while
    nothing new is made; the same key with another request is refused (422).

    The create and the kept answer commit in one transaction, and the key is unique per
    token: of two concurrent calls with one key, the second waits for the first or
    fails on the key, rolls its own work back whole, and returns the first's answer.
    Errors are not kept: a refused call may be corrected and sent again with its key.
    """

    def create(self, request, *args, **kwargs) -> Response:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if key is None:
            return self.create(request, *args, **kwargs)
        key = key.strip()
        if not key or len(key) > IDEMPOTENCY_KEY_MAX or not key.isprintable():
            return Response(
                error_body(
                    "invalid_idempotency_key",
                    _("An Idempotency-Key is 1 to %(max)s printable characters.")
                    % {"max": IDEMPOTENCY_KEY_MAX},
                ),
                status=status.HTTP_400_BAD_REQUEST,
            )
        fingerprint = request_fingerprint(request)
        token = request.auth
        try:
            with transaction.atomic():
                kept = (
                    IdempotentRequest.objects.select_for_update()
                    .filter(token=token, key=key)
                    .first()
                )
                if kept is not None:
                    return self._replay(kept, fingerprint)
                response = self.create(request, *args, **kwargs)
                if status.is_success(response.status_code):
                    IdempotentRequest.objects.create(
                        token=token,
                        key=key,
                        request_sha256=fingerprint,
                        status=response.status_code,
                        body=json.loads(json.dumps(response.data, default=str)),
                    )
                return response
        except IntegrityError:
            # Another call with this key committed first: this one's work is undone.
            kept = IdempotentRequest.objects.filter(token=token, key=key).first()
            if kept is None:
                raise
            return self._replay(kept, fingerprint)

    def _replay(self, kept: IdempotentRequest, fingerprint: str) -> Response:
        if kept.request_sha256 != fingerprint:
            return Response(
                error_body(
                    "idempotency_key_reused",
                    _("This Idempotency-Key was already used for a different request."),
                ),
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        response = Response(kept.body, status=kept.status)
        response["Idempotent-Replayed"] = "true"
        return response
