"""Who the portal is talking to: a party, kept in the session under its own key.

The party never logs into the staff site: Django's login (``request.user``) is not
touched. ``portal_login`` cycles the session key and stores the link and the party;
every portal request reads them back through ``party_required``, which refuses a
session older than ``PORTAL["SESSION_HOURS"]``, a link withdrawn or expired since, or a
link that no longer belongs to the party stored with it.
"""

import dataclasses
import datetime
import functools

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from documents.models import PortalLink
from mediation.models import Case, CaseParty

from .services import link_problem

KEY = "portal"


@dataclasses.dataclass(frozen=True)
class PortalParty:
    link: PortalLink
    party: CaseParty

    @property
    def case(self) -> Case:
        return self.party.case


def portal_login(request, link: PortalLink) -> None:
    # A new key: whatever the session was called before the code is of no use after it.
    request.session.cycle_key()
    request.session[KEY] = {
        "link": link.pk,
        "party": link.party_id,
        "verified_at": timezone.now().isoformat(),
    }


def portal_logout(request) -> None:
    if KEY in request.session:
        del request.session[KEY]
        request.session.cycle_key()


def _expired(verified_at: str) -> bool:
    try:
        moment = datetime.datetime.fromisoformat(verified_at)
    except (TypeError, ValueError):
        return True
    hours = settings.PORTAL["SESSION_HOURS"]
    return moment + datetime.timedelta(hours=hours) <= timezone.now()


def portal_party(request) -> PortalParty | None:
    """The party this session opened the portal for, or None (and the session's portal
    identity is dropped) if there is none or it no longer holds."""
    data = request.session.get(KEY)
    if not isinstance(data, dict):
        return None
    link = None
    if not _expired(data.get("verified_at")):
        link = (
            PortalLink.objects.select_related(
                "party__person",
                "party__case__handling_org",
                "party__case__mediator",
            )
            .filter(pk=data.get("link"), party_id=data.get("party"))
            .first()
        )
    if link is None or link_problem(link):
        portal_logout(request)
        return None
    return PortalParty(link=link, party=link.party)


def party_required(view):
    """The view runs with ``request.portal`` (a ``PortalParty``); without one, the page
    that says the session has ended. Never cached: phones are shared."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        request.portal = portal_party(request)
        if request.portal is None:
            return HttpResponseRedirect(reverse("portal:ended"))
        return view(request, *args, **kwargs)

    return never_cache(wrapper)
