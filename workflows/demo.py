"""The demo district's flows: cases standing at every step of every flow.

``seed_demo`` bulk-writes its cases without flows, as a centre's imported history. This
adds, through the same services and task steps the pages use, a dozen cases that stand
at each step of the closed loop and of the diagnoses, the patrol schedules of one
street, and the case loop for the newest reported cases. Deterministic and idempotent:
each scenario's case carries a fixed intake token, and a scenario that exists is skipped.

Where a scenario needs time to have passed (a missed deadline, a return visit falling
due), its dates are moved back before the timers fire, as if the days had gone by.
"""

import dataclasses
import datetime
import uuid

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from viewflow.workflow.status import STATUS

from mediation import selectors, services
from mediation.models import (
    Case,
    CaseStatus,
    Channel,
    DisputeType,
    MediatorProfile,
    MediatorStatus,
    Organisation,
    OrgKind,
    PartyRole,
    PersonKind,
    SpecialGroup,
)
from mediation.models.handoffs import PetitionReferral, PoliceReferral
from mediation.models.referrals import Referral, ReferralKind
from mediation.models.sessions import MediationSession, NoticeChannel, RightsItem
from mediation.selectors_referral import referring_courts
from mediation.services_joint import joint_report_in
from mediation.services_leader import leader_plan_approve, leader_plan_draft
from mediation.services_referral import referral_create
from mediation.services_roster import duty_shift_set
from mediation.services_sessions import rights_notice_record, session_schedule

from .court import start_referral
from .driving import open_task, task_perform
from .flows import CaseLoopFlow
from .followup import FollowUpFlow
from .joint import JointConsultationFlow, start_joint_consultation
from .leader import LeaderCaseFlow, start_leader_case
from .patrol import set_patrol_schedule, start_ad_hoc_round
from .petition import transfer_petition
from .police import refer_110_call
from .timers import fire_flow_timers

_NAMESPACE = uuid.UUID("6f1d3c52-6a53-4d1e-9a77-1f0c2b9e5d10")
# The newest reported cases of the bulk history that enter the case loop.
REPORTED_IN_LOOP = 200


@dataclasses.dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    description: str
    dispute_type: str
    channel: str
    applicant: str
    respondent: str
    special_groups: tuple = ()


SCENARIOS = [
    Scenario(
        "review",
        "小区停车位被占纠纷",
        "业主反映其购买的车位长期被邻居车辆占用，多次沟通无果，经12345热线转来。",
        DisputeType.NEIGHBOUR,
        Channel.HOTLINE,
        "陈志强",
        "刘海涛",
    ),
    Scenario(
        "dispatch",
        "装修公司拖延工期纠纷",
        "业主与装修公司约定三个月完工，现已逾期两个月，双方就违约金产生争议。",
        DisputeType.CONSUMER,
        Channel.WALK_IN,
        "赵丽娟",
        "安居装饰工程部",
    ),
    Scenario(
        "start",
        "楼道堆放杂物纠纷",
        "三楼住户在楼道长期堆放杂物，邻居担心消防隐患，网格员随手拍上报。",
        DisputeType.NEIGHBOUR,
        Channel.GRID,
        "孙建国",
        "周桂兰",
    ),
    Scenario(
        "mediating",
        "赡养费给付纠纷",
        "七十八岁老人反映两个子女互相推诿，未按约定给付赡养费，申请上门调解。",
        DisputeType.FAMILY,
        Channel.WALK_IN,
        "王秀英",
        "王建军",
        (SpecialGroup.ELDERLY,),
    ),
    Scenario(
        "escalated",
        "相邻排水纠纷",
        "一楼住户院内排水管被邻居改道，雨天积水倒灌，网格调解未果后逾期未结。",
        DisputeType.NEIGHBOUR,
        Channel.GRID,
        "钱国平",
        "吴晓东",
    ),
    Scenario(
        "verifying",
        "宠物狗咬伤赔偿纠纷",
        "居民被邻居饲养的宠物狗咬伤，就医药费和误工费赔偿协商不成。",
        DisputeType.NEIGHBOUR,
        Channel.POLICE,
        "郑美玲",
        "冯立新",
    ),
    Scenario(
        "rating",
        "物业费收取纠纷",
        "业主以电梯长期故障为由拒交物业费，物业公司要求补缴。",
        DisputeType.PROPERTY_MANAGEMENT,
        Channel.WALK_IN,
        "何文斌",
        "悦居物业服务中心",
    ),
    Scenario(
        "visit",
        "房屋租赁押金纠纷",
        "租客退租后房东以墙面污损为由扣留全部押金，双方争执不下。",
        DisputeType.LAND_HOUSING,
        Channel.ONLINE,
        "林晓燕",
        "黄德明",
    ),
    Scenario(
        "joint",
        "农民工工资拖欠纠纷",
        "十二名农民工反映某工地分包方拖欠工资共计十八万元，涉及总包、分包和劳务公司。",
        DisputeType.LABOUR,
        Channel.PETITION,
        "马永福",
        "恒建劳务有限公司",
        (SpecialGroup.MIGRANT_WORKER,),
    ),
    Scenario(
        "leader-plan",
        "老旧小区加装电梯纠纷",
        "加装电梯方案经三分之二业主同意，一楼住户以采光和噪音为由阻挠施工，矛盾激化。",
        DisputeType.CONSTRUCTION,
        Channel.PETITION,
        "徐卫东",
        "高淑珍",
    ),
    Scenario(
        "leader-progress",
        "征地补偿分配纠纷",
        "村集体土地征收补偿款分配方案引发外嫁女等二十余户村民不满，多次集体上访。",
        DisputeType.LAND_HOUSING,
        Channel.PETITION,
        "谢春梅",
        "湖口村股份经济合作社",
    ),
]


