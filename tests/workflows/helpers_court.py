"""Driving a court referral through its pages, as the people who work it."""

import dataclasses
import datetime

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task

from mediation import services_roster
from mediation.models import DisputeType, OrgKind, Role
from mediation.models.referrals import Referral
from mediation.models.sessions import MediationSession, RightsItem
from tests.factories import make_id_number, org, staff
from workflows.court import CourtReferralFlow

from .helpers import OPEN, task_url
from .helpers import perform as perform_loop

PDF = b"%PDF-1.4\n% referral letter\n"


def pdf(name="委派调解函.pdf", body=PDF):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


@dataclasses.dataclass
class Court:
    court: object
    centre: object
    clerk: object
    judge: object
    centre_staff: object
    director: object
    mediators: list


def make_court(district) -> Court:
    """The district's court with a clerk and a judge, the centre's director, and three
    invited mediators on the roster for debts and neighbours."""
    invited = org(
        "jk-invited", OrgKind.INVITED_ORGANISATION, district.district, name="特邀调解组织"
    )
    centre_staff = district.centre_staff
    mediators = []
    for n in range(3):
        user = staff(f"mediator{n}", invited, Role.MEDIATOR)
        services_roster.mediator_register(
            actor=centre_staff,
            user=user,
            organisation=invited,
            dispute_types=[DisputeType.NEIGHBOUR, DisputeType.DEBT],
        )
        mediators.append(user)
    return Court(
        court=district.court,
        centre=district.district,
        clerk=staff("clerk", district.court, Role.COURT_CLERK),
        judge=staff("judge", district.court, Role.JUDGE),
        centre_staff=centre_staff,
        director=staff("director", district.district, Role.CENTRE_DIRECTOR),
        mediators=mediators,
    )


def on_duty(court: Court, start: datetime.date, days: int, mediators=None) -> None:
    for mediator in mediators or court.mediators:
        for i in range(days):
            services_roster.duty_shift_set(
                actor=court.centre_staff, mediator=mediator, day=start + datetime.timedelta(i)
            )


def referral_data(court: Court, **overrides) -> dict:
    data = {
        "court": court.court.pk,
        "centre": court.centre.pk,
        "kind": "delegation",
        "procedure": "",
        "title": "借款纠纷",
        "claim": "请求被告归还借款五万元。",
        "dispute_type": DisputeType.DEBT,
        "applicant_name": "张三",
        "applicant_id_number": make_id_number(),
        "applicant_phone": "13800138000",
        "respondent_name": "李四",
        "respondent_phone": "13900139000",
        "materials": [pdf()],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def refer(client, court: Court, **overrides):
    """The clerk sends a referral through the referral form; returns the response."""
    client.force_login(court.clerk)
    return client.post(reverse("referrals:new"), referral_data(court, **overrides))


def last_referral() -> Referral:
    return Referral.objects.order_by("-pk").first()


def open_task(referral, name: str) -> Task:
    return Task.objects.get(
        process__referralprocess__referral=referral,
        flow_task=getattr(CourtReferralFlow, name),
        status__in=OPEN,
    )


def has_open(referral, name: str) -> bool:
    return Task.objects.filter(
        process__referralprocess__referral=referral,
        flow_task=getattr(CourtReferralFlow, name),
        status__in=OPEN,
    ).exists()


def perform(client, user, referral, name: str, data: dict):
    """Claim the referral's task ``name`` as ``user`` and submit its form."""
    client.force_login(user)
    response = client.post(task_url(open_task(referral, name), "assign"))
    assert response.status_code == 302, response.status_code
    return client.post(task_url(open_task(referral, name), "execute"), data)


def answers(referral, day=None, **by_role) -> dict:
    """The consent form's data: ``applicant="consented"``, ``respondent=("refused", "不同意")``."""
    data = {"answered_on": day or timezone.localdate().isoformat()}
    for party in referral.case.parties.all():
        answer = by_role.get(party.role, "")
        answer, note = answer if isinstance(answer, tuple) else (answer, "")
        data[f"answer_{party.pk}"] = answer
        data[f"note_{party.pk}"] = note
    return data


def consent_all(client, court, referral, step="consent"):
    data = answers(referral, applicant="consented", respondent="consented")
    return perform(client, court.centre_staff, referral, step, data)


def take_and_consent(client, court, referral) -> None:
    perform(client, court.centre_staff, referral, "decide", {"decision": "take"})
    consent_all(client, court, referral)


def to_mediation(client, court, referral):
    """Centre takes it, parties consent, leave the choice to the rotation, mediator accepts."""
    take_and_consent(client, court, referral)
    perform(client, court.centre_staff, referral, "choose", {"mediator": ""})
    referral.refresh_from_db()
    mediator = referral.proposed_mediator
    perform(client, mediator, referral, "answer", {"accept": "1"})
    referral.refresh_from_db()
    return mediator


def mediate(client, mediator, case, outcome: str, **fields):
    """The mediator works the case loop: start mediation, then record the outcome."""
    perform_loop(client, mediator, case, "start_mediation", {"note": "已通知双方"})
    return perform_loop(
        client,
        mediator,
        case,
        "handle",
        {"step": "outcome", "outcome": outcome, "summary": "调解情况", **fields},
    )


SESSION_PLACE = "经开区调处中心第一调解室"


def schedule_session(client, mediator, referral, day: str):
    """From the referral's page, the mediator tells the parties their rights (art 14) and
    schedules a private session at 09:30 on ``day``, with a notice to each party."""
    client.force_login(mediator)
    case = referral.case
    detail = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    rights_url = reverse("cases:rights_notice", args=[case.pk])
    schedule_url = reverse("cases:session_schedule", args=[case.pk])
    assert rights_url in detail and schedule_url in detail
    parties = list(case.parties.all())
    response = client.post(
        rights_url,
        {
            "parties": [p.pk for p in parties],
            "items": list(RightsItem.values),
            "channel": "in_person",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    data = {"date": day, "time": "09:30", "place": SESSION_PLACE}
    data.update({f"notice_{p.pk}": "sms" for p in parties})
    response = client.post(schedule_url, data)
    assert response.status_code == 302, response.context["form"].errors
    return MediationSession.objects.get(case=case, status="scheduled")


def record_session(client, mediator, referral, outcome="continue"):
    """The mediator records the held session: both parties present, their statements."""
    client.force_login(mediator)
    case = referral.case
    session = MediationSession.objects.get(case=case, status="scheduled")
    data = {"statements": "双方陈述借款经过。", "outcome": outcome, "outcome_note": ""}
    for party in case.parties.all():
        data[f"present_{party.pk}"] = "on"
        data[f"statement_{party.pk}"] = f"{party.person.name}的陈述"
    url = reverse("cases:session_record", args=[case.pk, session.pk])
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    session.refresh_from_db()
    return session


# The referrals' tests start on a Tuesday in September 2026, before National Day.
TZ = datetime.timezone(datetime.timedelta(hours=8))
START = datetime.datetime(2026, 9, 1, 10, 0, tzinfo=TZ)


def at(day: str, hour: int = 10):
    """Travel to ``day`` at ``hour`` (Beijing time) and stay there."""
    return time_machine.travel(
        datetime.datetime.fromisoformat(day).replace(hour=hour, tzinfo=TZ), tick=False
    )
