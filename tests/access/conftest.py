"""A district with one user per role, and cases in each relationship to them.

Built on the suite's ``district`` (district centre → two streets → community → grid, and
a court), through the project's services where a service makes the record, and as
plain rows for the referring bodies' records, whose services other issues own.
"""

import dataclasses
import datetime

import pytest
from django.utils import timezone

from mediation import services, services_joint, services_roster
from mediation.models import (
    DisputeType,
    JointConsultation,
    LeaderCase,
    OrgKind,
    PartyRole,
    Person,
    Role,
    Tier,
)
from mediation.models.handoffs import PetitionReferral, PoliceReferral
from mediation.models.referrals import Referral, ReferralKind, ReferralStatus
from tests.factories import UserFactory, make_id_number, natural, org, report_case, staff

PHONE = "13812345678"
PHONE_MASKED = "138****5678"


@dataclasses.dataclass
class World:
    district: object
    # people
    director: object
    street_director: object
    committee_staff: object
    mediator: object
    committee_mediator: object
    leader: object
    justice_staff: object
    clerk: object
    police_officer: object
    petition_staff: object
    liaison: object
    other_district_staff: object
    party_user: object
    superuser: object
    # organisations
    housing: object
    police_station: object
    petition_bureau: object
    other_district: object
    # cases
    street_case: object  # handled by the street centre, reported in the grid
    other_street_case: object
    mediated_case: object  # dispatched to ``mediator``, in mediation
    committee_case: object  # dispatched to ``committee_mediator`` (a committee's case)
    court_case: object
    police_case: object
    petition_case: object
    summoned_case: object
    led_case: object
    foreign_case: object  # in another district
    id_number: str = ""

    def user(self, role: str):
        return getattr(self, role) if hasattr(self, role) else getattr(self.district, role)


def _party_case(district, **fields):
    """A case whose applicant has a phone and an ID number the tests look for."""
    id_number = make_id_number()
    case = report_case(
        parties=[
            natural("张三", PartyRole.APPLICANT, id_number=id_number, phone=PHONE),
            natural("李四", PartyRole.RESPONDENT, phone=""),
        ],
        **fields,
    )
    return case, id_number


def _in_mediation(case, manager, organisation, mediator, tier=Tier.MEDIUM):
    services.case_accept(case=case, actor=manager, tier=tier)
    services.case_dispatch(case=case, actor=manager, organisation=organisation, mediator=mediator)
    services.case_start_mediation(case=case, actor=mediator, note="首次约谈：私下备注")
    case.refresh_from_db()
    return case


