"""The demo district's ratings and a cluster of repeat disputes, for the statistics.

The case history of ``seed_demo`` is written in bulk and names its mediators only in the
audit trail: they are named on the cases here. It has no ratings either: the parties of
its closed cases rate them here (most five stars, as the seeds' centres report),
through the rating service, for cases whose rating window ended (the flows' own cases
are rated by their rating task). Then one family's neighbour dispute comes back three
times within a few weeks at one address and grid, so that the repeat warnings show a
cluster. Deterministic and idempotent: a second run adds nothing.
"""

import datetime
import random

from django.db.models import Exists, OuterRef, Prefetch, Subquery
from django.utils import timezone

from mediation import services
from mediation.deadlines import rating_window_opened_after
from mediation.models import (
    AuditAction,
    AuditEvent,
    Case,
    CaseParty,
    CaseRating,
    CaseStatus,
    Channel,
    DisputeType,
    Membership,
    Organisation,
    OrgKind,
    PartyRole,
    PersonKind,
    Role,
)
from mediation.services_case import RatingInput, case_rate_parties

# The share of closed cases whose parties rate them, and of ratings that give five stars.
RATED_SHARE = 0.85
FIVE_STAR_SHARE = 0.96
CLUSTER_TITLE = "楼顶违建遮挡采光纠纷"
CLUSTER_DAYS_AGO = (40, 26, 9)
# The repeat party: a demo ID number (valid check digit, 1970s birth date).
CLUSTER_ID = "340104197203162810"


def seed_statistics(stdout=None) -> None:
    named = _name_history_mediators()
    rated = _rate_closed_cases()
    clustered = _repeat_cluster()
    if stdout is not None:
        stdout.write(
            f"Statistics: {named} mediators named on the history's cases, {rated} closed "
            f"cases rated, {clustered} repeat disputes added."
        )


def _name_history_mediators() -> int:
    """The bulk history writes who mediated a case in its audit trail only; name them
    on the case, as the closed loop does, so that mediator performance has figures."""
    started = AuditEvent.objects.filter(
        case=OuterRef("pk"), action=AuditAction.CASE_MEDIATING, actor__isnull=False
    ).order_by("-at", "-pk")
    return (
        Case.objects.filter(
            mediator__isnull=True,
            status__in=(CaseStatus.MEDIATING, CaseStatus.VERIFYING, CaseStatus.CLOSED),
        )
        .filter(Exists(started))
        .update(mediator=Subquery(started.values("actor")[:1]))
    )


def _rate_closed_cases() -> int:
    rated = CaseRating.objects.filter(case=OuterRef("pk"))
    cases = (
        Case.objects.filter(
            status=CaseStatus.CLOSED,
            closed_at__lt=rating_window_opened_after(timezone.now()),
        )
        .exclude(Exists(rated))
        .order_by("pk")
    )
    parties = Prefetch("parties", queryset=CaseParty.objects.order_by("pk"))
    done = 0
    for case in cases.prefetch_related(parties):
        rng = random.Random(case.pk)
        if rng.random() >= RATED_SHARE:
            continue
        ratings = [
            RatingInput(party=party, stars=_stars(rng))
            for party in case.parties.all()
            if party.role != PartyRole.THIRD_PARTY
        ]
        if ratings:
            case_rate_parties(case=case, ratings=ratings)
            done += 1
    return done


def _stars(rng: random.Random) -> int:
    if rng.random() < FIVE_STAR_SHARE:
        return 5
    return rng.choice((4, 4, 3))


def _repeat_cluster() -> int:
    grid = Organisation.objects.filter(kind=OrgKind.GRID).order_by("path").first()
    if grid is None or Case.objects.filter(title=CLUSTER_TITLE).exists():
        return 0
    reporter = (
        Membership.objects.filter(organisation=grid, role=Role.GRID_WORKER)
        .select_related("user")
        .first()
    )
    community = grid.parent.name if grid.parent else grid.name
    location = f"{community.removesuffix('居民委员会').removesuffix('村民委员会')}3栋2单元601室"
    now = timezone.now()
    made = 0
    for days_ago in CLUSTER_DAYS_AGO:
        services.case_report(
            actor=reporter.user if reporter else None,
            handling_org=grid,
            title=CLUSTER_TITLE,
            description="顶楼住户在楼顶搭建阳光房，遮挡楼下采光，双方多次发生争执。",
            dispute_type=DisputeType.NEIGHBOUR,
            channel=Channel.GRID,
            grid=grid,
            location=location,
            reported_at=now - datetime.timedelta(days=days_ago),
            parties=[
                services.PartyInput(
                    role=PartyRole.APPLICANT,
                    person=services.PersonInput(
                        kind=PersonKind.NATURAL,
                        name="宋志刚",
                        id_number=CLUSTER_ID,
                        phone="13955120316",
                    ),
                ),
                services.PartyInput(
                    role=PartyRole.RESPONDENT,
                    person=services.PersonInput(
                        kind=PersonKind.NATURAL, name="韩立平", phone="13605518722"
                    ),
                ),
            ],
        )
        made += 1
    return made
