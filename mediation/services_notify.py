"""The events parties and staff are told about, each in one call from where it happens.

* a new task: called by the flows (``workflows/task_notices.py``) when a step lands
  with someone; staff are told on the site;
* a session scheduled or moved (``services_sessions``): each party whose notice is
  "SMS" gets a text; the others were told by phone or in person, as the record says;
* a document ready to sign (``documents``): the parties, by text or email;
* a case closed (``services_case.case_verify_close``): the parties, by text or email;
* a deadline two working days away, a missed deadline, a rating request: the periodic
  jobs in ``jobs_notifications``.

Each call makes its rows with one ``bulk_create`` per kind in the caller's
transaction (``services_delivery.notify_event``) and reads nothing it is not given,
apart from a case's parties where it has to.
"""

from django.utils.translation import gettext_lazy as _

from .models import CaseParty, NotificationEvent
from .services_delivery import Party, Staff, notify_event


def task_assigned(*, case, task: str, organisation_id=None, user_id=None) -> None:
    """A step ``task`` of ``case`` waits for ``user_id``, or for anyone posted at
    ``organisation_id``."""
    notify_event(
        event=NotificationEvent.TASK_ASSIGNED,
        case=case,
        staff=[Staff(organisation_id=organisation_id, user_id=user_id)],
        context={"task": task},
    )


def parties_of(case) -> list:
    """The people who are parties to ``case``, read once."""
    return [party.person for party in CaseParty.objects.filter(case=case).select_related("person")]


def session_told(*, session, notices, moved: bool = False, reason: str = "") -> None:
    """``notices``: (CaseParty, channel) pairs as recorded; a text goes to each party
    whose channel is SMS."""
    parties = [Party(party.person, only="sms") for party, channel in notices if channel == "sms"]
    if not parties:
        return
    if session.online:
        place = _("online")
    else:
        place = session.place
    notify_event(
        event=NotificationEvent.SESSION_MOVED if moved else NotificationEvent.SESSION_SCHEDULED,
        case=session.case,
        parties=parties,
        context={"session": session, "place": place, "reason": reason},
    )


def document_to_sign(*, document) -> None:
    """Every party of ``document``'s case is asked to sign it."""
    case = document.case
    notify_event(
        event=NotificationEvent.DOCUMENT_TO_SIGN,
        case=case,
        parties=[Party(person) for person in parties_of(case)],
        context={"document": document},
    )


def case_closed(*, case) -> None:
    """The parties of ``case``, just closed, are told its outcome."""
    notify_event(
        event=NotificationEvent.CASE_CLOSED,
        case=case,
        parties=[Party(person) for person in parties_of(case)],
    )