@pytest.fixture
def world(district) -> World:
    d = district
    jk = d.district
    # The justice bureau, its office and the people's mediation committee under it.
    bureau = org("jk-sfj", OrgKind.JUSTICE_BUREAU, jk, name="经开区司法局")
    office = org("jk-sfj-th", OrgKind.JUSTICE_OFFICE, bureau, name="太湖司法所")
    committee = org("jk-sfj-th-tjw", OrgKind.MEDIATION_COMMITTEE, office, name="太湖人民调解委员会")
    station = org("jk-pcs-th", OrgKind.POLICE_STATION, jk, name="太湖派出所")
    petition = org("jk-xfj", OrgKind.PETITION_BUREAU, jk, name="经开区信访局")
    housing = org("jk-zjj", OrgKind.DEPARTMENT, jk, name="经开区住建局")
    leaders_office = org("jk-zfw", OrgKind.DEPARTMENT, name="区委政法委")
    other = org("xx", OrgKind.DISTRICT_CENTRE, name="新区矛盾纠纷调处化解中心", short_name="新区")

    w = dict(
        district=d,
        director=staff("director", jk, Role.CENTRE_DIRECTOR),
        street_director=staff("street-director", d.street, Role.CENTRE_DIRECTOR),
        committee_staff=staff("committee", d.community, Role.COMMITTEE_STAFF),
        mediator=staff("mediator", d.street, Role.MEDIATOR),
        committee_mediator=staff("committee-mediator", committee, Role.MEDIATOR),
        leader=staff("leader", leaders_office, Role.RESPONSIBLE_LEADER),
        justice_staff=staff("justice", bureau, Role.JUSTICE_STAFF),
        clerk=staff("clerk", d.court, Role.COURT_CLERK),
        police_officer=staff("police", station, Role.POLICE_OFFICER),
        petition_staff=staff("petition", petition, Role.PETITION_STAFF),
        liaison=staff("liaison", housing, Role.DEPARTMENT_LIAISON),
        other_district_staff=staff("other-district", other, Role.CENTRE_STAFF),
        party_user=UserFactory(username="party"),
        superuser=UserFactory(username="root", is_superuser=True, is_staff=True),
        housing=housing,
        police_station=station,
        petition_bureau=petition,
        other_district=other,
    )
    actor = d.street_staff
    street_case, id_number = _party_case(
        d, handling_org=d.street, actor=actor, grid=d.grid, title="本街道案件"
    )
    Person.objects.filter(name="张三", id_number=id_number).update(user=w["party_user"])
    w["id_number"] = id_number
    w["street_case"] = street_case
    w["other_street_case"] = report_case(
        handling_org=d.other_street, actor=d.other_street_staff, title="湖滨街道案件"
    )
    case, _id = _party_case(d, handling_org=d.street, actor=actor, title="调解员的案件")
    w["mediated_case"] = _in_mediation(case, actor, d.street, w["mediator"])
    services_roster.mediator_register(
        actor=d.centre_staff,
        user=w["committee_mediator"],
        organisation=committee,
        dispute_types=[DisputeType.NEIGHBOUR],
    )
    case, _id = _party_case(d, handling_org=d.street, actor=actor, title="调委会的案件")
    w["committee_case"] = _in_mediation(case, actor, d.street, w["committee_mediator"])

    case, _id = _party_case(d, handling_org=jk, actor=d.centre_staff, title="法院委派案件")
    w["court_case"] = case
    Referral.objects.create(
        case=case,
        court=d.court,
        centre=jk,
        kind=ReferralKind.DELEGATION,
        claim="请求返还借款",
        status=ReferralStatus.MEDIATING,
        created_by=w["clerk"],
    )
    now = timezone.now()
    case, _id = _party_case(d, handling_org=d.street, actor=actor, title="派出所移交案件")
    w["police_case"] = case
    PoliceReferral.objects.create(
        case=case,
        station=station,
        officer=w["police_officer"],
        incident_at=now,
        location="太湖路1号",
        account="邻居争吵",
        accept_by=now + datetime.timedelta(hours=24),
    )
    case, _id = _party_case(d, handling_org=d.street, actor=actor, title="信访转办案件")
    w["petition_case"] = case
    today = timezone.localdate()
    PetitionReferral.objects.create(
        case=case,
        bureau=petition,
        transferred_by=w["petition_staff"],
        petition_number="经信〔2026〕1号",
        registered_on=today,
        transferred_on=today,
        consent=True,
        consented_by="双方当事人",
        objection_by=today + datetime.timedelta(days=7),
        handle_by=today + datetime.timedelta(days=60),
    )
    case, _id = _party_case(d, handling_org=d.street, actor=actor, title="会诊案件")
    case = _in_mediation(case, actor, d.street, None)
    services_joint.joint_consultation_open(
        case=case, actor=actor, departments=[housing], due_on=None, reason="请住建局提出意见"
    )
    w["summoned_case"] = case
    case, _id = _party_case(d, handling_org=jk, actor=d.centre_staff, title="包保案件")
    LeaderCase.objects.create(case=case, leader=w["leader"], appointed_by=w["director"])
    w["led_case"] = case
    w["foreign_case"] = report_case(
        handling_org=other, actor=w["other_district_staff"], title="外区案件"
    )
    return World(**w)


def close_consultation(case, liaison, handler) -> JointConsultation:
    """The department reports in and the handler makes the joint plan: the consultation
    closes, and with it the department's sight of the case."""
    consultation = JointConsultation.objects.get(case=case)
    for summons in consultation.summonses.all():
        services_joint.joint_report_in(
            summons=summons, actor=liaison, opinion="建议先做房屋安全鉴定"
        )
    return services_joint.joint_consultation_plan(
        consultation=consultation, actor=handler, plan="先鉴定后调解"
    )
