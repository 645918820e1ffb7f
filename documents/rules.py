"""When a case may have each kind of document: the rules the services enforce and the
case page asks before it offers a button.

Each ``check_*`` raises ``ValidationError`` with the reason a user can act on. The
single checks read only what they are given, so the case page can ask them from the
rows it has; ``check_allowed`` puts them together for one kind, reading what it needs.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mediation.models import Case, CaseStatus, DisputeType, Outcome
from mediation.models.diagnoses import ReturnVisit
from mediation.models.referrals import Referral
from mediation.models.sessions import MediationSession, SessionStatus

from .models import Document, DocumentKind, DocumentStatus

# A case is being handled from dispatch until its outcome is verified.
HANDLING_STATUSES = (CaseStatus.DISPATCHED, CaseStatus.MEDIATING, CaseStatus.VERIFYING)
AFTER_DISPATCH = (*HANDLING_STATUSES, CaseStatus.CLOSED)
# 人民调解法 art 33: the parties apply together within 30 days of the agreement taking
# effect.
CONFIRMATION_DAYS = 30
# Not for personal-status, adoption or marriage matters (民事诉讼法 art 205 and the
# Supreme People's Court's rules on confirmation): the marriage and family type.
NO_CONFIRMATION_TYPES = (DisputeType.FAMILY,)
# Kinds a case has one current paper of; a session or a return visit has one record each.
PER_SESSION = (DocumentKind.RECORD,)
PER_VISIT = (DocumentKind.REVISIT,)


def check_handling(case) -> None:
    if case.status not in HANDLING_STATUSES:
        raise ValidationError(
            _("The case is “%(status)s”: an agreement is drafted while the case is handled.")
            % {"status": case.get_status_display()}
        )


def check_after_dispatch(case) -> None:
    if case.status not in AFTER_DISPATCH:
        raise ValidationError(
            _("The case is “%(status)s”: it has no documents before it is dispatched.")
            % {"status": case.get_status_display()}
        )


def check_mediation_ended_without_agreement(case) -> None:
    if case.outcome != Outcome.TERMINATED:
        raise ValidationError(
            _("Record the outcome first: this document is made when mediation was terminated.")
        )


def check_session(case, session: MediationSession | None) -> None:
    if session is None or session.case_id != case.pk:
        raise ValidationError({"session": _("Choose a session of this case.")})
    if session.status != SessionStatus.HELD:
        raise ValidationError({"session": _("A record is made of a session that was held.")})


def check_return_visit(case, visit: ReturnVisit | None) -> None:
    if visit is None or visit.case_id != case.pk:
        raise ValidationError({"return_visit": _("Choose a return visit of this case.")})
    if not visit.result:
        raise ValidationError({"return_visit": _("Record the return visit's result first.")})


def check_referral(referral) -> None:
    if referral is None:
        raise ValidationError(_("Only a case referred by a court has a referral letter."))


def confirmation_deadline(agreement: Document) -> datetime.datetime:
    return agreement.effective_at + datetime.timedelta(days=CONFIRMATION_DAYS)


def check_confirmation(case, agreement: Document | None, *, now=None) -> None:
    """A joint application for judicial confirmation needs the case's issued agreement,
    within 30 days of its taking effect, and a matter the court may confirm."""
    if case.dispute_type in NO_CONFIRMATION_TYPES:
        raise ValidationError(
            _(
                "Judicial confirmation is not available for personal-status, adoption or "
                "marriage matters (人民调解法 art 33)."
            )
        )
    if agreement is None or agreement.status != DocumentStatus.ISSUED:
        raise ValidationError(_("The case has no issued agreement to confirm."))
    deadline = confirmation_deadline(agreement)
    if (now or timezone.now()) > deadline:
        raise ValidationError(
            _(
                "The agreement took effect on %(effective)s: the parties could apply for "
                "judicial confirmation until %(deadline)s, within 30 days (人民调解法 art 33)."
            )
            % {
                "effective": timezone.localtime(agreement.effective_at).date().isoformat(),
                "deadline": timezone.localtime(deadline).date().isoformat(),
            }
        )


def check_kind(kind: str) -> None:
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Choose a kind of document.")})


def current_documents(
    case: Case, kind: str, *, session=None, return_visit=None
) -> QuerySet[Document]:
    """The case's documents of ``kind`` (for that session or return visit) that no
    correction has superseded."""
    return Document.objects.filter(
        case=case, kind=kind, session=session, return_visit=return_visit
    ).exclude(status=DocumentStatus.SUPERSEDED)


def check_allowed(*, case, kind: str, session=None, return_visit=None, correcting=None):
    """Raise ``ValidationError`` unless ``case`` allows a new ``kind`` document now (or a
    new version of ``correcting``); the content the kind takes from the case, if any.

    A case has one current document of each kind (one per session for records and per
    return visit for return-visit records): another is made by correcting it. The case
    file is the exception: assembling it again replaces the current one.
    """
    check_kind(kind)
    taken = None
    if kind == DocumentKind.AGREEMENT:
        check_handling(case)
    else:
        check_after_dispatch(case)
    if kind == DocumentKind.RECORD:
        check_session(case, session)
    elif kind == DocumentKind.REVISIT:
        check_return_visit(case, return_visit)
    elif kind in (DocumentKind.TERMINATION, DocumentKind.UNDISPUTED):
        check_mediation_ended_without_agreement(case)
    elif kind == DocumentKind.REFERRAL:
        check_referral(Referral.objects.filter(case=case).first())
    elif kind == DocumentKind.CONFIRMATION:
        agreement = current_documents(case, DocumentKind.AGREEMENT).first()
        check_confirmation(case, agreement)
        taken = {"agreement": agreement.pk, "agreement_number": agreement.number}
    current = current_documents(case, kind, session=session, return_visit=return_visit)
    if correcting is not None:
        current = current.exclude(pk=correcting.pk)
    current = current.first()
    if current is not None and kind != DocumentKind.CASEFILE:
        raise ValidationError(
            _("%(kind)s %(number)s already exists: correct it to make a new version.")
            % {"kind": current.get_kind_display(), "number": current.number}
        )
    return taken
