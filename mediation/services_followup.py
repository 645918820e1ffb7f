"""复诊 follow-up: the return visit to a closed case, and the case a recurred dispute opens.

A closed case is visited again ``MEDIATION["RETURN_VISIT_DAYS"]`` days after closing
(``deadlines.return_visit_date``). The visit finds the matter stable, or recurred: then a
new case opens, linked to the old one, with the same parties and agents.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from . import deadlines
from .atomic import atomic
from .models import (
    AuditAction,
    Case,
    CaseStatus,
    Person,
    ReturnVisit,
    ReturnVisitResult,
)
from .services import PartyInput, PersonInput, audit_record, case_report
from .services_case import case_locked


def return_visit_schedule(*, case: Case) -> tuple[ReturnVisit, bool]:
    """Schedule the return visit to a case that has just closed (回访); a visit not
    made yet is returned as it is. Returns the visit and whether it was made now."""
    with atomic():
        case = case_locked(case.pk)
        if case.status != CaseStatus.CLOSED:
            raise ValidationError(_("Only a closed case gets a return visit."))
        pending = case.return_visits.filter(visited_at__isnull=True).first()
        if pending is not None:
            return pending, False
        due_on = deadlines.return_visit_date(timezone.localdate(case.closed_at))
        visit = ReturnVisit.objects.create(case=case, due_on=due_on)
        audit_record(
            action=AuditAction.RETURN_VISIT_SCHEDULED, case=case, due_on=due_on.isoformat()
        )
    return visit, True


def _person_input(person: Person) -> PersonInput:
    return PersonInput(
        kind=person.kind,
        name=person.name,
        id_number=person.id_number,
        credit_code=person.credit_code,
        legal_representative=person.legal_representative,
        phone=person.phone,
        address=person.address,
        special_groups=tuple(person.special_groups),
        person_id=person.pk,
    )


def _party_inputs(case: Case) -> list[PartyInput]:
    return [
        PartyInput(
            role=party.role,
            person=_person_input(party.person),
            agent=_person_input(party.agent) if party.agent else None,
            agent_relation=party.agent_relation,
        )
        for party in case.parties.select_related("person", "agent").order_by("id")
    ]


def return_visit_record(*, visit: ReturnVisit, actor, result: str, notes: str) -> ReturnVisit:
    """Record what the return visit found; a recurred dispute opens a new, linked case."""
    if result not in ReturnVisitResult.values:
        raise ValidationError({"result": _("Choose stable or recurred.")})
    notes = (notes or "").strip()
    if result == ReturnVisitResult.RECURRED and not notes:
        raise ValidationError({"notes": _("Describe how the dispute recurred.")})
    with atomic():
        visit = ReturnVisit.objects.select_for_update().get(pk=visit.pk)
        if visit.visited_at is not None:
            raise ValidationError(_("This return visit has already been recorded."))
        old = Case.objects.select_related("handling_org").get(pk=visit.case_id)
        visit.result, visit.notes = result, notes
        visit.visitor, visit.visited_at = actor, timezone.now()
        audit_record(
            action=AuditAction.RETURN_VISIT_DONE, actor=actor, case=old, result=result, notes=notes
        )
        if result == ReturnVisitResult.RECURRED:
            new = case_report(
                actor=actor,
                handling_org=old.handling_org,
                title=(_("Recurred: %(title)s") % {"title": old.title})[:200],
                description=notes,
                dispute_type=old.dispute_type,
                channel=old.channel,
                parties=_party_inputs(old),
                amount=old.amount,
                grid=old.grid,
                location=old.location,
                reopened_from=old,
            )
            visit.new_case = new
            audit_record(
                action=AuditAction.CASE_REOPENED, actor=actor, case=old, new_case=new.number
            )
            audit_record(
                action=AuditAction.CASE_REOPENED, actor=actor, case=new, reopened_from=old.number
            )
        visit.save(update_fields=["result", "notes", "visitor", "visited_at", "new_case"])
    return visit


__all__ = ["return_visit_record", "return_visit_schedule"]
