"""巡诊 patrol: staff go out to the communities on a schedule and look for disputes.

Each community has a standing schedule (every so many days). A round, scheduled or ad
hoc, records what the patroller found; a finding can open a case with the channel
"patrol", handled by the community and linked to the round.
"""

import dataclasses
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import deadlines
from .models import (
    AuditAction,
    Channel,
    DisputeType,
    Organisation,
    OrgKind,
    PartyRole,
    PatrolFinding,
    PatrolKind,
    PatrolRound,
    PatrolSchedule,
    PersonKind,
)
from .services import PartyInput, PersonInput, audit_record, case_report

MAX_EVERY_DAYS = 366


def _check_community(community: Organisation) -> None:
    if community.kind != OrgKind.COMMITTEE:
        raise ValidationError({"community": _("Patrols are scheduled for a community.")})


def patrol_schedule_set(
    *, community: Organisation, every_days: int, actor, next_due=None, active: bool = True
) -> PatrolSchedule:
    """Create or change a community's standing schedule.

    A new schedule's first round falls due ``every_days`` from today unless ``next_due``
    says otherwise.
    """
    _check_community(community)
    if not 1 <= int(every_days) <= MAX_EVERY_DAYS:
        raise ValidationError({"every_days": _("Patrol every 1 to 366 days.")})
    today = timezone.localdate()
    if next_due is not None and next_due < today:
        raise ValidationError({"next_due": _("The next round cannot be due in the past.")})
    with transaction.atomic():
        schedule = PatrolSchedule.objects.select_for_update().filter(community=community).first()
        if schedule is None:
            schedule = PatrolSchedule(community=community)
        schedule.every_days = int(every_days)
        schedule.active = active
        if next_due is not None:
            schedule.next_due = next_due
        elif schedule.next_due is None:
            schedule.next_due = deadlines.patrol_next_due(today, schedule.every_days)
        schedule.save()
    return schedule


def _round_open(*, community: Organisation, kind: str, planned_for, actor=None) -> PatrolRound:
    patrol_round = PatrolRound.objects.create(
        community=community, kind=kind, planned_for=planned_for, started_by=actor
    )
    audit_record(
        action=AuditAction.PATROL_ROUND_OPENED,
        actor=actor,
        round=patrol_round.pk,
        community=community.name,
        kind=kind,
        planned_for=planned_for.isoformat(),
    )
    return patrol_round


def patrol_round_open(*, schedule: PatrolSchedule) -> PatrolRound | None:
    """Open the scheduled round that is due and move the schedule to the next one.

    Returns None when the schedule was stopped or its round is not yet due. Rounds
    missed while nothing ran are not opened one after another: the next falls after today.
    """
    with transaction.atomic():
        schedule = PatrolSchedule.objects.select_for_update().get(pk=schedule.pk)
        today = timezone.localdate()
        if not schedule.active or schedule.next_due > today:
            return None
        patrol_round = _round_open(
            community=schedule.community, kind=PatrolKind.SCHEDULED, planned_for=schedule.next_due
        )
        next_due = deadlines.patrol_next_due(schedule.next_due, schedule.every_days)
        while next_due <= today:
            next_due = deadlines.patrol_next_due(next_due, schedule.every_days)
        schedule.next_due = next_due
        schedule.save(update_fields=["next_due"])
    return patrol_round


def patrol_round_open_ad_hoc(*, community: Organisation, actor) -> PatrolRound:
    """Start a round now, outside the schedule."""
    _check_community(community)
    with transaction.atomic():
        return _round_open(
            community=community,
            kind=PatrolKind.AD_HOC,
            planned_for=timezone.localdate(),
            actor=actor,
        )


@dataclasses.dataclass(frozen=True)
class FindingInput:
    """A matter seen on a round; ``open_case`` makes it a case, with the two sides named."""

    description: str
    location: str = ""
    open_case: bool = False
    dispute_type: str = ""
    applicant_name: str = ""
    applicant_phone: str = ""
    respondent_name: str = ""


def _check_finding(finding: FindingInput) -> dict:
    errors = {}
    if not finding.description.strip():
        errors["description"] = _("Describe what was found.")
    if finding.open_case:
        if finding.dispute_type not in DisputeType.values:
            errors["dispute_type"] = _("Choose a dispute type to open a case.")
        if not finding.applicant_name.strip():
            errors["applicant_name"] = _("Name the party who raised the matter.")
        if not finding.applicant_phone.strip():
            errors["applicant_phone"] = _("Enter a phone number so that the centre can reach them.")
        if not finding.respondent_name.strip():
            errors["respondent_name"] = _("Name the other side of the dispute.")
    return errors


# case_report's keys for a finding's party fields; any other error belongs to the finding.
_PARTY_FIELDS = {
    "parties.0.name": "applicant_name",
    "parties.0.phone": "applicant_phone",
    "parties.1.name": "respondent_name",
    "dispute_type": "dispute_type",
    "description": "description",
    "title": "description",
}


def _finding_case(*, patrol_round: PatrolRound, finding: FindingInput, actor, index: int):
    description = finding.description.strip()
    try:
        return case_report(
            actor=actor,
            handling_org=patrol_round.community,
            title=description.splitlines()[0][:100],
            description=description,
            dispute_type=finding.dispute_type,
            channel=Channel.PATROL,
            location=finding.location,
            parties=[
                PartyInput(
                    role=PartyRole.APPLICANT,
                    person=PersonInput(
                        kind=PersonKind.NATURAL,
                        name=finding.applicant_name,
                        phone=finding.applicant_phone,
                    ),
                ),
                PartyInput(
                    role=PartyRole.RESPONDENT,
                    person=PersonInput(kind=PersonKind.NATURAL, name=finding.respondent_name),
                ),
            ],
        )
    except ValidationError as exc:
        raise ValidationError(
            {
                f"findings.{index}.{_PARTY_FIELDS.get(key, '__all__')}": messages
                for key, messages in exc.message_dict.items()
            }
        ) from None


def patrol_round_record(
    *, round: PatrolRound, actor, notes: str, findings: Sequence[FindingInput]
) -> PatrolRound:
    """Record a round's findings; each one marked opens a case with the channel "patrol".

    Errors are keyed ``findings.<index>.<field>``; nothing is saved if any finding is wrong.
    """
    errors = {}
    for index, finding in enumerate(findings):
        for field, message in _check_finding(finding).items():
            errors[f"findings.{index}.{field}"] = message
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        patrol_round = PatrolRound.objects.select_for_update().get(pk=round.pk)
        if patrol_round.recorded_at is not None:
            raise ValidationError(_("This patrol round has already been recorded."))
        opened = []
        for index, finding in enumerate(findings):
            case = None
            if finding.open_case:
                case = _finding_case(
                    patrol_round=patrol_round, finding=finding, actor=actor, index=index
                )
                opened.append(case.number)
            PatrolFinding.objects.create(
                round=patrol_round,
                description=finding.description.strip(),
                location=finding.location.strip(),
                case=case,
            )
        patrol_round.notes = (notes or "").strip()
        patrol_round.patroller = actor
        patrol_round.recorded_at = timezone.now()
        patrol_round.save(update_fields=["notes", "patroller", "recorded_at"])
        audit_record(
            action=AuditAction.PATROL_ROUND_RECORDED,
            actor=actor,
            round=patrol_round.pk,
            community=patrol_round.community.name,
            findings=len(findings),
            cases=opened,
        )
    return patrol_round


__all__ = [
    "FindingInput",
    "patrol_round_open",
    "patrol_round_open_ad_hoc",
    "patrol_round_record",
    "patrol_schedule_set",
]
