"""公调对接 police referral, worked through its pages by the officer and the centre."""

import datetime

import pytest
import time_machine
from django.apps import apps as django_apps
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

from mediation.models import AuditAction, AuditEvent, Case, Channel, Notification, OrgKind, Role
from mediation.models.handoffs import PoliceReferral
from tests.factories import org, staff
from workflows.police import PoliceReferralFlow
from workflows.timers import fire_flow_timers

from .helpers import close_case, open_task, perform

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=timezone.get_default_timezone())


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English, so that tests can read what they show."""
    client.cookies["django_language"] = "en"


@pytest.fixture
def police(district):
    station = org("jk-ps", OrgKind.POLICE_STATION, district.district, name="太湖派出所")
    other = org("jk-ps2", OrgKind.POLICE_STATION, district.district, name="湖滨派出所")
    district.station = station
    district.officer = staff("officer", station, Role.POLICE_OFFICER)
    district.other_officer = staff("officer2", other, Role.POLICE_OFFICER)
    district.director = staff("director", district.street, Role.CENTRE_DIRECTOR)
    return district


def _refer(client, d, **overrides):
    client.force_login(d.officer)
    data = {
        "station": d.station.pk,
        "centre": d.street.pk,
        "title": "邻里噪音争吵",
        "account": "楼上深夜装修，双方争吵，民警到场后劝开，不属治安案件。",
        "dispute_type": "neighbour",
        "location": "新园社区3栋",
        "incident_at": "2026-06-01T08:00",
        "applicant_name": "张三",
        "applicant_phone": "13800138000",
        "respondent_name": "李四",
        "respondent_phone": "",
        **overrides,
    }
    return client.post(reverse("policereferral:refer"), data)


def _referred(client, d) -> PoliceReferral:
    with time_machine.travel(START, tick=False):
        response = _refer(client, d)
    assert response.status_code == 302, response.content
    return PoliceReferral.objects.select_related("case").get()


def test_officer_refers_110_call_and_the_case_is_registered_once(client, police):
    referral = _referred(client, police)
    case = referral.case
    assert case.channel == Channel.POLICE
    assert case.handling_org == police.street
    assert case.number
    assert referral.station == police.station and referral.officer == police.officer
    assert referral.accept_by == START + datetime.timedelta(hours=24)
    # The case is in the closed loop, waiting for the centre's one acceptance.
    assert open_task(case, "review")
    assert Process.objects.filter(flow_class=PoliceReferralFlow, status=PROCESS.NEW).exists()


def test_referral_without_parties_is_rejected_with_a_form_error(client, police):
    response = _refer(client, police, applicant_name="", respondent_name="")
    assert response.status_code == 200
    assert response.context["form"].errors["applicant_name"]
    assert not Case.objects.exists()


def test_only_police_officers_refer(client, police):
    client.force_login(police.street_staff)
    assert client.get(reverse("policereferral:refer")).status_code == 403
    assert client.post(reverse("policereferral:refer"), {}).status_code == 403
    assert not Case.objects.exists()


def test_officer_cannot_refer_for_another_station(client, police):
    other_station = police.other_officer.memberships.get().organisation
    response = _refer(client, police, station=other_station.pk)
    assert response.status_code == 200
    assert response.context["form"].errors["station"]
    assert not Case.objects.exists()


def test_centre_accepts_within_24_hours_through_the_case_loop_review_24_hours(client, police):
    referral = _referred(client, police)
    with time_machine.travel(START + datetime.timedelta(hours=3), tick=False):
        perform(
            client,
            police.street_staff,
            referral.case,
            "review",
            {"decision": "accept", "tier": "micro"},
        )
    referral.refresh_from_db()
    assert referral.accepted_at == START + datetime.timedelta(hours=3)
    with time_machine.travel(START + datetime.timedelta(hours=25), tick=False):
        fire_flow_timers()
    referral.refresh_from_db()
    assert referral.late_at is None
    assert not Notification.objects.filter(user=police.director).exists()
    process = Process.objects.get(flow_class=PoliceReferralFlow)
    assert process.status == PROCESS.DONE


def test_referral_not_accepted_within_24_hours_goes_to_the_director_24_hours(client, police):
    referral = _referred(client, police)
    with time_machine.travel(START + datetime.timedelta(hours=23, minutes=59), tick=False):
        fire_flow_timers()
    referral.refresh_from_db()
    assert referral.late_at is None
    with time_machine.travel(START + datetime.timedelta(hours=24, minutes=1), tick=False):
        fire_flow_timers()
    referral.refresh_from_db()
    assert referral.is_late
    assert Notification.objects.filter(user=police.director, case=referral.case).exists()
    assert AuditEvent.objects.filter(case=referral.case, action=AuditAction.POLICE_LATE).exists()
    # Accepted late, it is still accepted, once, through the same review step.
    with time_machine.travel(START + datetime.timedelta(hours=30), tick=False):
        perform(
            client,
            police.street_staff,
            referral.case,
            "review",
            {"decision": "accept", "tier": "micro"},
        )
    referral.refresh_from_db()
    assert referral.accepted_at == START + datetime.timedelta(hours=30)
    client.force_login(police.officer)
    page = client.get(reverse("policereferral:referrals"))
    assert list(page.context["sent"]) == [referral]


def test_centre_hands_back_a_police_matter_and_the_station_sees_it_art25(client, police):
    referral = _referred(client, police)
    client.force_login(police.street_staff)
    url = reverse("policereferral:hand_back", args=[referral.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    response = client.post(url, {"reason": "一方持刀威胁，涉嫌违法，应由公安处理。"})
    assert response.status_code == 302
    referral.refresh_from_db()
    case = referral.case
    case.refresh_from_db()
    assert case.status == "redirected"
    redirect = AuditEvent.objects.get(case=case, action=AuditAction.CASE_REDIRECTED)
    assert redirect.data["police"] is True
    assert referral.handed_back_at and "持刀" in referral.hand_back_reason
    # The review step is decided by the hand-back: no one is left to accept it.
    with pytest.raises(Task.DoesNotExist):
        open_task(case, "review")
    assert Notification.objects.filter(organisation=police.station, case=case).exists()
    client.force_login(police.officer)
    page = client.get(reverse("policereferral:referrals"))
    assert [r.handed_back_at is not None for r in page.context["sent"]] == [True]
    # Nothing is late about a referral answered by a hand-back.
    with time_machine.travel(START + datetime.timedelta(days=2), tick=False):
        fire_flow_timers()
    referral.refresh_from_db()
    assert referral.late_at is None


def test_hand_back_in_the_review_step_is_recorded_for_the_station_art25(client, police):
    referral = _referred(client, police)
    perform(
        client,
        police.street_staff,
        referral.case,
        "review",
        {"decision": "redirect", "to_body": "太湖派出所", "reason": "涉嫌治安案件", "police": "on"},
    )
    referral.refresh_from_db()
    assert referral.handed_back_at is not None
    assert referral.hand_back_reason == "涉嫌治安案件"


def test_only_the_receiving_centre_hands_back(client, police):
    referral = _referred(client, police)
    url = reverse("policereferral:hand_back", args=[referral.pk])
    # The station sees its referral but does not run it; another street's centre does
    # not see it at all, so its id cannot be probed (issue 5).
    for user, status in ((police.other_street_staff, 404), (police.officer, 403)):
        client.force_login(user)
        assert client.post(url, {"reason": "不是我们的"}).status_code == status
    referral.refresh_from_db()
    assert referral.handed_back_at is None


def test_station_sees_the_outcome_of_its_own_referrals_only(client, police):
    referral = _referred(client, police)
    close_case(client, police, referral.case)
    client.force_login(police.officer)
    page = client.get(reverse("policereferral:referrals"))
    [shown] = page.context["sent"]
    assert shown.case.status == "closed" and shown.case.outcome == "agreement"
    client.force_login(police.other_officer)
    page = client.get(reverse("policereferral:referrals"))
    assert list(page.context["sent"]) == []


# Hand-back while the case is handled, the station's view of the outcome, and the chart.

IN_MEDIATION = START + datetime.timedelta(hours=2)
LOOP_OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED, STATUS.SCHEDULED)


def _in_mediation(client, d, *, tier="micro") -> PoliceReferral:
    """A referral accepted, dispatched to the grid worker, who has started mediating,
    with a session scheduled for two days later."""
    referral = _referred(client, d)
    case = referral.case
    with time_machine.travel(IN_MEDIATION, tick=False):
        perform(client, d.street_staff, case, "review", {"decision": "accept", "tier": tier})
        perform(
            client,
            d.street_staff,
            case,
            "dispatch",
            {"organisation": d.grid.pk, "mediator": d.grid_worker.pk},
        )
        perform(client, d.grid_worker, case, "start_mediation", {"note": "已电话联系双方"})
        applicant, respondent = case.parties.order_by("pk")
        response = client.post(
            reverse("cases:session_schedule", args=[case.pk]),
            {
                "date": "2026-06-03",
                "time": "10:00",
                "place": "新园社区调解室",
                f"notice_{applicant.pk}": "sms",
                f"notice_{respondent.pk}": "in_person",
            },
        )
        assert response.status_code == 302, response.content
    case.refresh_from_db()
    assert case.status == "mediating"
    return referral


def _loop(case) -> Process:
    return Process.objects.get(caseprocess__case=case)


def _open_loop_tasks(case):
    return Task.objects.filter(process=_loop(case), status__in=LOOP_OPEN)


def test_centre_hands_back_a_case_in_mediation_from_the_case_page_art25(client, police):
    referral = _in_mediation(client, police)
    case = referral.case
    assert _open_loop_tasks(case).exists()
    client.force_login(police.street_staff)
    with time_machine.travel(IN_MEDIATION + datetime.timedelta(hours=3), tick=False):
        page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
        url = reverse("policereferral:hand_back", args=[referral.pk])
        assert url in page
        response = client.post(url, {"reason": "调解中发现一方有殴打行为，涉嫌治安案件。"})
    assert response.status_code == 302
    assert response.url == reverse("cases:detail", args=[case.pk])
    case.refresh_from_db()
    referral.refresh_from_db()
    # The case ends as redirected to the station, through the mediation service.
    assert case.status == "redirected" and case.closed_at and case.due_at is None
    redirect = AuditEvent.objects.get(case=case, action=AuditAction.CASE_REDIRECTED)
    assert redirect.data["police"] is True and redirect.data["to_body"] == "太湖派出所"
    assert referral.handed_back_at and "殴打" in referral.hand_back_reason
    assert AuditEvent.objects.filter(case=case, action=AuditAction.POLICE_HANDED_BACK).exists()
    # The loop is ended cleanly: no step, no deadline timer is left open.
    assert _loop(case).status == PROCESS.CANCELED
    assert not _open_loop_tasks(case).exists()
    # The scheduled session is cancelled with the reason; the mediator and station are told.
    session = case.sessions.get()
    assert session.status == "cancelled" and "殴打" in session.reason
    assert Notification.objects.filter(user=police.grid_worker, case=case).exists()
    told = Notification.objects.get(organisation=police.station, case=case)
    assert "殴打" in told.text
    # The station sees the hand-back and its reason on its own referral.
    client.force_login(police.officer)
    page = client.get(reverse("policereferral:referrals")).content.decode()
    assert "Handed back to the police" in page and "殴打" in page
    # Nothing fires later on the ended case.
    with time_machine.travel(START + datetime.timedelta(days=40), tick=False):
        fire_flow_timers()
    assert not AuditEvent.objects.filter(case=case, action=AuditAction.CASE_OVERDUE).exists()
    assert not Task.objects.filter(process=_loop(case), status=STATUS.ERROR).exists()


def test_hand_back_during_handling_without_a_reason_changes_nothing_art25(client, police):
    referral = _in_mediation(client, police)
    client.force_login(police.street_staff)
    url = reverse("policereferral:hand_back", args=[referral.pk])
    response = client.post(url, {"reason": "   "})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    referral.refresh_from_db()
    referral.case.refresh_from_db()
    assert referral.handed_back_at is None and referral.case.status == "mediating"
    assert open_task(referral.case, "handle")


def test_only_the_centre_hands_back_a_case_in_mediation_art25(client, police):
    referral = _in_mediation(client, police)
    url = reverse("policereferral:hand_back", args=[referral.pk])
    # The mediator mediates; the centre decides that the case leaves mediation.
    # Who does not see the case gets a 404, as for a referral that does not exist.
    for user, status in (
        (police.grid_worker, 403),
        (police.other_street_staff, 404),
        (police.officer, 403),
    ):
        client.force_login(user)
        assert client.post(url, {"reason": "涉嫌治安案件"}).status_code == status
        page = client.get(reverse("cases:detail", args=[referral.case.pk]))
        assert url not in page.content.decode()
    referral.case.refresh_from_db()
    assert referral.case.status == "mediating"
    assert _loop(referral.case).status != PROCESS.CANCELED


def test_case_awaiting_verification_cannot_be_handed_back_art25(client, police):
    referral = _in_mediation(client, police)
    case = referral.case
    with time_machine.travel(IN_MEDIATION + datetime.timedelta(days=1), tick=False):
        perform(
            client,
            police.grid_worker,
            case,
            "handle",
            {"step": "outcome", "outcome": "agreement", "summary": "双方和解"},
        )
        client.force_login(police.street_staff)
        url = reverse("policereferral:hand_back", args=[referral.pk])
        response = client.post(url, {"reason": "其实是治安案件"})
    assert response.status_code == 200
    assert "Awaiting verification" in str(response.context["form"].non_field_errors())
    case.refresh_from_db()
    assert case.status == "verifying"
    assert open_task(case, "verify")
    referral.refresh_from_db()
    assert referral.handed_back_at is None


def test_hand_back_waits_for_an_open_joint_consultation_art25(client, police):
    from .helpers_joint import make_departments, summon

    referral = _referred(client, police)
    case = referral.case
    perform(client, police.street_staff, case, "review", {"decision": "accept", "tier": "medium"})
    perform(client, police.street_staff, case, "dispatch", {"organisation": police.street.pk})
    perform(client, police.street_staff, case, "start_mediation", {"note": "约谈双方"})
    departments = make_departments(police)
    assert summon(client, police, case, [departments.housing]).status_code == 302
    client.force_login(police.street_staff)
    url = reverse("policereferral:hand_back", args=[referral.pk])
    response = client.post(url, {"reason": "涉嫌治安案件"})
    assert response.status_code == 200
    assert "joint consultation" in str(response.context["form"].non_field_errors())
    case.refresh_from_db()
    referral.refresh_from_db()
    assert case.status == "mediating" and referral.handed_back_at is None
    assert not AuditEvent.objects.filter(case=case, action=AuditAction.CASE_REDIRECTED).exists()
    assert _loop(case).status != PROCESS.CANCELED


def test_acceptance_stops_the_24_hour_clock_at_once_24_hours(client, police):
    referral = _referred(client, police)
    with time_machine.travel(START + datetime.timedelta(hours=1), tick=False):
        perform(
            client,
            police.street_staff,
            referral.case,
            "review",
            {"decision": "accept", "tier": "micro"},
        )
    process = Process.objects.get(policereferralprocess__referral=referral)
    assert process.status == PROCESS.DONE
    assert not Task.objects.filter(process=process, status=STATUS.SCHEDULED).exists()


def test_station_sees_a_termination_on_its_referral_and_is_told_when_it_closes(
    client, police, django_capture_on_commit_callbacks
):
    referral = _in_mediation(client, police)
    case = referral.case
    with time_machine.travel(IN_MEDIATION + datetime.timedelta(days=1), tick=False):
        perform(
            client,
            police.grid_worker,
            case,
            "handle",
            {
                "step": "outcome",
                "outcome": "terminated",
                "summary": "双方分歧较大",
                "reasons": "被申请人拒绝继续调解",
                "other_routes": "可向人民法院起诉",
            },
        )
        with django_capture_on_commit_callbacks(execute=True):
            perform(client, police.street_staff, case, "verify", {"checked": "on"})
    case.refresh_from_db()
    assert case.status == "closed" and case.outcome == "terminated"
    told = Notification.objects.get(organisation=police.station, case=case)
    assert case.number in told.text
    client.force_login(police.officer)
    page = client.get(reverse("policereferral:referrals")).content.decode()
    assert "Terminated" in page and "Closed" in page and case.number in page


def test_station_sees_an_agreement_on_its_referral_page(client, police):
    referral = _referred(client, police)
    close_case(client, police, referral.case)
    client.force_login(police.officer)
    page = client.get(reverse("policereferral:referrals")).content.decode()
    assert "Agreement" in page and referral.case.number in page


def test_police_referral_flow_is_charted_on_the_case_page(client, police):
    referral = _referred(client, police)
    client.force_login(police.street_staff)
    page = client.get(reverse("cases:detail", args=[referral.case.pk]))
    titles = [chart.title for chart in page.context["charts"]]
    assert titles == ["Case closed loop", "Police referral"]
    process = Process.objects.get(policereferralprocess__referral=referral)
    assert PoliceReferralFlow.instance.reverse("process_detail", args=[process.pk]) in (
        page.content.decode()
    )


def test_process_rows_made_before_the_referral_link_are_backfilled(client, police):
    from workflows.models import PoliceReferralProcess
    from workflows.police_petition_backfill import link_referral_processes

    referral = _referred(client, police)
    process = PoliceReferralProcess.objects.get(referral=referral)
    # A row from before: the process knew its referral only as its artifact.
    Process.objects.filter(pk=process.pk).update(
        artifact_content_type=ContentType.objects.get_for_model(PoliceReferral),
        artifact_object_id=referral.pk,
    )
    PoliceReferralProcess.objects.filter(pk=process.pk)._raw_delete(using="default")
    assert Process.objects.filter(pk=process.pk).exists()
    link_referral_processes(django_apps, None)
    assert PoliceReferralProcess.objects.get(pk=process.pk).referral == referral
    with time_machine.travel(START + datetime.timedelta(hours=25), tick=False):
        fire_flow_timers()
    assert Process.objects.get(pk=process.pk).status == PROCESS.DONE
