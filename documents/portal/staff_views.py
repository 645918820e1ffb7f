"""The staff side of the portal: a section of the case page listing each party with
"send a portal link", and the two small actions behind it (send, withdraw). Only
those who may write the case (its handler, the centre staff who run it) see the
section or may act: ``mediation.access.access_case(..., for_write=True)``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from documents.models import PortalLink
from mediation import access
from mediation.models import CaseParty
from mediation.personal_data import mask

from . import services
from .forms import SendLinkForm


def _back(case_pk):
    return HttpResponseRedirect(reverse("cases:detail", args=[case_pk]))


@login_required
@require_POST
def link_send(request, party):
    party = get_object_or_404(CaseParty.objects.select_related("person"), pk=party)
    access.access_case(request.user, party.case_id, for_write=True)
    form = SendLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Send the link by SMS or by email."))
        return _back(party.case_id)
    channel = form.cleaned_data["channel"]
    try:
        link = services.portal_link_send(party=party, channel=channel, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except services.DeliveryFailed:
        messages.error(
            request,
            _("The link was made but the message could not be sent to %(name)s: send it again.")
            % {"name": party.person.name},
        )
    else:
        messages.success(
            request,
            _("A portal link was sent to %(name)s (%(to)s).")
            % {"name": party.person.name, "to": mask(link.sent_to)},
        )
    return _back(party.case_id)


@login_required
@require_POST
def link_revoke(request, pk):
    link = get_object_or_404(PortalLink.objects.select_related("party__person"), pk=pk)
    access.access_case(request.user, link.party.case_id, for_write=True)
    services.portal_link_revoke(link=link, actor=request.user)
    messages.success(
        request, _("The portal link of %(name)s was withdrawn.") % {"name": link.party.person.name}
    )
    return _back(link.party.case_id)


def case_section(request, case_access) -> str:
    """The case page's "Party portal" section, for those who may write the case."""
    if not case_access.may_write:
        return ""
    case = case_access.case
    parties = list(case.parties.select_related("person").order_by("pk"))
    links = {}
    now = timezone.now()
    for link in PortalLink.objects.filter(party__case=case).order_by("-created_at", "-id"):
        links.setdefault(link.party_id, []).append(link)
    rows = []
    for party in parties:
        party_links = links.get(party.pk, [])[:3]
        for link in party_links:
            link.shown_to = mask(link.sent_to)
            link.live = link.revoked_at is None and link.expires_at > now
        rows.append(
            {
                "party": party,
                "links": party_links,
                "has_phone": bool(party.person.phone),
                "has_email": bool(party.person.email),
            }
        )
    return render_to_string(
        "portal/staff_section.html", {"rows": rows, "case": case}, request=request
    )
