"""会诊 joint consultation: summon departments (吹哨), each reports in (报到), a joint plan.

A department that misses its date is escalated to the district centre's director,
who answers for it or gives it a new date. Once every department has reported in,
the handler records the joint plan, which closes the consultation.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import deadlines
from .models import AuditAction, Case, DepartmentSummons, JointConsultation, Organisation
from .services import audit_record
from .services_case import _locked, _required
from .services_handling import HANDLING_STATUSES, district_centre_of, notify


def joint_consultation_open(
    *,
    case: Case,
    actor,
    departments: list[Organisation],
    due_on: datetime.date | None,
    reason: str,
) -> JointConsultation:
    """Summon ``departments`` to a case (吹哨); each must report in by ``due_on``.

    Without a date, the departments get the configured number of working days.
    """
    today = timezone.localdate()
    errors = {}
    departments = list(departments or [])
    if not departments:
        errors["departments"] = _("Summon at least one department.")
    elif len({d.pk for d in departments}) != len(departments):
        errors["departments"] = _("Each department can be summoned only once.")
    if due_on is not None and due_on < today:
        errors["due_on"] = _("The report-in date cannot be in the past.")
    if not (reason or "").strip():
        errors["reason"] = _("Say what the departments are asked.")
    if errors:
        raise ValidationError(errors)
    if due_on is None:
        due_on = deadlines.summons_due_date(today, settings.MEDIATION["SUMMONS_WORKING_DAYS"])
    with transaction.atomic():
        case = _locked(case, *HANDLING_STATUSES)
        if JointConsultation.objects.filter(case=case, planned_at__isnull=True).exists():
            raise ValidationError(_("This case already has an open joint consultation."))
        consultation = JointConsultation.objects.create(
            case=case, reason=reason.strip(), summoned_by=actor
        )
        DepartmentSummons.objects.bulk_create(
            DepartmentSummons(consultation=consultation, department=d, due_on=due_on)
            for d in departments
        )
        audit_record(
            action=AuditAction.JOINT_SUMMONED,
            actor=actor,
            case=case,
            departments=[d.name for d in departments],
            due_on=str(due_on),
            reason=consultation.reason,
        )
        for department in departments:
            notify(
                organisation=department,
                case=case,
                text=_("Case %(number)s: you are summoned to report in by %(due)s: %(reason)s")
                % {"number": case.number, "due": due_on, "reason": consultation.reason},
            )
    return consultation


def _locked_summons(summons: DepartmentSummons) -> DepartmentSummons:
    """Reload ``summons`` under a row lock; it must still be owed by an open consultation."""
    locked = (
        DepartmentSummons.objects.select_for_update(of=("self",))
        .select_related("consultation__case", "department")
        .get(pk=summons.pk)
    )
    if not locked.consultation.is_open:
        raise ValidationError(_("This joint consultation is already closed."))
    if locked.reported_at is not None:
        raise ValidationError(_("This department has already reported in."))
    return locked


def joint_report_in(*, summons: DepartmentSummons, actor, opinion: str) -> DepartmentSummons:
    """The summoned department reports in with its written opinion (报到)."""
    opinion = _required(opinion, _("Write the department's opinion."))
    with transaction.atomic():
        summons = _locked_summons(summons)
        if timezone.localdate() > summons.due_on:
            raise ValidationError(
                _("The report-in date %(due)s has passed; the district centre's director decides.")
                % {"due": summons.due_on}
            )
        summons.opinion = opinion
        summons.reported_by = actor
        summons.reported_at = timezone.now()
        summons.save(update_fields=["opinion", "reported_by", "reported_at"])
        audit_record(
            action=AuditAction.JOINT_REPORTED_IN,
            actor=actor,
            case=summons.consultation.case,
            department=summons.department.name,
            late=summons.extensions > 0,
        )
    return summons


def joint_summons_escalate(*, summons: DepartmentSummons) -> DepartmentSummons:
    """A department missed its date: the district centre's director is told to decide.

    Called by the flow's report-in deadline timer.
    """
    with transaction.atomic():
        summons = _locked_summons(summons)
        case = summons.consultation.case
        summons.escalated_at = timezone.now()
        summons.save(update_fields=["escalated_at"])
        audit_record(
            action=AuditAction.JOINT_ESCALATED,
            actor=None,
            case=case,
            department=summons.department.name,
            due_on=str(summons.due_on),
        )
        notify(
            organisation=district_centre_of(case),
            case=case,
            text=_(
                "Case %(number)s: %(department)s did not report in by %(due)s; "
                "answer for it or extend its deadline."
            )
            % {"number": case.number, "department": summons.department.name, "due": summons.due_on},
        )
    return summons


def _escalated(summons: DepartmentSummons) -> DepartmentSummons:
    summons = _locked_summons(summons)
    if summons.escalated_at is None:
        raise ValidationError(_("Only a department that missed its date can be decided for."))
    return summons


def joint_summons_extend(
    *, summons: DepartmentSummons, actor, due_on: datetime.date | None
) -> DepartmentSummons:
    """The director gives a late department a new date to report in by."""
    if due_on is None:
        raise ValidationError({"due_on": _("Give the new report-in date.")})
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": _("The report-in date cannot be in the past.")})
    with transaction.atomic():
        summons = _escalated(summons)
        previous = summons.due_on
        summons.due_on = due_on
        summons.extensions += 1
        summons.save(update_fields=["due_on", "extensions"])
        case = summons.consultation.case
        audit_record(
            action=AuditAction.JOINT_EXTENDED,
            actor=actor,
            case=case,
            department=summons.department.name,
            from_date=str(previous),
            to_date=str(due_on),
        )
        notify(
            organisation=summons.department,
            case=case,
            text=_("Case %(number)s: report in by %(due)s at the latest.")
            % {"number": case.number, "due": due_on},
        )
    return summons


def joint_summons_answer(*, summons: DepartmentSummons, actor, opinion: str) -> DepartmentSummons:
    """The director answers for a department that did not report in."""
    opinion = _required(opinion, _("Write the opinion given for the department."))
    with transaction.atomic():
        summons = _escalated(summons)
        summons.opinion = opinion
        summons.reported_by = actor
        summons.reported_at = timezone.now()
        summons.answered_by_director = True
        summons.save(
            update_fields=["opinion", "reported_by", "reported_at", "answered_by_director"]
        )
        audit_record(
            action=AuditAction.JOINT_ANSWERED,
            actor=actor,
            case=summons.consultation.case,
            department=summons.department.name,
        )
    return summons


def joint_consultation_plan(
    *, consultation: JointConsultation, actor, plan: str
) -> JointConsultation:
    """Record the joint plan once every department has reported in; the consultation closes."""
    plan = _required(plan, _("Write the joint plan."))
    with transaction.atomic():
        _locked(consultation.case, *HANDLING_STATUSES)
        consultation = JointConsultation.objects.select_for_update().get(pk=consultation.pk)
        if not consultation.is_open:
            raise ValidationError(_("This joint consultation is already closed."))
        if consultation.summonses.filter(reported_at__isnull=True).exists():
            raise ValidationError(_("Every department must report in before the joint plan."))
        consultation.plan = plan
        consultation.planned_at = timezone.now()
        consultation.save(update_fields=["plan", "planned_at"])
        audit_record(
            action=AuditAction.JOINT_PLANNED,
            actor=actor,
            case=consultation.case,
            plan=plan,
        )
    return consultation


__all__ = [
    "joint_consultation_open",
    "joint_consultation_plan",
    "joint_report_in",
    "joint_summons_answer",
    "joint_summons_escalate",
    "joint_summons_extend",
]
