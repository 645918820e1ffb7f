"""Cases and documents for the lifecycle tests, made through the services."""

import datetime

from documents import services
from mediation import services_case, services_referral
from mediation.models import DisputeType, PartyRole, Role, Tier
from mediation.models.referrals import ReferralKind
from mediation.models.sessions import MediationSession, SessionStatus
from tests.factories import make_id_number, natural, report_case, staff

AGREEMENT = {
    "facts": "楼上住户卫生间防水层老化，多次漏水，浸泡楼下天花板。",
    "disputed_matters": "漏水损失的数额和维修责任。",
    "responsibilities": "楼上住户负主要责任，楼下住户未及时告知物业，负次要责任。",
    "terms": "楼上住户于2026年12月31日前修复防水层\n楼上住户赔偿楼下住户修复费用人民币叁仟元",
    "performance": "楼上住户以银行转账方式一次性支付。",
    "performance_due": "2026-12-31",
    "agreed_amount": "3000",
}


def dispatch_to_grid(district, case):
    """Accept ``case`` as a micro matter and dispatch it to the grid, with the grid
    worker as its mediator."""
    services_case.case_accept(case=case, actor=district.street_staff, tier=Tier.MICRO)
    return services_case.case_dispatch(
        case=case,
        actor=district.street_staff,
        organisation=district.grid,
        mediator=district.grid_worker,
    )


def handled_case(district, **fields):
    """A case dispatched to the grid, with the grid worker as its mediator."""
    case = report_case(handling_org=district.street, actor=district.street_staff, **fields)
    return dispatch_to_grid(district, case)


def court_case(district):
    """A case the district court delegated to the street centre, dispatched to the grid
    worker; returns the case and the court's clerk."""
    clerk = staff("clerk", district.court, Role.COURT_CLERK)
    referral = services_referral.referral_create(
        actor=clerk,
        court=district.court,
        centre=district.street,
        kind=ReferralKind.DELEGATION,
        title="物业费纠纷",
        claim="请求支付拖欠的物业费。",
        dispute_type=DisputeType.PROPERTY_MANAGEMENT,
        parties=[
            natural("赵一", PartyRole.APPLICANT, id_number=make_id_number()),
            natural("钱二", PartyRole.RESPONDENT, phone=""),
        ],
    )
    return dispatch_to_grid(district, referral.case), clerk


def draft(case, actor, capture, **changes):
    """Draft the case's agreement and run its render (the task, in-process)."""
    with capture(execute=True):
        document = services.document_draft_agreement(
            case=case, actor=actor, content={**AGREEMENT, **changes}
        )
    document.refresh_from_db()
    return document


def sign_parties(document, capture, parties=None):
    parties = parties if parties is not None else list(document.case.parties.all())
    for party in parties:
        with capture(execute=True):
            services.document_sign_party(
                document=document,
                party=party,
                method="code",
                seen_sha256=document.signing_sha256,
            )
    document.refresh_from_db()
    return document


def held_session(case, actor):
    return MediationSession.objects.create(
        case=case,
        scheduled_at=datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC),
        place="新园社区调解室",
        status=SessionStatus.HELD,
        statements="双方陈述了各自意见。",
        recorded_by=actor,
    )


__all__ = [
    "AGREEMENT",
    "court_case",
    "draft",
    "handled_case",
    "held_session",
    "natural",
    "sign_parties",
]
