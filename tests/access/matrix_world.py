"""The permission matrix's world, built once for the module, and how it asks each URL.

The suite's ``district`` and this package's ``world`` (``conftest.py``) build the people
and the cases; here they are built once inside an outer transaction that the module
rolls back at its end, each test runs in a savepoint of it, and each request in a
savepoint of the test, so that a step one role takes is not there for the next.
"""

import dataclasses
import datetime
import hashlib
import secrets

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from viewflow.workflow.models import Task

from documents.models import Document, DocumentKind, DocumentStatus, PortalLink
from mediation.models import AuditEvent, Case, MediatorProfile, Notification, Role
from mediation.models.handoffs import PetitionReferral, PoliceReferral
from mediation.models.referrals import Referral
from mediation.models.sessions import MediationSession
from tests import conftest as suite
from tests.factories import report_case, staff

from . import conftest as access_conftest

# The admin is Django's own, behind is_staff, and shows every row by design: it is
# for the platform's operators, not a role of the matrix.
EXCLUDED_NAMESPACES = ("admin",)
RELATIONSHIPS = ("own", "subtree", "referred", "summoned", "unrelated", "other_district")


@dataclasses.dataclass(frozen=True)
class Url:
    name: str  # namespaced, e.g. "caseloop:review:execute"
    route: str
    kwargs: tuple[str, ...]
    node_name: str | None  # the flow node of a task URL
    view: str  # the view behind the pattern, for grouping a flow's node URLs


def project_urls() -> list[Url]:
    """Every URL pattern of the project, recursing into every include."""
    found = []

    def walk(resolver, route, namespaces):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
                if inner and inner[0] in EXCLUDED_NAMESPACES:
                    continue
                walk(entry, route + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                full = route + str(entry.pattern)
                converters = tuple(_converters(full))
                name = ":".join((*namespaces, entry.name or ""))
                node = namespaces[1] if len(namespaces) == 2 and "task_pk" in converters else None
                found.append(Url(name, full, converters, node, _view_name(entry.callback)))

    walk(get_resolver(), "", ())
    return found


def _view_name(callback) -> str:
    """The class (or function) that answers a pattern, under any guard that wraps it."""
    inner = getattr(callback, "__wrapped__", callback)
    view = getattr(inner, "view_class", inner)
    return f"{view.__module__}.{view.__qualname__}"


def _converters(route: str):
    import re

    return re.findall(r"<(?:\w+:)?(\w+)>", route)


def build_world():
    """The ``world`` fixture's people and cases, with the few more the matrix needs."""
    # Fixture functions called as plain functions: the module builds them once.
    district = suite.district._get_wrapped_function()(None)
    world = access_conftest.world._get_wrapped_function()(district)
    d = district
    world.judge = staff("judge", d.court, Role.JUDGE)
    world.grid_case = report_case(
        handling_org=d.grid, actor=d.grid_worker, grid=d.grid, title="网格自办案件"
    )
    world.community_case = report_case(
        handling_org=d.community, actor=d.street_staff, title="社区案件"
    )
    for name in CASE_NAMES:
        _documents_of(getattr(world, name))
    return world


# Every case of the matrix, by its attribute on the world.
CASE_NAMES = (
    "led_case", "street_case", "court_case", "summoned_case", "other_street_case",
    "grid_case", "police_case", "community_case", "mediated_case", "petition_case",
    "committee_case", "foreign_case",
)  # fmt: skip


def _documents_of(case) -> None:
    """An issued termination record (a document sent back to a referring body) and a
    portal link of the case's first party: the records the documents' and the portal's
    URLs name. The PDF is a stand-in file: these tests ask who may fetch it, not what
    it holds."""
    number = f"MATRIX-{case.pk}"
    document = Document(
        case=case,
        kind=DocumentKind.TERMINATION,
        number=number,
        token=secrets.token_urlsafe(16),
        issuer=case.handling_org,
        status=DocumentStatus.ISSUED,
        content={"reasons": "…", "other_routes": "…"},
        issued_at=timezone.now(),
    )
    document.pdf.save(f"{number}.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    document.save()
    party = case.parties.order_by("pk").first()
    if party is not None:
        PortalLink.objects.create(
            party=party,
            token_sha256=hashlib.sha256(number.encode()).hexdigest(),
            channel="sms",
            sent_to="138****0000",
            expires_at=timezone.now() + datetime.timedelta(days=30),
        )


def fingerprint() -> tuple:
    """What a denied POST must leave as it was: the cases, the tasks, the audit trail."""
    return (
        tuple(Case.objects.order_by("pk").values_list("pk", "status", "mediator_id", "tier")),
        tuple(Task.objects.order_by("pk").values_list("pk", "status", "owner_id")),
        AuditEvent.objects.count(),
        MediationSession.objects.count(),
        Notification.objects.filter(read_at__isnull=False).count(),
        Referral.objects.count(),
        PoliceReferral.objects.count(),
        PetitionReferral.objects.count(),
        MediatorProfile.objects.count(),
        tuple(Document.objects.order_by("pk").values_list("pk", "status")),
        tuple(PortalLink.objects.order_by("pk").values_list("pk", "revoked_at")),
    )


def in_savepoint(request, *args):
    """Run ``request(*args)`` and undo whatever it wrote."""
    with transaction.atomic():
        response = request(*args)
        transaction.set_rollback(True)
    return response
