"""Mediation sessions: schedule with a notice to each party, tell the parties their
rights (特邀调解规定 art 14), record what happened, postpone or cancel with a reason.
A court referral's sessions are held by its mediator while the referral is in mediation.

Each service checks that the actor handles or manages the case, locks the case, makes
the change and writes its audit event in one transaction.
"""

import datetime
from collections.abc import Collection, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import selectors_sessions, services_notify
from .models import AuditAction, Case, CaseParty, CaseStatus
from .models.referrals import Referral, ReferralStatus
from .models.sessions import (
    MediationSession,
    NoticeChannel,
    RightsItem,
    RightsNotice,
    SessionAttendance,
    SessionNotice,
    SessionOutcome,
    SessionStatus,
)
from .services import audit_record
from .services_case import _locked

# The case states in which the parties can be brought together.
SESSION_CASE_STATUSES = (CaseStatus.ACCEPTED, CaseStatus.DISPATCHED, CaseStatus.MEDIATING)


def _check_actor(actor, case: Case) -> None:
    if not selectors_sessions.user_may_run_sessions(actor, case):
        raise PermissionDenied(_("Only the case's handler or the centre runs its sessions."))


def _check_referral(case: Case) -> None:
    """A court referral's sessions are held only while it is in mediation: not while it
    waits for a new mediator after a recusal, nor while it is suspended."""
    referral = Referral.objects.filter(case=case).only("status").first()
    if referral is not None and referral.status != ReferralStatus.MEDIATING:
        raise ValidationError(
            _("The court referral is “%(status)s”: sessions are held while it is in mediation.")
            % {"status": referral.get_status_display()}
        )


def _clean_notices(case: Case, notices: Mapping[int, str]) -> list[tuple[CaseParty, str]]:
    """A channel for every party of the case; a text or a call needs the party's phone."""
    parties = list(case.parties.select_related("person"))
    cleaned, missing = [], []
    for party in parties:
        channel = notices.get(party.pk, "")
        if channel not in NoticeChannel.values:
            missing.append(party.person.name)
            continue
        if channel != NoticeChannel.IN_PERSON and not party.person.phone:
            raise ValidationError(
                _("%(name)s has no phone number: tell them in person.")
                % {"name": party.person.name}
            )
        cleaned.append((party, channel))
    if missing:
        raise ValidationError(
            _("Say how each party is told of the session: %(names)s.")
            % {"names": "、".join(missing)}
        )
    return cleaned


def _clean_time(*, scheduled_at: datetime.datetime, online: bool, place: str) -> str:
    errors = {}
    if scheduled_at is None or scheduled_at <= timezone.now():
        errors["scheduled_at"] = _("A session is scheduled for a time in the future.")
    place = (place or "").strip()
    if not online and not place:
        errors["place"] = _("Give the place, or hold the session online.")
    if errors:
        raise ValidationError(errors)
    return place


def _create_session(*, case, actor, scheduled_at, place, online, public, notices, **extra):
    session = MediationSession.objects.create(
        case=case,
        scheduled_at=scheduled_at,
        place=place,
        online=online,
        public=public,
        scheduled_by=actor,
        **extra,
    )
    SessionNotice.objects.bulk_create(
        SessionNotice(session=session, party=party, channel=channel, sent_by=actor)
        for party, channel in notices
    )
    moved_from = extra.get("rescheduled_from")
    services_notify.session_told(
        session=session,
        notices=notices,
        moved=moved_from is not None,
        reason=moved_from.reason if moved_from is not None else "",
    )
    return session


def session_schedule(
    *,
    case: Case,
    actor,
    scheduled_at: datetime.datetime,
    place: str = "",
    online: bool = False,
    public: bool = False,
    notices: Mapping[int, str],
) -> MediationSession:
    """Schedule a session, public or private as the parties asked (人民调解法 art 23),
    and record the notice given to each party."""
    _check_actor(actor, case)
    place = _clean_time(scheduled_at=scheduled_at, online=online, place=place)
    with transaction.atomic():
        case = _locked(case, *SESSION_CASE_STATUSES)
        _check_referral(case)
        cleaned = _clean_notices(case, notices)
        session = _create_session(
            case=case,
            actor=actor,
            scheduled_at=scheduled_at,
            place=place,
            online=online,
            public=public,
            notices=cleaned,
        )
        audit_record(
            action=AuditAction.SESSION_SCHEDULED,
            actor=actor,
            case=case,
            session=session.pk,
            at=scheduled_at.isoformat(),
            online=online,
            public=public,
        )
    return session


