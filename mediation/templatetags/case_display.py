"""Template filters that show the domain's stored values in words."""

from django import template
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from ..models import CaseStatus, Channel, DisputeType, OrgKind, Outcome, PartyRole, Role, Tier

register = template.Library()

# An audit event's details are a JSON object; these are the labels of its usual keys and
# the choice lists that name their values.
_DETAIL_LABELS = {
    "number": _("Case number"),
    "channel": _("Channel"),
    "handling_org": _("Handling organisation"),
    "role": _("Role"),
    "name": _("Name"),
    "tier": _("Tier"),
    "status": _("Status"),
    "dispute_type": _("Dispute type"),
    "organisation": _("Organisation"),
    "user": _("User"),
    "code": _("Code"),
    "kind": _("Kind"),
    "reason": _("Reason"),
    "due_at": _("Due date"),
    "to": _("To"),
    "into": _("Into"),
    "mediator": _("Mediator"),
    "outcome": _("Outcome"),
}
_DETAIL_CHOICES = {
    "channel": Channel,
    "role": PartyRole,
    "tier": Tier,
    "status": CaseStatus,
    "dispute_type": DisputeType,
    "kind": OrgKind,
    "outcome": Outcome,
}


def _value_display(key: str, value) -> str:
    choices = _DETAIL_CHOICES.get(key)
    if key == "role" and value in Role.values:
        return str(Role(value).label)
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    if isinstance(value, list | tuple):
        return pgettext("list separator", ", ").join(str(item) for item in value)
    return str(value)


@register.filter
def event_details(data) -> list[tuple[str, str]]:
    """An audit event's details as (label, value) pairs, in a readable order."""
    if not isinstance(data, dict):
        return [("", str(data))] if data else []
    return [
        (str(_DETAIL_LABELS.get(key, key.replace("_", " "))), _value_display(key, value))
        for key, value in data.items()
        if value not in (None, "", [], {})
    ]
