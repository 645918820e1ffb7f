"""The demo district's documents, made through the same services as the case page.

After the workflows' scenarios: the case in mediation gets the record of a held session
and an agreement one party has signed, the other still to sign; the case awaiting
verification gets an agreement signed by every party and the mediator, sealed and
issued; the newest terminated case gets its termination record. Idempotent: a case
that has the document already is left alone. The development seals are issued first
for any organisation that has none (``documents.certificates``).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.utils import timezone

from mediation import services_sessions
from mediation.models import Case, CaseStatus, Membership, Outcome, Role
from mediation.models.sessions import MediationSession, NoticeChannel, SessionOutcome

from . import certificates, services, services_render
from .models import Document, DocumentKind

AGREEMENT = {
    "facts": "申请人与被申请人系亲属关系，双方就赡养费的给付数额和方式发生争议。",
    "disputed_matters": "赡养费的数额、给付时间和医疗费用的分担。",
    "responsibilities": "被申请人依法负有赡养义务，此前未按约定给付，应承担相应责任。",
    "terms": "被申请人每月5日前向申请人给付赡养费人民币800元\n"
    "申请人住院产生的医疗费用，由被申请人负担一半",
    "performance": "以银行转账方式按月给付，首期于下月5日前付清。",
    "performance_due": "",
    "agreed_amount": "9600",
}
SETTLEMENT = {
    **AGREEMENT,
    "facts": "被申请人饲养的宠物狗未拴绳，在小区内将申请人咬伤，申请人就医花费医药费。",
    "disputed_matters": "医药费、误工费的赔偿数额。",
    "responsibilities": "被申请人未尽管理义务，对损害承担全部责任。",
    "terms": "被申请人赔偿申请人医药费、误工费共计人民币3200元\n申请人不再就此事主张其他权利",
    "performance": "被申请人于协议签订之日当场以现金方式付清。",
    "agreed_amount": "3200",
}
TERMINATION = {
    "reasons": "双方对赔偿数额分歧过大，经多次调解仍无法达成一致，被申请人明确表示不再接受调解。",
    "other_routes": "双方可以依法向人民法院提起诉讼，或者向有关行政机关申请处理。",
}


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _writer(case: Case):
    """The case's mediator, else a centre staff member of its registering centre."""
    if case.mediator is not None:
        return case.mediator
    membership = (
        Membership.objects.filter(organisation_id=case.centre_id, role=Role.CENTRE_STAFF)
        .select_related("user")
        .order_by("id")
        .first()
    )
    return membership.user if membership else None


def _newest(*, parties: int = 2, **filters) -> Case | None:
    return (
        Case.objects.filter(**filters)
        .annotate(party_count=Count("parties", distinct=True))
        .filter(party_count__gte=parties)
        .order_by("-reported_at", "-id")
        .first()
    )


def _held_session(case: Case, actor) -> MediationSession:
    """A session held yesterday: scheduled, its date moved back as if a day had passed,
    then recorded with the parties present."""
    parties = list(case.parties.all())
    session = services_sessions.session_schedule(
        case=case,
        actor=actor,
        scheduled_at=timezone.now() + datetime.timedelta(minutes=5),
        place="太湖街道调处中心第一调解室",
        notices={party.pk: NoticeChannel.IN_PERSON for party in parties},
    )
    MediationSession.objects.filter(pk=session.pk).update(
        scheduled_at=timezone.now() - datetime.timedelta(days=1)
    )
    session.refresh_from_db()
    return services_sessions.session_record(
        session=session,
        actor=actor,
        attendance={party.pk: (True, "同意调解，陈述了各自意见。") for party in parties},
        statements="调解员释明了赡养义务的法律规定，双方就给付数额和方式交换了意见。",
        outcome=SessionOutcome.AGREEMENT,
        outcome_note="双方就赡养费给付达成一致意见。",
    )


def _mediating(stdout) -> None:
    # The workflows' case in mediation whose parties were told their rights.
    case = _newest(status=CaseStatus.MEDIATING, rights_notices__isnull=False)
    if case is None or Document.objects.filter(case=case).exists():
        return
    actor = _writer(case)
    session = _held_session(case, actor)
    record = services_render.document_render_now(
        services.document_issue(case=case, actor=actor, kind=DocumentKind.RECORD, session=session)
    )
    agreement = services_render.document_render_now(
        services.document_draft_agreement(case=case, actor=actor, content=AGREEMENT)
    )
    first = case.parties.order_by("id").first()
    services.document_sign_party(
        document=agreement, party=first, method="code", seen_sha256=agreement.signing_sha256
    )
    _say(stdout, f"Documents: {record.number} issued; {agreement.number} awaits a signature.")


def _verifying(stdout) -> None:
    case = _newest(status=CaseStatus.VERIFYING, outcome=Outcome.AGREEMENT, mediator__isnull=False)
    if case is None or Document.objects.filter(case=case).exists():
        return
    agreement = services_render.document_render_now(
        services.document_draft_agreement(case=case, actor=case.mediator, content=SETTLEMENT)
    )
    for party in case.parties.order_by("id"):
        services.document_sign_party(
            document=agreement, party=party, method="code", seen_sha256=agreement.signing_sha256
        )
    services.document_sign_mediator(
        document=agreement, actor=case.mediator, seen_sha256=agreement.signing_sha256
    )
    agreement = services_render.document_render_now(agreement)
    _say(stdout, f"Documents: {agreement.number} signed, sealed and {agreement.status}.")


def _terminated(stdout) -> None:
    case = _newest(parties=1, outcome=Outcome.TERMINATED)
    if case is None or Document.objects.filter(case=case).exists():
        return
    record = services_render.document_render_now(
        services.document_issue(
            case=case, actor=_writer(case), kind=DocumentKind.TERMINATION, content=TERMINATION
        )
    )
    _say(stdout, f"Documents: termination record {record.number} {record.status}.")


def _ensure_seals() -> None:
    """Development seals for the organisations that have none yet."""
    from mediation.models import Organisation

    missing = [
        organisation
        for organisation in Organisation.objects.order_by("path")
        if not certificates.seal_source(organisation.code).path.exists()
    ]
    if missing or not (certificates.certificate_dir() / certificates.CA_CERTIFICATE).exists():
        certificates.issue_dev_certificates(organisations=missing)


def seed_documents(*, stdout=None) -> None:
    _ensure_seals()
    for scenario in (_mediating, _verifying, _terminated):
        try:
            scenario(stdout)
        except (ValidationError, PermissionDenied) as exc:
            _say(stdout, f"Documents: {scenario.__name__.strip('_')} skipped: {exc}")