def _token(key: str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, f"demo-flow:{key}")


def _person(name: str, groups=()) -> services.PersonInput:
    legal = name.endswith(("部", "中心", "公司", "社"))
    return services.PersonInput(
        kind=PersonKind.LEGAL if legal else PersonKind.NATURAL,
        name=name,
        phone="" if legal else "13912345678",
        special_groups=list(groups),
    )


class _People:
    def __init__(self):
        users = {u.username: u for u in get_user_model().objects.all()}
        self.street, self.grid, self.centre = users["street"], users["grid"], users["centre"]
        self.director, self.leader, self.liaison = (
            users["director"],
            users["leader"],
            users["liaison"],
        )
        self.committee = users["committee"]


def _step(case: Case, node, user, action) -> None:
    task_perform(open_task(CaseLoopFlow, node, caseprocess__case=case), user, action)


def _report(scenario: Scenario, handling_org: Organisation, actor) -> Case:
    return services.case_report(
        actor=actor,
        handling_org=handling_org,
        title=scenario.title,
        description=scenario.description,
        dispute_type=scenario.dispute_type,
        channel=scenario.channel,
        intake_token=_token(scenario.key),
        parties=[
            services.PartyInput(
                role=PartyRole.APPLICANT,
                person=_person(scenario.applicant, scenario.special_groups),
            ),
            services.PartyInput(role=PartyRole.RESPONDENT, person=_person(scenario.respondent)),
        ],
    )


def _accept(case, people, tier, user=None):
    user = user or people.street
    _step(
        case,
        CaseLoopFlow.review,
        user,
        lambda: services.case_accept(case=case, actor=user, tier=tier),
    )


def _dispatch(case, user, organisation, mediator=None):
    if case.is_priority:
        # A party from a special group goes to a specialist (问诊), as the page requires.
        specialists = selectors.specialists_for(case)
        mediator = specialists[0].user if specialists else mediator
    _step(
        case,
        CaseLoopFlow.dispatch,
        user,
        lambda: services.case_dispatch(
            case=case, actor=user, organisation=organisation, mediator=mediator
        ),
    )


def _start(case, user):
    _step(
        case,
        CaseLoopFlow.start_mediation,
        user,
        lambda: services.case_start_mediation(
            case=case, actor=user, note="已电话联系双方，约定调解时间。"
        ),
    )


def _agree(case, user, summary):
    _step(
        case,
        CaseLoopFlow.handle,
        user,
        lambda: services.case_record_outcome(
            case=case, actor=user, outcome="agreement", summary=summary
        ),
    )


