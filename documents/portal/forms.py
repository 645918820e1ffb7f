"""The portal's forms. Each checks the shape of what was typed or drawn; the services
decide whether it may be done."""

import base64
import binascii
import io
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from documents.services import MAX_SIGNATURE_BYTES, PNG_MAGIC

from .services import CODE_DIGITS, EMAIL, SMS

DATA_URL_PREFIX = "data:image/png;base64,"
# A drawing on a phone's pad at three device pixels per CSS pixel stays far below this.
MAX_SIGNATURE_PIXELS = (3000, 2000)
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the text message"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9]*",
                "maxlength": str(CODE_DIGITS),
            }
        ),
    )

    def clean_code(self):
        code = re.sub(r"\s", "", self.cleaned_data["code"])
        if not re.fullmatch(rf"\d{{{CODE_DIGITS}}}", code):
            raise ValidationError(_("The code is the 6 digits in the text message."))
        return code


class ConsentForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Do you agree to mediation?"),
        choices=[
            ("consent", _("Yes, I agree to mediation")),
            ("refuse", _("No, I do not agree")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether you agree.")},
    )
    note = forms.CharField(
        label=_("Anything you want the court to know (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ChooseForm(forms.Form):
    mediator = forms.ChoiceField(
        label=_("The mediator you choose"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a mediator from the list.")},
    )

    def __init__(self, *args, profiles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediator"].choices = [(str(p.pk), str(p)) for p in profiles]
        self.fields["mediator"].error_messages["invalid_choice"] = _(
            "Choose a mediator from the list."
        )


class RateForm(forms.Form):
    stars = forms.TypedChoiceField(
        label=_("How satisfied are you with how your case was handled?"),
        choices=[(str(n), str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose from one to five stars."),
            "invalid_choice": _("Choose from one to five stars."),
        },
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class _SignForm(forms.Form):
    seen_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)
    read = forms.BooleanField(
        label=_("I have read the whole agreement and sign it."),
        error_messages={"required": _("Confirm that you have read the agreement.")},
    )

    def clean_seen_sha256(self):
        value = self.cleaned_data["seen_sha256"].strip().lower()
        if not _SHA256.match(value):
            raise ValidationError(
                _("The document changed since it was opened: open it again, read it, then sign.")
            )
        return value


def decode_signature(value: str) -> bytes:
    """The PNG bytes of a drawing sent as a data URL; ``ValidationError`` for anything
    else: not a PNG, too large, broken, or empty."""
    value = (value or "").strip()
    if not value:
        raise ValidationError(_("Draw your signature in the box first."))
    if not value.startswith(DATA_URL_PREFIX):
        raise ValidationError(_("The drawn signature must be a PNG image."))
    encoded = value[len(DATA_URL_PREFIX) :]
    if len(encoded) > (MAX_SIGNATURE_BYTES * 4) // 3 + 4:
        raise ValidationError(
            _("The drawn signature is too large (at most 200 KB): draw it again.")
        )
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError(_("The drawn signature could not be read: draw it again.")) from None
    if not data.startswith(PNG_MAGIC):
        raise ValidationError(_("The drawn signature must be a PNG image."))
    if len(data) > MAX_SIGNATURE_BYTES:
        raise ValidationError(
            _("The drawn signature is too large (at most 200 KB): draw it again.")
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if (
                image.format != "PNG"
                or width > MAX_SIGNATURE_PIXELS[0]
                or height > MAX_SIGNATURE_PIXELS[1]
            ):
                raise ValidationError(_("The drawn signature is too large: draw it again."))
            image.load()
            rgba = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError(_("The drawn signature could not be read: draw it again.")) from None
    # Ink: a pixel that shows and is darker than light grey, on white.
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    grey = Image.alpha_composite(white, rgba).convert("L")
    if grey.point(lambda p: 255 if p < 200 else 0).getbbox() is None:
        raise ValidationError(_("Draw your signature in the box first."))
    return data


class DrawnSignForm(_SignForm):
    signature = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_signature(self):
        return decode_signature(self.cleaned_data.get("signature", ""))


class CodeSignForm(_SignForm):
    code = CodeForm.base_fields["code"]
    clean_code = CodeForm.clean_code


class SendLinkForm(forms.Form):
    channel = forms.ChoiceField(choices=[(SMS, _("SMS")), (EMAIL, _("Email"))])