def rights_notice_record(
    *,
    case: Case,
    actor,
    parties: Collection[CaseParty],
    items: Collection[str],
    channel: str,
    note: str = "",
) -> RightsNotice:
    """Record that ``parties`` were told their rights and duties, the procedure, the
    effect of an agreement and judicial confirmation, and warned against sham
    mediation (特邀调解规定 art 14). Every item must have been told."""
    _check_actor(actor, case)
    errors = {}
    if not parties:
        errors["parties"] = _("Choose the parties who were told.")
    elif any(party.case_id != case.pk for party in parties):
        errors["parties"] = _("This person is not a party to the case.")
    if set(RightsItem.values) - set(items):
        errors["items"] = _("Every item must be explained before mediation starts.")
    if channel not in NoticeChannel.values:
        errors["channel"] = _("Say how the parties were told.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = _locked(case, *SESSION_CASE_STATUSES)
        notice = RightsNotice.objects.create(
            case=case,
            items=list(RightsItem.values),
            channel=channel,
            note=note.strip(),
            recorded_by=actor,
        )
        notice.parties.set(parties)
        audit_record(
            action=AuditAction.RIGHTS_NOTIFIED,
            actor=actor,
            case=case,
            parties=[party.person.name for party in parties],
            channel=channel,
        )
    return notice


def _locked_session(session: MediationSession, actor) -> tuple[Case, MediationSession]:
    _check_actor(actor, session.case)
    case = _locked(session.case, *SESSION_CASE_STATUSES)
    session = MediationSession.objects.select_for_update().get(pk=session.pk)
    if session.status != SessionStatus.SCHEDULED:
        raise ValidationError(
            _("This session is “%(status)s”; only a scheduled session can change.")
            % {"status": session.get_status_display()}
        )
    return case, session


def session_record(
    *,
    session: MediationSession,
    actor,
    attendance: Mapping[int, tuple[bool, str]],
    statements: str,
    outcome: str,
    outcome_note: str = "",
) -> MediationSession:
    """Record a session as held: who attended, what each side said, and the outcome.

    Refused unless every party has been told their rights first (特邀调解规定 art 14).
    """
    errors = {}
    if outcome not in SessionOutcome.values or not outcome:
        errors["outcome"] = _("Choose the outcome of the session.")
    if not (statements or "").strip():
        errors["statements"] = _("Record what was said and done at the session.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case, session = _locked_session(session, actor)
        _check_referral(case)
        if session.scheduled_at > timezone.now():
            raise ValidationError(_("A session cannot be recorded before its time."))
        untold = selectors_sessions.parties_not_told_rights(case)
        if untold:
            raise ValidationError(
                _(
                    "Before mediation, tell the parties their rights and duties, the "
                    "procedure, the effect of an agreement and judicial confirmation, "
                    "and record it (art 14). Not yet told: %(names)s."
                )
                % {"names": "、".join(party.person.name for party in untold)}
            )
        parties = list(case.parties.all())
        if not any(attendance.get(party.pk, (False, ""))[0] for party in parties):
            raise ValidationError(_("No party attended: postpone or cancel the session instead."))
        SessionAttendance.objects.bulk_create(
            SessionAttendance(
                session=session,
                party=party,
                present=bool(attendance.get(party.pk, (False, ""))[0]),
                statement=(attendance.get(party.pk, (False, ""))[1] or "").strip(),
            )
            for party in parties
        )
        session.status = SessionStatus.HELD
        session.statements = statements.strip()
        session.outcome = outcome
        session.outcome_note = outcome_note.strip()
        session.recorded_by = actor
        session.recorded_at = timezone.now()
        session.save()
        audit_record(
            action=AuditAction.SESSION_HELD,
            actor=actor,
            case=case,
            session=session.pk,
            outcome=outcome,
        )
    return session


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    return reason


def session_postpone(
    *,
    session: MediationSession,
    actor,
    reason: str,
    scheduled_at: datetime.datetime,
    place: str = "",
    online: bool = False,
    notices: Mapping[int, str],
) -> MediationSession:
    """Postpone a scheduled session to a new time, with a reason and a fresh notice to
    each party; returns the new session. Public or private stays as the parties asked."""
    reason = _reason(reason)
    place = _clean_time(scheduled_at=scheduled_at, online=online, place=place)
    with transaction.atomic():
        case, old = _locked_session(session, actor)
        _check_referral(case)
        cleaned = _clean_notices(case, notices)
        old.status = SessionStatus.POSTPONED
        old.reason = reason
        old.save(update_fields=["status", "reason"])
        new = _create_session(
            case=case,
            actor=actor,
            scheduled_at=scheduled_at,
            place=place,
            online=online,
            public=old.public,
            notices=cleaned,
            rescheduled_from=old,
        )
        audit_record(
            action=AuditAction.SESSION_POSTPONED,
            actor=actor,
            case=case,
            session=old.pk,
            new_session=new.pk,
            at=scheduled_at.isoformat(),
            reason=reason,
        )
    return new


def session_cancel(*, session: MediationSession, actor, reason: str) -> MediationSession:
    """Cancel a scheduled session, with a reason."""
    reason = _reason(reason)
    with transaction.atomic():
        case, session = _locked_session(session, actor)
        session.status = SessionStatus.CANCELLED
        session.reason = reason
        session.save(update_fields=["status", "reason"])
        audit_record(
            action=AuditAction.SESSION_CANCELLED,
            actor=actor,
            case=case,
            session=session.pk,
            reason=reason,
        )
    return session
