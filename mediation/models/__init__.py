"""The domain model: organisations, people, cases and their audit trail."""

# Issue 4's records live in their own modules; imported here so Django finds them.
from . import handoffs, referrals, roster, sessions  # noqa: F401
from .access import (
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    OrganisationGroup,
    PersonalDataAccess,
)
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
from .diagnoses import (
    DepartmentSummons,
    HomeVisit,
    JointConsultation,
    LeaderCase,
    Notification,
    PatrolFinding,
    PatrolKind,
    PatrolRound,
    PatrolSchedule,
    ProgressReport,
    ReturnVisit,
    ReturnVisitResult,
)
from .notifications import (
    Delivery,
    DeliveryChannel,
    DeliveryStatus,
    NotificationEvent,
    NotificationKey,
)
from .organisations import Membership, Organisation, OrgKind, Role
from .people import MediatorProfile, MediatorStatus, Person, PersonKind, SpecialGroup

__all__ = [
    "AuditAction",
    "AuditEvent",
    "Case",
    "CaseGroupObjectPermission",
    "CaseNumberSequence",
    "CaseParty",
    "CaseRating",
    "CaseStatus",
    "CaseUserObjectPermission",
    "Channel",
    "Delivery",
    "DeliveryChannel",
    "DeliveryStatus",
    "DepartmentSummons",
    "DisputeType",
    "HomeVisit",
    "JointConsultation",
    "LeaderCase",
    "MediatorProfile",
    "MediatorStatus",
    "Membership",
    "Notification",
    "NotificationEvent",
    "NotificationKey",
    "OrgKind",
    "Organisation",
    "OrganisationGroup",
    "Outcome",
    "PartyRole",
    "PatrolFinding",
    "PatrolKind",
    "PatrolRound",
    "PatrolSchedule",
    "Person",
    "PersonKind",
    "PersonalDataAccess",
    "ProgressReport",
    "ReturnVisit",
    "ReturnVisitResult",
    "Role",
    "SpecialGroup",
    "Tier",
]
