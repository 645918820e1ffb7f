"""What each kind of document holds in ``Document.content``, cleaned before it is kept.

An agreement holds the contents of 人民调解法 art 29: ``facts``, ``disputed_matters``,
``responsibilities``, ``terms``, ``performance`` (how the terms are carried out) and
``performance_due`` (by when: an ISO date, or "" when the terms say it in words), plus
``agreed_amount`` (yuan, a decimal string or ""), also kept in ``Document.agreed_amount``
for the statistics. A termination record holds ``reasons`` and ``other_routes``
(人民调解法 art 26); an undisputed facts record holds ``facts``. The other kinds draw
everything from the case, its session, return visit or referral.
"""

import datetime
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import DocumentKind

AGREEMENT_TEXT_FIELDS = ("facts", "disputed_matters", "responsibilities", "terms", "performance")
# The largest text a field takes: a page or two of an official document, not a book.
MAX_TEXT = 20_000


def _required_messages() -> dict[str, str]:
    return {
        "facts": _("State the main facts of the dispute."),
        "disputed_matters": _("State the matters in dispute."),
        "responsibilities": _("State each party's responsibility."),
        "terms": _("State the terms the parties agreed."),
        "performance": _("State how the terms are carried out."),
        "reasons": _("State why the mediation ended."),
        "other_routes": _("Tell the parties their other routes (art 26)."),
    }


def _texts(content: Mapping, fields: tuple[str, ...], errors: dict) -> dict[str, str]:
    messages = _required_messages()
    cleaned = {}
    for field in fields:
        value = str(content.get(field) or "").strip()
        if not value:
            errors[field] = messages.get(field, _("This field is required."))
        elif len(value) > MAX_TEXT:
            errors[field] = _("Keep this under %(max)d characters.") % {"max": MAX_TEXT}
        cleaned[field] = value
    return cleaned


def _due(value, errors: dict) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(str(value))
        except ValueError:
            errors["performance_due"] = _("Enter a date such as 2026-12-31.")
            return ""
    return value.isoformat()


def _amount(value, errors: dict) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors["agreed_amount"] = _("Enter an amount in yuan, such as 1200.00.")
        return None
    if amount < 0 or amount > settings.MEDIATION["MAX_AMOUNT"]:
        errors["agreed_amount"] = _("Enter an amount between 0 and %(max)s yuan.") % {
            "max": settings.MEDIATION["MAX_AMOUNT"]
        }
        return None
    return amount


def clean(kind: str, content: Mapping | None) -> tuple[dict, Decimal | None]:
    """The content of a ``kind`` document, cleaned, and its agreed amount (agreements).

    Raises ``ValidationError`` keyed by field, with every problem at once.
    """
    content = content or {}
    errors: dict[str, str] = {}
    amount = None
    if kind == DocumentKind.AGREEMENT:
        cleaned = _texts(content, AGREEMENT_TEXT_FIELDS, errors)
        cleaned["performance_due"] = _due(content.get("performance_due"), errors)
        amount = _amount(content.get("agreed_amount"), errors)
        cleaned["agreed_amount"] = "" if amount is None else str(amount)
    elif kind == DocumentKind.TERMINATION:
        cleaned = _texts(content, ("reasons", "other_routes"), errors)
    elif kind == DocumentKind.UNDISPUTED:
        cleaned = _texts(content, ("facts",), errors)
        if "facts" in errors:
            errors["facts"] = _("State the facts the parties do not dispute.")
    else:
        cleaned = {key: value for key, value in content.items() if isinstance(key, str)}
    if errors:
        raise ValidationError(errors)
    return cleaned, amount