def _build(scenario: Scenario, people: _People, street, grid, district) -> None:
    key = scenario.key
    if key == "review":
        _report(scenario, street, people.street)
        return
    if key in ("leader-plan", "leader-progress"):
        case = _report(scenario, district, people.centre)
        _accept(case, people, "hard", people.centre)
        _dispatch(case, people.centre, district, people.centre)
        _start(case, people.centre)
        _step(
            case,
            CaseLoopFlow.handle,
            people.centre,
            lambda: start_leader_case(case=case, actor=people.centre, leader=people.leader),
        )
        leader_case = case.leader_cases.get()
        node = open_task(
            LeaderCaseFlow, LeaderCaseFlow.draft_plan, leaderprocess__leader_case=leader_case
        )
        task_perform(
            node,
            people.centre,
            lambda: leader_plan_draft(
                leader_case=leader_case,
                actor=people.centre,
                plan="一、分户走访听取诉求；二、会同规划、住建部门论证方案；三、召开听证会；四、形成补偿与施工协议。",
            ),
        )
        if key == "leader-progress":
            task = open_task(
                LeaderCaseFlow, LeaderCaseFlow.approve_plan, leaderprocess__leader_case=leader_case
            )
            task_perform(
                task,
                people.leader,
                lambda: leader_plan_approve(leader_case=leader_case, actor=people.leader),
            )
        return
    case = _report(scenario, street, people.street)
    if key == "dispatch":
        _accept(case, people, "medium")
        return
    if key in ("start", "escalated", "verifying", "rating", "visit"):
        _accept(case, people, "micro")
        if key == "escalated":
            # Three days have passed since acceptance without the grid taking the case up.
            past = timezone.localdate() - datetime.timedelta(days=4)
            Case.objects.filter(pk=case.pk).update(
                accepted_at=timezone.now() - datetime.timedelta(days=4),
                due_at=past + datetime.timedelta(days=3),
            )
        _dispatch(case, people.street, grid, people.grid)
        if key in ("start", "escalated"):
            return
        _start(case, people.grid)
        _agree(case, people.grid, "经两次调解，双方达成协议，当场履行完毕。")
        if key == "verifying":
            return
        _step(
            case,
            CaseLoopFlow.verify,
            people.street,
            lambda: services.case_verify_close(case=case, actor=people.street),
        )
        return
    if key == "mediating":
        _accept(case, people, "medium")
        _dispatch(case, people.street, street)
        case.refresh_from_db()
        handler = case.mediator or people.street
        _start(case, handler)
        party = case.parties.first()
        services.home_visit_schedule(
            case=case,
            actor=handler,
            party=party,
            visit_on=timezone.localdate() + datetime.timedelta(days=2),
            address=party.person.address or "新园社区12栋3单元201室",
            purpose="老人行动不便，上门听取诉求并约请子女到场。",
        )
        return
    if key == "joint":
        _accept(case, people, "medium")
        _dispatch(case, people.street, street, people.street)
        case.refresh_from_db()
        handler = case.mediator or people.street
        _start(case, handler)
        departments = list(
            Organisation.objects.filter(kind=OrgKind.DEPARTMENT).order_by("code")[:3]
        )
        _step(
            case,
            CaseLoopFlow.handle,
            handler,
            lambda: start_joint_consultation(
                case=case,
                actor=handler,
                departments=departments,
                due_on=None,
                reason="涉及总包、分包责任划分和工资保证金动用，请各部门提出处理意见。",
            ),
        )
        consultation = case.joint_consultations.get()
        mine = consultation.summonses.filter(department__memberships__user=people.liaison).first()
        if mine is not None:
            task = next(
                t
                for t in JointConsultationFlow.task_class.objects.filter(
                    process__jointprocess__consultation=consultation,
                    flow_task=JointConsultationFlow.report_in,
                    status=STATUS.NEW,
                )
                if t.data.get("summons") == mine.pk
            )
            task_perform(
                task,
                people.liaison,
                lambda: joint_report_in(
                    summons=mine,
                    actor=people.liaison,
                    opinion="建议由总包单位先行垫付，动用工资保证金，劳动监察大队同步立案调查。",
                ),
            )


def _visit_falls_due(case: Case) -> None:
    """Thirty days have passed since the case closed: its return visit falls due."""
    visit = case.return_visits.filter(result="").first()
    if visit is None:
        return
    type(visit).objects.filter(pk=visit.pk).update(due_on=timezone.localdate())
    FollowUpFlow.task_class.objects.filter(
        process__followupprocess__visit=visit, status=STATUS.SCHEDULED
    ).update(scheduled=timezone.now())


def _patrols(people: _People, street: Organisation) -> None:
    communities = Organisation.objects.filter(
        kind=OrgKind.COMMITTEE, path__startswith=street.path
    ).order_by("code")
    today = timezone.localdate()
    for offset, community in enumerate(communities):
        if not hasattr(community, "patrol_schedule"):
            set_patrol_schedule(
                community=community,
                every_days=7,
                actor=people.street,
                next_due=today + datetime.timedelta(days=1 + offset % 7),
            )
    first = communities.first()
    if first is not None and not first.patrol_rounds.exists():
        start_ad_hoc_round(community=first, actor=people.committee)


