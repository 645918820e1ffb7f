"""What the portal shows a party about their case, in plain words."""

import dataclasses
import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mediation.models import Case, CaseParty, CaseStatus, Outcome
from mediation.models.referrals import Referral, ReferralStatus
from mediation.models.sessions import MediationSession, SessionStatus

_CASE_WORDS = {
    CaseStatus.REPORTED: gettext_lazy("Your case has been received and waits to be accepted."),
    CaseStatus.ACCEPTED: gettext_lazy("Your case was accepted; a mediator is being assigned."),
    CaseStatus.DISPATCHED: gettext_lazy("A mediator has been assigned and will contact you."),
    CaseStatus.MEDIATING: gettext_lazy("Mediation is under way."),
    CaseStatus.VERIFYING: gettext_lazy("The outcome is being checked before the case is closed."),
    CaseStatus.REJECTED: gettext_lazy("The case was not accepted for mediation."),
    CaseStatus.REDIRECTED: gettext_lazy("The case was passed to another body, which handles it."),
    CaseStatus.MERGED: gettext_lazy("The case was joined to another case about the same dispute."),
}
_REFERRAL_WORDS = {
    ReferralStatus.SUBMITTED: gettext_lazy("The court sent your dispute to mediation."),
    ReferralStatus.CONSENT: gettext_lazy(
        "The court proposes mediation: each party is asked to agree."
    ),
    ReferralStatus.CONTACTING: gettext_lazy(
        "The court proposes mediation: each party is asked to agree."
    ),
    ReferralStatus.CHOOSING: gettext_lazy("The parties may choose a mediator together."),
    ReferralStatus.DESIGNATED: gettext_lazy("A mediator was designated and is answering."),
    ReferralStatus.SUSPENDED: gettext_lazy("Mediation is paused until the court decides."),
    ReferralStatus.RETURNED: gettext_lazy("The dispute went back to the court."),
    ReferralStatus.REGISTERED: gettext_lazy("The court registered the case."),
    ReferralStatus.TRIAL: gettext_lazy("The court's trial goes on."),
}


def referral_of(case: Case) -> Referral | None:
    return Referral.objects.filter(case=case).first()


def status_words(case: Case, referral: Referral | None = None) -> str:
    """Where the case is, as a party would say it."""
    if referral is not None and referral.status in _REFERRAL_WORDS:
        return str(_REFERRAL_WORDS[referral.status])
    if case.status == CaseStatus.CLOSED:
        if case.outcome == Outcome.AGREEMENT:
            return _("The case is closed: the parties reached an agreement.")
        if case.outcome == Outcome.TERMINATED:
            return _("The case is closed: mediation ended without an agreement.")
        return _("The case is closed.")
    return str(_CASE_WORDS.get(case.status) or case.get_status_display())


@dataclasses.dataclass(frozen=True)
class Deadline:
    label: str
    # A date, or a moment for a session.
    when: datetime.date | datetime.datetime
    detail: str = ""

    @property
    def at_time(self) -> bool:
        return isinstance(self.when, datetime.datetime)

    @property
    def day(self) -> datetime.date:
        if isinstance(self.when, datetime.datetime):
            return timezone.localdate(self.when)
        return self.when


def next_session(case: Case) -> MediationSession | None:
    return (
        MediationSession.objects.filter(
            case=case, status=SessionStatus.SCHEDULED, scheduled_at__gte=timezone.now()
        )
        .order_by("scheduled_at")
        .first()
    )


def deadlines(case: Case, referral: Referral | None = None) -> list[Deadline]:
    """The dates ahead of the party, earliest first: the next session, the choice of
    mediator, the end of the court's mediation period, the case's handling deadline."""
    found = []
    if session := next_session(case):
        where = _("Online") if session.online else session.place
        found.append(Deadline(_("Next mediation session"), session.scheduled_at, where))
    if referral is not None:
        if referral.status == ReferralStatus.CHOOSING and referral.choose_by:
            found.append(Deadline(_("Choose a mediator by"), referral.choose_by))
        if referral.status == ReferralStatus.MEDIATING and referral.due_on:
            found.append(Deadline(_("Mediation period ends on"), referral.due_on))
    if case.is_open and case.due_at:
        found.append(Deadline(_("Case due by"), case.due_at))
    return sorted(found, key=lambda d: d.day)


def handler_names(case: Case) -> tuple[str, str]:
    """The organisation handling the case and its mediator's name ("" if none yet)."""
    mediator = ""
    if case.mediator is not None:
        mediator = case.mediator.get_full_name() or case.mediator.get_username()
    return case.handling_org.name, mediator


def other_parties(party: CaseParty) -> list[CaseParty]:
    return list(
        CaseParty.objects.filter(case_id=party.case_id)
        .exclude(pk=party.pk)
        .select_related("person")
        .order_by("pk")
    )
