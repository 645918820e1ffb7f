"""The open API's records: the calling systems' tokens and the creates they retried."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mediation.models import Channel, Role


class ApiToken(models.Model):
    """A calling system's key, belonging to one organisation.

    The token acts as its own service user (``user``), posted at ``organisation`` with
    ``role``; every access rule of ``mediation.access`` then applies to it unchanged,
    so the caller sees and does exactly what that organisation's staff in that role
    see and do. Only the SHA-256 of the secret is kept: the secret is shown once.
    """

    organisation = models.ForeignKey(
        "mediation.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    secret_sha256 = models.CharField(_("SHA-256 of the secret"), max_length=64, unique=True)
    # The secret's first characters, to tell tokens apart in lists and logs.
    prefix = models.CharField(_("prefix"), max_length=12)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service user"),
        on_delete=models.PROTECT,
        related_name="api_token",
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    # The channel an intake through this token comes in by, unless the call names one.
    channel = models.CharField(
        _("intake channel"), max_length=16, choices=Channel.choices, default=Channel.HOTLINE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["organisation__path", "name", "id"]

    def __str__(self):
        return f"{self.organisation} · {self.name}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotentRequest(models.Model):
    """The first answer to a create sent with an ``Idempotency-Key``: a retry with the
    same key and the same request gets it again instead of a second record."""

    token = models.ForeignKey(
        ApiToken, on_delete=models.CASCADE, related_name="idempotent_requests"
    )
    key = models.CharField(max_length=200)
    request_sha256 = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("idempotent request")
        verbose_name_plural = _("idempotent requests")
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="api_idempotency_key_unique")
        ]

    def __str__(self):
        return f"{self.token_id}/{self.key}"