def _roster_and_handoffs(people: _People) -> None:
    """The roster's duty rotation for two weeks, a 110 referral awaiting the centre, a
    transferred petition, a court's delegation awaiting the district centre, and the
    rights notice and first session of a case in mediation."""
    today = timezone.localdate()
    profiles = MediatorProfile.objects.filter(status=MediatorStatus.ACTIVE).order_by("pk")
    for offset in range(14):
        day = today + datetime.timedelta(days=offset)
        # Each mediator takes two days of every three.
        for index, profile in enumerate(profiles):
            if (index + offset) % 3:
                duty_shift_set(actor=people.centre, mediator=profile.user, day=day)

    street = Organisation.objects.get(code="jk-th")
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=["police", "petition"])
    }
    if "police" in users and not PoliceReferral.objects.exists():
        officer = users["police"]
        refer_110_call(
            officer=officer,
            station=Organisation.objects.get(
                memberships__user=officer, kind=OrgKind.POLICE_STATION
            ),
            centre=street,
            title="邻里噪音引发口角",
            account="报警人称楼上住户深夜播放音乐，双方在楼道发生口角，无人受伤，民警到场后劝离。",
            dispute_type=DisputeType.NEIGHBOUR,
            location="新园社区8栋2单元",
            incident_at=timezone.now() - datetime.timedelta(hours=3),
            parties=[
                services.PartyInput(role=PartyRole.APPLICANT, person=_person("唐晓东")),
                services.PartyInput(role=PartyRole.RESPONDENT, person=_person("韩雪梅")),
            ],
        )
    if "petition" in users and not PetitionReferral.objects.exists():
        staff = users["petition"]
        transfer_petition(
            staff=staff,
            bureau=Organisation.objects.get(memberships__user=staff, kind=OrgKind.PETITION_BUREAU),
            centre=street,
            petition_number="经开信〔2026〕第0318号",
            registered_on=today - datetime.timedelta(days=5),
            title="小区公共收益分配纠纷",
            description="业主反映物业公司多年未公开电梯广告等公共收益，要求公开并分配，多次信访。",
            dispute_type=DisputeType.PROPERTY_MANAGEMENT,
            parties=[
                services.PartyInput(role=PartyRole.APPLICANT, person=_person("曹建华")),
                services.PartyInput(role=PartyRole.RESPONDENT, person=_person("悦居物业服务中心")),
            ],
            consent=True,
            consented_by="申请人曹建华当面同意，物业公司负责人电话同意",
        )

    clerk = get_user_model().objects.filter(username="clerk").first()
    if clerk is not None and not Referral.objects.exists():
        # A delegation before filing (委派) waiting for the district centre to take it up.
        start_referral(
            referral_create(
                actor=clerk,
                court=referring_courts(clerk).first(),
                centre=Organisation.objects.get(code="jk"),
                kind=ReferralKind.DELEGATION,
                title="民间借贷纠纷",
                claim="原告请求被告偿还借款本金八万元及逾期利息，被告辩称已部分归还。",
                dispute_type=DisputeType.DEBT,
                parties=[
                    services.PartyInput(role=PartyRole.APPLICANT, person=_person("宋立军")),
                    services.PartyInput(role=PartyRole.RESPONDENT, person=_person("潘玉珍")),
                ],
            )
        )

    case = Case.objects.filter(intake_token=_token("mediating")).first()
    if case is not None and not MediationSession.objects.filter(case=case).exists():
        handler = case.mediator or people.street
        parties = list(case.parties.all())
        rights_notice_record(
            case=case,
            actor=handler,
            parties=parties,
            items=list(RightsItem.values),
            channel=NoticeChannel.IN_PERSON,
        )
        session_schedule(
            case=case,
            actor=handler,
            scheduled_at=timezone.now() + datetime.timedelta(days=2, hours=1),
            place="太湖街道调处中心第二调解室",
            notices={party.pk: NoticeChannel.PHONE for party in parties},
        )


def seed_flows(*, stdout=None) -> int:
    """Make the demo's flow scenarios that are missing; returns how many were made."""
    people = _People()
    street = Organisation.objects.get(code="jk-th")
    grid = Organisation.objects.get(code="jk-th-xy-01")
    district = Organisation.objects.get(code="jk")
    made = 0
    for scenario in SCENARIOS:
        if Case.objects.filter(intake_token=_token(scenario.key)).exists():
            continue
        with transaction.atomic():
            _build(scenario, people, street, grid, district)
        made += 1
    visit = Case.objects.filter(intake_token=_token("visit")).first()
    if visit is not None:
        _visit_falls_due(visit)
    fire_flow_timers()
    _patrols(people, street)
    _roster_and_handoffs(people)
    started = _loop_for_reported()
    if stdout is not None:
        stdout.write(
            f"Flows: {made} demo scenarios made, {started} reported cases entered the case loop."
        )
    return made


def _loop_for_reported() -> int:
    """Start the case loop for the newest reported cases of the bulk history."""
    waiting = (
        Case.objects.filter(status=CaseStatus.REPORTED, loop_process__isnull=True)
        .order_by("-reported_at")
        .values_list("pk", flat=True)[:REPORTED_IN_LOOP]
    )
    count = 0
    for case in Case.objects.filter(pk__in=list(waiting)):
        CaseLoopFlow.start.run(case=case)
        count += 1
    return count
