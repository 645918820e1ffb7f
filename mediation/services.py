"""Every write to the domain goes through a function here.

Each service validates its input, makes the change and writes the audit event in one
transaction, so a change without its audit row, or half a case, cannot exist.
"""

import dataclasses
import uuid
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import deadlines
from .models import (
    AuditAction,
    AuditEvent,
    Case,
    CaseNumberSequence,
    CaseParty,
    Channel,
    DisputeType,
    Membership,
    Organisation,
    OrgKind,
    PartyRole,
    Person,
    PersonKind,
    SpecialGroup,
    Tier,
)
from .models.organisations import CENTRE_KINDS
from .signals import case_reported
from .validators import (
    normalize_credit_code,
    normalize_id_number,
    normalize_phone,
    validate_amount,
    validate_credit_code,
    validate_id_number,
    validate_phone,
)


def audit_record(*, action: str, actor=None, case: Case | None = None, **data) -> AuditEvent:
    return AuditEvent.objects.create(action=action, actor=actor, case=case, data=data)


# Organisations and people who work in them.


def organisation_create(
    *,
    code: str,
    name: str,
    kind: str,
    parent: Organisation | None = None,
    short_name: str = "",
    address: str = "",
    phone: str = "",
    actor=None,
) -> Organisation:
    path = f"{parent.path if parent else '/'}{code}/"
    with transaction.atomic():
        org = Organisation.objects.create(
            code=code,
            name=name,
            kind=kind,
            parent=parent,
            short_name=short_name,
            path=path,
            address=address,
            phone=phone,
        )
        audit_record(action=AuditAction.ORGANISATION_CREATED, actor=actor, code=code, name=name)
    return org


def membership_grant(*, user, organisation: Organisation, role: str, actor=None) -> Membership:
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, organisation=organisation, role=role
        )
        if created:
            audit_record(
                action=AuditAction.MEMBERSHIP_GRANTED,
                actor=actor,
                user=user.get_username(),
                organisation=organisation.code,
                role=role,
            )
    return membership


# Parties.


@dataclasses.dataclass(frozen=True)
class PersonInput:
    kind: str
    name: str
    id_number: str = ""
    credit_code: str = ""
    legal_representative: str = ""
    phone: str = ""
    address: str = ""
    special_groups: Sequence[str] = ()
    # A person already on record (a returning party of a reopened case): kept as is.
    person_id: int | None = None


@dataclasses.dataclass(frozen=True)
class PartyInput:
    role: str
    person: PersonInput
    agent: PersonInput | None = None
    agent_relation: str = ""


def _clean_person(data: PersonInput, *, require_phone: bool) -> PersonInput:
    """Normalise and validate; raises ValidationError keyed by field name."""
    errors = {}
    name = data.name.strip()
    if not name:
        errors["name"] = _("Enter the name.")
    if data.kind not in PersonKind.values:
        errors["kind"] = _("Choose natural person or legal person.")
    id_number = normalize_id_number(data.id_number)
    credit_code = normalize_credit_code(data.credit_code)
    phone = normalize_phone(data.phone)
    if data.kind == PersonKind.NATURAL and credit_code:
        errors["credit_code"] = _("A natural person has an identity number, not a credit code.")
    if data.kind == PersonKind.LEGAL and id_number:
        errors["id_number"] = _("A legal person has a credit code, not an identity number.")
    for field, value, check in (
        ("id_number", id_number, validate_id_number),
        ("credit_code", credit_code, validate_credit_code),
        ("phone", phone, validate_phone),
    ):
        if value and field not in errors:
            try:
                check(value)
            except ValidationError as exc:
                errors[field] = exc.messages[0]
    if require_phone and not phone:
        errors["phone"] = _("Enter a phone number so that the centre can reach this party.")
    unknown = set(data.special_groups) - set(SpecialGroup.values)
    if unknown:
        errors["special_groups"] = _("Unknown special group: %s") % ", ".join(sorted(unknown))
    if errors:
        raise ValidationError(errors)
    return dataclasses.replace(
        data,
        name=name,
        id_number=id_number,
        credit_code=credit_code,
        phone=phone,
        address=data.address.strip(),
        special_groups=tuple(dict.fromkeys(data.special_groups)),
    )


