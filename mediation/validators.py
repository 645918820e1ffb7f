"""Checks for Chinese identity numbers, credit codes and phone numbers.

Each validator raises ``ValidationError`` with a translated message; the forms and
the services use the same functions, so a bad number can enter by no door.
"""

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 11643-1999: 17 digits weighted by 2^(17-i) mod 11, then a check character.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")

# GB 32100-2015: 31 characters (no I, O, S, V, Z), weights 3^i mod 31.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def id_number_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalize_id_number(value: str) -> str:
    return (value or "").strip().upper()


def validate_id_number(value: str) -> None:
    """Resident identity number, GB 11643: format, birth date and checksum."""
    value = normalize_id_number(value)
    if not _ID_RE.match(value):
        raise ValidationError(
            _("An identity number has 18 characters: 17 digits and a digit or X."),
            code="id_number_format",
        )
    try:
        birth = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        birth = None
    if birth is None or birth.year < 1900 or birth > datetime.date.today():
        raise ValidationError(
            _("The birth date in this identity number is not a real date."),
            code="id_number_birth",
        )
    if id_number_check_char(value[:17]) != value[17]:
        raise ValidationError(
            _("This identity number fails its check digit; please check each digit."),
            code="id_number_checksum",
        )


def credit_code_check_char(first17: str) -> str:
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def normalize_credit_code(value: str) -> str:
    return (value or "").strip().upper()


def validate_credit_code(value: str) -> None:
    """Unified social credit code, GB 32100: format and checksum."""
    value = normalize_credit_code(value)
    if not _USCC_RE.match(value):
        raise ValidationError(
            _("A unified social credit code has 18 digits or capital letters (no I, O, S, V, Z)."),
            code="credit_code_format",
        )
    if credit_code_check_char(value[:17]) != value[17]:
        raise ValidationError(
            _("This unified social credit code fails its check character."),
            code="credit_code_checksum",
        )


def normalize_phone(value: str) -> str:
    value = re.sub(r"[\s()（）]", "", value or "")
    if value.startswith("+86"):
        value = value[3:]
    return value


def validate_phone(value: str) -> None:
    """A mainland mobile number (11 digits) or a landline with its area code."""
    value = normalize_phone(value)
    if not (_MOBILE_RE.match(value) or _LANDLINE_RE.match(value)):
        raise ValidationError(
            _("Enter an 11-digit mobile number or a landline with its area code."),
            code="phone_format",
        )


def validate_amount(value) -> None:
    """An amount in dispute (a ``Decimal``, yuan): not negative, not absurd
    (``MEDIATION["MAX_AMOUNT"]``), in yuan and fen. The staff intake and the open API
    both check it here."""
    if value is None:
        return
    limit = settings.MEDIATION["MAX_AMOUNT"]
    if value < 0:
        raise ValidationError(
            _("The amount in dispute cannot be negative."), code="amount_negative"
        )
    if value > limit:
        raise ValidationError(
            _("The amount in dispute may be at most %(max)s yuan; check the figure.")
            % {"max": f"{limit:,}"},
            code="amount_too_large",
        )
    if value.as_tuple().exponent < -2:
        raise ValidationError(
            _("Give the amount in yuan with at most two decimals."), code="amount_precision"
        )
