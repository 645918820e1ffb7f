"""The documents a case issues, their signatures, and the party portal's keys.

A ``Document`` is one version of one paper: its typed content, the PDF rendered from it,
the number, hash and token it is verified by. Signed documents are immutable: a
correction is a new version that ``supersedes`` the old one, which stays.

An agreement (人民调解协议书) is rendered once for signing: every party signs the exact
file they were shown (its SHA-256 is on their ``Signature``). When the last party has
signed, the agreement takes effect (人民调解法 art 29); the mediator signs, and the
organisation's seal, a PAdES signature, is applied last to the final rendering. Every
other kind is sealed as soon as it is rendered.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

_USER = settings.AUTH_USER_MODEL


class DocumentKind(models.TextChoices):
    AGREEMENT = "agreement", _("Mediation agreement")
    RECORD = "record", _("Session record")
    REFERRAL = "referral", _("Referral letter")
    TERMINATION = "termination", _("Termination record")
    UNDISPUTED = "undisputed", _("Undisputed facts record")
    CONFIRMATION = "confirmation", _("Joint application for judicial confirmation")
    REVISIT = "revisit", _("Return-visit record")
    CASEFILE = "casefile", _("Case file")


class DocumentStatus(models.TextChoices):
    # Waiting for its render task (or for the final rendering, once signed).
    QUEUED = "queued", _("Being prepared")
    FAILED = "failed", _("Preparation failed")
    # An agreement rendered for signing: the parties, then the mediator, sign it.
    SIGNING = "signing", _("Awaiting signatures")
    ISSUED = "issued", _("Issued")
    SUPERSEDED = "superseded", _("Superseded")


class Document(models.Model):
    case = models.ForeignKey(
        "mediation.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    # What the document is about, where a case has several of its kind.
    session = models.ForeignKey(
        "mediation.MediationSession",
        verbose_name=_("session"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    return_visit = models.ForeignKey(
        "mediation.ReturnVisit",
        verbose_name=_("return visit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    correction_reason = models.TextField(_("reason for correction"), blank=True)
    # Printed on the document, e.g. 经开调协〔2026〕12号-1; unique across the district.
    number = models.CharField(_("document number"), max_length=60, unique=True)
    # The key of the public verification page, printed as the QR code.
    token = models.CharField(_("verification token"), max_length=32, unique=True)
    # The typed content, as written: for an agreement the contents of art 29
    # (facts, matters in dispute, responsibilities, terms, how and by when carried out).
    content = models.JSONField(_("content"), default=dict, blank=True)
    # The amount the parties agreed, for the statistics (agreements only).
    agreed_amount = models.DecimalField(
        _("amount agreed (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.QUEUED
    )
    # The sealing organisation: the case's handling organisation when it was made (for
    # a case handled in a grid, the community's committee above it).
    issuer = models.ForeignKey(
        "mediation.Organisation",
        verbose_name=_("issuing organisation"),
        on_delete=models.PROTECT,
        related_name="issued_documents",
    )
    # The file the parties sign (agreements only); its hash is on each signature.
    signing_pdf = models.FileField(_("copy for signing"), upload_to="documents/%Y/%m/", blank=True)
    signing_sha256 = models.CharField(
        _("SHA-256 of the copy for signing"), max_length=64, blank=True
    )
    # The issued, sealed file.
    pdf = models.FileField(_("PDF"), upload_to="documents/%Y/%m/", blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    render_attempts = models.PositiveSmallIntegerField(_("render attempts"), default=0)
    render_error = models.TextField(_("render error"), blank=True)
    # When the render task was last queued: a document QUEUED long after it lost its
    # message, and the periodic job queues it again (documents.jobs).
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    # A render in progress holds this lease, so that a second delivery of the same
    # message does not render the document again while the first is at work.
    render_started_at = models.DateTimeField(_("render started at"), null=True, blank=True)
    created_by = models.ForeignKey(
        _USER,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    # Agreements: when the last party signed (人民调解法 art 29; 在线调解规则).
    effective_at = models.DateTimeField(_("takes effect at"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["case", "kind", "-version"]),
            models.Index(fields=["sha256"]),
            models.Index(fields=["status", "queued_at"]),
        ]

    def __str__(self):
        return self.number

    @property
    def is_current(self) -> bool:
        return self.status != DocumentStatus.SUPERSEDED


class SignerRole(models.TextChoices):
    PARTY = "party", _("Party")
    MEDIATOR = "mediator", _("Mediator")


class SignatureMethod(models.TextChoices):
    DRAWN = "drawn", _("Drawn signature")
    CODE = "code", _("Confirmed with a one-time code")
    LOGIN = "login", _("Signed while logged in")


class Signature(models.Model):
    """One person's signature on one document: who, when, how, and on which exact file."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.PROTECT, related_name="signatures"
    )
    role = models.CharField(_("role"), max_length=10, choices=SignerRole.choices)
    party = models.ForeignKey(
        "mediation.CaseParty",
        verbose_name=_("party"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signatures",
    )
    user = models.ForeignKey(
        _USER,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=100)
    method = models.CharField(_("method"), max_length=8, choices=SignatureMethod.choices)
    # The hash of the file the signer was shown.
    document_sha256 = models.CharField(_("SHA-256 of the signed file"), max_length=64)
    image = models.FileField(_("drawn signature"), upload_to="signatures/%Y/%m/", blank=True)
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "party"],
                condition=models.Q(party__isnull=False),
                name="signature_once_per_party",
            ),
            models.UniqueConstraint(
                fields=["document"],
                condition=models.Q(role="mediator"),
                name="signature_once_by_mediator",
            ),
        ]

    def __str__(self):
        return f"{self.name} {self.document}"


class PortalLink(models.Model):
    """A party's way into the portal: a link sent by SMS or email, for that party only.

    Only the token's hash is kept; the link itself is in the message the party received.
    """

    party = models.ForeignKey(
        "mediation.CaseParty",
        verbose_name=_("party"),
        on_delete=models.CASCADE,
        related_name="portal_links",
    )
    token_sha256 = models.CharField(max_length=64, unique=True)
    channel = models.CharField(_("sent by"), max_length=8)
    sent_to = models.CharField(_("sent to"), max_length=120)
    created_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("portal link")
        verbose_name_plural = _("portal links")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.party} {self.created_at:%Y-%m-%d}"


class OneTimeCode(models.Model):
    """A code sent to the party's phone: to open the portal, or to confirm a signature."""

    class Purpose(models.TextChoices):
        LOGIN = "login", _("Open the portal")
        SIGN = "sign", _("Confirm a signature")

    link = models.ForeignKey(
        PortalLink, verbose_name=_("portal link"), on_delete=models.CASCADE, related_name="codes"
    )
    purpose = models.CharField(_("purpose"), max_length=8, choices=Purpose.choices)
    # For a signature: the document it confirms.
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    code_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["link", "-created_at"])]

    def __str__(self):
        return f"{self.link_id} {self.purpose} {self.created_at:%Y-%m-%d %H:%M}"
