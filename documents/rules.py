"""When a case may have each kind of document: the rules the services enforce and the
case page asks before it offers a button.

Each ``check_*`` raises ``ValidationError`` with the reason a user can act on; each
reads only what it is given, so the case page can ask them all from the rows it has.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from mediation.models import CaseStatus, DisputeType, Outcome
from mediation.models.diagnoses import ReturnVisit
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