def person_upsert(*, data: PersonInput) -> Person:
    """Find a person by record, identity number or credit code, or create them.

    A returning party keeps one record; details typed in this time fill the gaps.
    The input must have been cleaned by ``_clean_person``.
    """
    key = {}
    if data.person_id is not None:
        key = {"pk": data.person_id}
    elif data.id_number:
        key = {"id_number": data.id_number}
    elif data.credit_code:
        key = {"credit_code": data.credit_code}
    fields = {
        "kind": data.kind,
        "name": data.name,
        "legal_representative": data.legal_representative,
        "phone": data.phone,
        "address": data.address,
        "special_groups": list(data.special_groups),
    }
    if not key:
        return Person.objects.create(**fields)
    person = Person.objects.select_for_update().filter(**key).first()
    if person is None:
        return Person.objects.create(**key, **fields)
    changed = []
    for field in ("phone", "address", "legal_representative"):
        if fields[field] and getattr(person, field) != fields[field]:
            setattr(person, field, fields[field])
            changed.append(field)
    merged = list(dict.fromkeys([*person.special_groups, *data.special_groups]))
    if merged != person.special_groups:
        person.special_groups = merged
        changed.append("special_groups")
    if changed:
        person.save(update_fields=changed)
    return person


# Cases.


def case_number_format(*, centre: Organisation, year: int, serial: int) -> str:
    return f"（{year}）{centre.short_name}调字第{serial:05d}号"


def _case_number_take(*, centre: Organisation, year: int) -> tuple[int, str]:
    """Take the next serial of ``centre`` in ``year``. Call inside a transaction.

    The sequence row is locked until the transaction ends, so concurrent intakes
    queue here; a rolled-back intake gives its serial back, so numbers have no gaps.
    """
    sequences = CaseNumberSequence.objects.select_for_update()
    sequence = sequences.filter(centre=centre, year=year).first()
    if sequence is None:
        # The centre's first case of the year: make the row, whoever else races to.
        CaseNumberSequence.objects.bulk_create(
            [CaseNumberSequence(centre=centre, year=year)], ignore_conflicts=True
        )
        sequence = sequences.get(centre=centre, year=year)
    sequence.last_serial += 1
    sequence.save(update_fields=["last_serial"])
    return sequence.last_serial, case_number_format(
        centre=centre, year=year, serial=sequence.last_serial
    )


def registering_centre(org: Organisation) -> Organisation:
    """The nearest centre at or above ``org``: the one whose register holds its cases."""
    codes = [code for code in org.path.strip("/").split("/") if code]
    centres = {
        o.code: o for o in Organisation.objects.filter(code__in=codes, kind__in=CENTRE_KINDS)
    }
    for code in reversed(codes):
        if code in centres:
            return centres[code]
    raise ValidationError(_("%(org)s belongs to no mediation centre.") % {"org": org.name})


def _clean_case(*, title, description, dispute_type, channel, tier, amount, parties, grid):
    errors = {}
    if not title.strip():
        errors["title"] = _("Enter a short summary of the dispute.")
    if not description.strip():
        errors["description"] = _("Describe the dispute.")
    if dispute_type not in DisputeType.values:
        errors["dispute_type"] = _("Choose a dispute type.")
    if channel not in Channel.values:
        errors["channel"] = _("Choose the channel the case came in by.")
    if tier and tier not in Tier.values:
        errors["tier"] = _("Choose a tier.")
    try:
        validate_amount(amount)
    except ValidationError as exc:
        errors["amount"] = exc.messages[0]
    if grid is not None and grid.kind != OrgKind.GRID:
        errors["grid"] = _("Choose a grid.")
    roles = [p.role for p in parties]
    if PartyRole.APPLICANT not in roles:
        errors["parties"] = _("A case needs at least one applicant.")
    elif PartyRole.RESPONDENT not in roles:
        errors["parties"] = _("A case needs at least one respondent.")
    if errors:
        raise ValidationError(errors)


