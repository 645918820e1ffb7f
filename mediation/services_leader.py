"""专诊 leader case: a hard case owned to the end by a responsible leader (包保领导).

The leader approves the handler's resolution plan; the handler then owes a progress
report on a fixed cycle (``deadlines.progress_report_due``), and a missed report alerts
the leader. The handler records the resolution; the leader signs it off or sends it
back. Each service locks the case row, checks the state, writes its audit event with
the leader case's id, and changes nothing when it refuses.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from . import deadlines, selectors, selectors_leader
from .models import AuditAction, Case, CaseStatus, LeaderCase, Outcome, ProgressReport, Tier
from .services import audit_record
from .services_case import _locked, _required, case_record_outcome
from .services_handling import HANDLING_STATUSES, notify


def _notify(*, user, case: Case, text: str) -> None:
    notify(user=user, case=case, text=Truncator(text).chars(300))


def _locked_open(leader_case: LeaderCase, *statuses: str) -> tuple[Case, LeaderCase]:
    """Lock the case (in one of ``statuses``) and its leader case, which must be open."""
    case = _locked(leader_case.case, *statuses)
    leader_case = LeaderCase.objects.select_for_update().get(pk=leader_case.pk)
    if leader_case.signed_off_at is not None:
        raise ValidationError(_("The responsible leader has already signed this case off."))
    return case, leader_case


def _check_leader(leader_case: LeaderCase, actor) -> None:
    if actor is None or actor.pk != leader_case.leader_id:
        raise ValidationError(_("Only the case's responsible leader may do this."))


def _check_approved(leader_case: LeaderCase) -> None:
    if leader_case.plan_approved_at is None:
        raise ValidationError(_("The resolution plan has not been approved yet."))


def _owe_report(leader_case: LeaderCase, due_on) -> ProgressReport:
    return ProgressReport.objects.create(leader_case=leader_case, due_on=due_on)


def _owed_locked(leader_case: LeaderCase) -> ProgressReport | None:
    return (
        leader_case.progress_reports.select_for_update()
        .filter(filed_at__isnull=True, missed=False)
        .order_by("due_on", "id")
        .first()
    )


def leader_case_open(*, case: Case, actor, leader) -> LeaderCase:
    """Hand a hard case to a responsible leader, who is told of it."""
    if leader is None:
        raise ValidationError({"leader": _("Choose the responsible leader.")})
    with transaction.atomic():
        case = _locked(case, *HANDLING_STATUSES)
        if case.tier != Tier.HARD:
            raise ValidationError(_("Only a hard case is handed to a responsible leader."))
        if not selectors_leader.is_responsible_leader(leader):
            raise ValidationError({"leader": _("This person is not a responsible leader.")})
        if leader.pk in (getattr(actor, "pk", None), case.mediator_id):
            raise ValidationError(
                {"leader": _("The case's handler cannot be its responsible leader.")}
            )
        if selectors_leader.case_has_open_leader_case(case):
            raise ValidationError(_("The case already has a responsible leader."))
        leader_case = LeaderCase.objects.create(case=case, leader=leader, appointed_by=actor)
        audit_record(
            action=AuditAction.LEADER_APPOINTED,
            actor=actor,
            case=case,
            leader_case=leader_case.pk,
            leader=leader.get_full_name() or leader.get_username(),
        )
        _notify(
            user=leader,
            case=case,
            text=_(
                "You are the responsible leader of case %(number)s; its resolution plan "
                "will come to you for approval."
            )
            % {"number": case.number},
        )
    return leader_case


def leader_plan_draft(*, leader_case: LeaderCase, actor, plan: str) -> LeaderCase:
    """The handler writes (or rewrites) the resolution plan for the leader to approve."""
    plan = _required(plan, _("Write the resolution plan."))
    with transaction.atomic():
        case, leader_case = _locked_open(leader_case, *HANDLING_STATUSES)
        if leader_case.plan_approved_at is not None:
            raise ValidationError(_("The resolution plan is already approved."))
        leader_case.plan = plan
        leader_case.save(update_fields=["plan"])
        audit_record(
            action=AuditAction.LEADER_PLAN_DRAFTED,
            actor=actor,
            case=case,
            leader_case=leader_case.pk,
        )
        _notify(
            user=leader_case.leader,
            case=case,
            text=_("The resolution plan of case %(number)s awaits your approval.")
            % {"number": case.number},
        )
    return leader_case


def leader_plan_approve(*, leader_case: LeaderCase, actor) -> LeaderCase:
    """The leader approves the plan; the first progress report falls due one cycle on."""
    with transaction.atomic():
        case, leader_case = _locked_open(leader_case, *HANDLING_STATUSES)
        _check_leader(leader_case, actor)
        if leader_case.plan_approved_at is not None:
            raise ValidationError(_("The resolution plan is already approved."))
        if not leader_case.plan.strip():
            raise ValidationError(_("There is no resolution plan to approve yet."))
        leader_case.plan_approved_at = timezone.now()
        leader_case.save(update_fields=["plan_approved_at"])
        report = _owe_report(
            leader_case,
            deadlines.progress_report_due(timezone.localdate(leader_case.plan_approved_at)),
        )
        audit_record(
            action=AuditAction.LEADER_PLAN_APPROVED,
            actor=actor,
            case=case,
            leader_case=leader_case.pk,
            first_report_due=str(report.due_on),
        )
    return leader_case


def leader_plan_return(*, leader_case: LeaderCase, actor, comments: str) -> LeaderCase:
    """The leader sends the plan back to the handler with comments to answer."""
    comments = _required(comments, _("Say what the plan must change."))
    with transaction.atomic():
        case, leader_case = _locked_open(leader_case, *HANDLING_STATUSES)
        _check_leader(leader_case, actor)
        if leader_case.plan_approved_at is not None:
            raise ValidationError(_("The resolution plan is already approved."))
        audit_record(
            action=AuditAction.LEADER_PLAN_RETURNED,
            actor=actor,
            case=case,
            leader_case=leader_case.pk,
            comments=comments,
        )
    return leader_case


def progress_report_file(*, leader_case: LeaderCase, actor, text: str) -> ProgressReport:
    """The handler files the owed report; the next one falls due one cycle from today."""
    text = _required(text, _("Write what has been done since the last report."))
    with transaction.atomic():
        case, leader_case = _locked_open(leader_case, *HANDLING_STATUSES)
        _check_approved(leader_case)
        report = _owed_locked(leader_case)
        if report is None:
            raise ValidationError(_("No progress report is owed on this case."))
        report.text = text
        report.filed_by = actor
        report.filed_at = timezone.now()
        report.save(update_fields=["text", "filed_by", "filed_at"])
        following = _owe_report(
            leader_case, deadlines.progress_report_due(timezone.localdate(report.filed_at))
        )
        audit_record(
            action=AuditAction.PROGRESS_FILED,
            actor=actor,
            case=case,
            leader_case=leader_case.pk,
            due_on=str(report.due_on),
            next_due=str(following.due_on),
        )
    return report


def progress_report_mark_missed(*, leader_case: LeaderCase) -> ProgressReport | None:
    """The owed report's day has ended unfiled: mark it missed and alert the leader.

    Called by the flow's timer. The next report falls due one cycle after the missed
    one, so the cycle keeps its rhythm. Returns the missed report, or None when no
    report is past due (nothing changes).
    """
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=leader_case.case_id)
        leader_case = LeaderCase.objects.select_for_update().get(pk=leader_case.pk)
        report = _owed_locked(leader_case)
        if (
            leader_case.signed_off_at is not None
            or report is None
            or deadlines.end_of_day(report.due_on) > timezone.now()
        ):
            return None
        report.missed = True
        report.save(update_fields=["missed"])
        following = _owe_report(leader_case, deadlines.progress_report_due(report.due_on))
        audit_record(
            action=AuditAction.PROGRESS_MISSED,
            actor=None,
            case=case,
            leader_case=leader_case.pk,
            due_on=str(report.due_on),
            next_due=str(following.due_on),
        )
        _notify(
            user=leader_case.leader,
            case=case,
            text=_(
                "Case %(number)s: the progress report due %(due)s was not filed. "
                "The next one is due %(next)s."
            )
            % {"number": case.number, "due": report.due_on, "next": following.due_on},
        )
    return report


def leader_case_resolve(
    *,
    leader_case: LeaderCase,
    actor,
    outcome: str,
    summary: str,
    reasons: str = "",
    other_routes: str = "",
) -> Case:
    """The handler records the resolution; it waits for the leader's sign-off."""
    with transaction.atomic():
        _case, leader_case = _locked_open(leader_case, *HANDLING_STATUSES)
        _check_approved(leader_case)
        case = case_record_outcome(
            case=leader_case.case,
            actor=actor,
            outcome=outcome,
            summary=summary,
            reasons=reasons,
            other_routes=other_routes,
        )
        _notify(
            user=leader_case.leader,
            case=case,
            text=_("Case %(number)s: the resolution is recorded and awaits your sign-off.")
            % {"number": case.number},
        )
    return case


