"""The domain model: organisations, people, cases and their audit trail."""

from .audit import AuditAction, AuditEvent
from .cases import (
    Case,
    CaseNumberSequence,
    CaseParty,
    CaseRating,
    CaseStatus,
    Channel,
    DisputeType,
    Outcome,
    PartyRole,
    Tier,
)
from .organisations import Membership, Organisation, OrgKind, Role
from .people import MediatorProfile, MediatorStatus, Person, PersonKind, SpecialGroup

__all__ = [
    "AuditAction",
    "AuditEvent",
    "Case",
    "CaseNumberSequence",
    "CaseParty",
    "CaseRating",
    "CaseStatus",
    "Channel",
    "DisputeType",
    "MediatorProfile",
    "MediatorStatus",
    "Membership",
    "OrgKind",
    "Organisation",
    "Outcome",
    "PartyRole",
    "Person",
    "PersonKind",
    "Role",
    "SpecialGroup",
    "Tier",
]