def case_report(
    *,
    actor,
    handling_org: Organisation,
    title: str,
    description: str,
    dispute_type: str,
    channel: str,
    parties: Sequence[PartyInput],
    tier: str = "",
    amount: Decimal | None = None,
    grid: Organisation | None = None,
    location: str = "",
    reported_at=None,
    intake_token: uuid.UUID | None = None,
    reopened_from: Case | None = None,
) -> Case:
    """Register a new case from any channel (发现上报), with its parties.

    Raises ValidationError, with messages keyed by field (``parties`` errors keyed
    ``parties.<index>.<field>``), and saves nothing, if any input is wrong. Given an
    ``intake_token`` that already made a case, returns that case unchanged.
    """
    _clean_case(
        title=title,
        description=description,
        dispute_type=dispute_type,
        channel=channel,
        tier=tier,
        amount=amount,
        parties=parties,
        grid=grid,
    )
    cleaned, errors = [], {}
    for index, party in enumerate(parties):
        try:
            person = _clean_person(party.person, require_phone=party.role == PartyRole.APPLICANT)
            agent = _clean_person(party.agent, require_phone=False) if party.agent else None
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors[f"parties.{index}.{field}"] = messages
            continue
        cleaned.append(dataclasses.replace(party, person=person, agent=agent))
    if errors:
        raise ValidationError(errors)

    centre = registering_centre(handling_org)
    reported_at = reported_at or timezone.now()
    try:
        with transaction.atomic():
            year = timezone.localtime(reported_at).year
            serial, number = _case_number_take(centre=centre, year=year)
            # Checked after the sequence lock: a double submission waits here for the
            # first one to commit, then finds its case.
            if intake_token and (
                existing := Case.objects.filter(intake_token=intake_token).first()
            ):
                transaction.set_rollback(True)
                return existing
            people = [(p, person_upsert(data=p.person)) for p in cleaned]
            case = Case.objects.create(
                number=number,
                centre=centre,
                year=year,
                serial=serial,
                title=title.strip(),
                description=description.strip(),
                dispute_type=dispute_type,
                channel=channel,
                tier=tier,
                amount=amount,
                grid=grid,
                location=location.strip(),
                handling_org=handling_org,
                is_priority=any(person.special_groups for _, person in people),
                reported_by=actor,
                reported_at=reported_at,
                due_at=(
                    deadlines.tier_due_date(timezone.localtime(reported_at).date(), tier)
                    if tier
                    else None
                ),
                intake_token=intake_token,
                reopened_from=reopened_from,
            )
            # The parties and the audit events are written in one INSERT each.
            events = [
                AuditEvent(
                    action=AuditAction.CASE_REPORTED,
                    actor=actor,
                    case=case,
                    data={"number": number, "channel": channel, "handling_org": handling_org.name},
                )
            ]
            links, seen = [], set()
            for party, person in people:
                if person.pk in seen:
                    raise ValidationError(
                        {"parties": _("The same person is entered twice: %s") % person.name}
                    )
                seen.add(person.pk)
                agent = person_upsert(data=party.agent) if party.agent else None
                links.append(
                    CaseParty(
                        case=case,
                        person=person,
                        role=party.role,
                        agent=agent,
                        agent_relation=party.agent_relation.strip(),
                    )
                )
                events.append(
                    AuditEvent(
                        action=AuditAction.PARTY_ADDED,
                        actor=actor,
                        case=case,
                        data={"role": party.role, "name": person.name},
                    )
                )
            CaseParty.objects.bulk_create(links)
            AuditEvent.objects.bulk_create(events)
            # Inside the transaction: a case and the work that starts on it exist together.
            case_reported.send(sender=Case, case=case, actor=actor)
    except IntegrityError:
        # Two submissions of one form raced past the check on a database that does
        # not serialise them; the loser finds the winner's case.
        if intake_token and (existing := Case.objects.filter(intake_token=intake_token).first()):
            return existing
        raise
    return case


__all__ = [
    "PartyInput",
    "PersonInput",
    "audit_record",
    "case_number_format",
    "case_report",
    "membership_grant",
    "organisation_create",
    "person_upsert",
    "registering_centre",
]

# The closed loop lives in its own module; re-exported so callers use one name.
from .services_case import *  # noqa: E402, F403
from .services_case import __all__ as _case_all  # noqa: E402

__all__ += _case_all
from .services_handling import *  # noqa: E402, F403
from .services_handling import __all__ as _handling_all  # noqa: E402

__all__ += _handling_all