def leader_sign_off(*, leader_case: LeaderCase, actor, note: str = "") -> LeaderCase:
    """The leader signs off the recorded resolution; the case goes on to verification."""
    with transaction.atomic():
        case, leader_case = _locked_open(leader_case, CaseStatus.VERIFYING)
        _check_leader(leader_case, actor)
        leader_case.signed_off_at = timezone.now()
        leader_case.sign_off_note = (note or "").strip()
        leader_case.save(update_fields=["signed_off_at", "sign_off_note"])
        # Nothing more is owed once the leader has signed the case off.
        leader_case.progress_reports.filter(filed_at__isnull=True, missed=False).delete()
        audit_record(
            action=AuditAction.LEADER_SIGNED_OFF,
            actor=actor,
            case=case,
            leader_case=leader_case.pk,
            note=leader_case.sign_off_note,
        )
    return leader_case


def leader_send_back(*, leader_case: LeaderCase, actor, note: str) -> LeaderCase:
    """The leader refuses the resolution: the case goes back to mediation, reports resume."""
    note = _required(note, _("Say why the resolution is sent back."))
    with transaction.atomic():
        case, leader_case = _locked_open(leader_case, CaseStatus.VERIFYING)
        _check_leader(leader_case, actor)
        recorder = selectors.case_outcome_recorder(case)
        case.status = CaseStatus.MEDIATING
        case.outcome = Outcome.NONE
        case.save(update_fields=["status", "outcome"])
        # The cycle restarts from today: no report was owed while the leader decided.
        due_on = deadlines.progress_report_due(timezone.localdate())
        report = _owed_locked(leader_case)
        if report is None:
            _owe_report(leader_case, due_on)
        else:
            report.due_on = due_on
            report.save(update_fields=["due_on"])
        audit_record(
            action=AuditAction.LEADER_SENT_BACK,
            actor=actor,
            case=case,
            leader_case=leader_case.pk,
            note=note,
            next_due=str(due_on),
        )
        if recorder is not None:
            _notify(
                user=recorder,
                case=case,
                text=_("Case %(number)s: the responsible leader sent the resolution back: %(note)s")
                % {"number": case.number, "note": note},
            )
    return leader_case


__all__ = [
    "leader_case_open",
    "leader_case_resolve",
    "leader_plan_approve",
    "leader_plan_draft",
    "leader_plan_return",
    "leader_send_back",
    "leader_sign_off",
    "progress_report_file",
    "progress_report_mark_missed",
]
