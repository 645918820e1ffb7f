"""访调对接 petition referral: the clocks of 信访工作条例, worked through the pages."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

from mediation.models import AuditAction, AuditEvent, Case, Channel, Notification, OrgKind, Role
from mediation.models.handoffs import PetitionReferral
from tests.factories import org, staff
from workflows.timers import fire_flow_timers

from .helpers import close_case, open_task, perform

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()


def at(day: str, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), TZ)


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English, so that tests can read what they show."""
    client.cookies["django_language"] = "en"


@pytest.fixture
def bureau(district):
    office = org("jk-xf", OrgKind.PETITION_BUREAU, district.district, name="经开区信访局")
    district.bureau = office
    district.petition_staff = staff("xfstaff", office, Role.PETITION_STAFF)
    district.director = staff("director", district.street, Role.CENTRE_DIRECTOR)
    return district


def _transfer(client, d, *, registered_on="2026-06-01", **overrides):
    client.force_login(d.petition_staff)
    data = {
        "bureau": d.bureau.pk,
        "centre": d.street.pk,
        "petition_number": "XF2026-0001",
        "registered_on": registered_on,
        "title": "物业费纠纷信访",
        "description": "业主反映物业公司多收物业费，要求退还。",
        "dispute_type": "property_management",
        "consent": "on",
        "consented_by": "张三、李四当面同意",
        "applicant_name": "张三",
        "applicant_phone": "13800138000",
        "respondent_name": "李四",
        "respondent_phone": "",
        **overrides,
    }
    return client.post(reverse("petitionreferral:transfer"), data)


def _transferred(client, d, day="2026-06-02", **kwargs) -> PetitionReferral:
    with time_machine.travel(at(day), tick=False):
        response = _transfer(client, d, **kwargs)
    assert response.status_code == 302, response.context["form"].errors
    return PetitionReferral.objects.select_related("case").get()


def test_petition_staff_transfer_with_consent_makes_the_case(client, bureau):
    referral = _transferred(client, bureau)
    assert referral.case.channel == Channel.PETITION
    assert referral.case.handling_org == bureau.street
    assert referral.consent and referral.consented_by == "张三、李四当面同意"
    assert referral.transferred_on == datetime.date(2026, 6, 2)
    assert open_task(referral.case, "review")


def test_transfer_without_the_parties_consent_is_refused(client, bureau):
    with time_machine.travel(at("2026-06-02"), tick=False):
        response = _transfer(client, bureau, consent="", consented_by="")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["consent"] and errors["consented_by"]
    assert not Case.objects.exists()


def test_only_petition_staff_transfer(client, bureau):
    client.force_login(bureau.street_staff)
    assert client.get(reverse("petitionreferral:transfer")).status_code == 403


def test_petition_transferred_within_15_days_holiday_moves_the_last_day_art22(client, bureau):
    # Registered 16 September 2026: day 15 is 1 October, National Day, so the period
    # ends on 8 October, the first working day after the holiday.
    with time_machine.travel(at("2026-10-09"), tick=False):
        response = _transfer(client, bureau, registered_on="2026-09-16")
    assert response.status_code == 200
    assert "2026-10-08" in str(response.context["form"].errors["registered_on"])
    assert not Case.objects.exists()
    referral = _transferred(client, bureau, day="2026-10-08", registered_on="2026-09-16")
    assert referral.registered_on == datetime.date(2026, 9, 16)


def test_objection_within_5_working_days_counts_the_adjusted_saturday_art23(client, bureau):
    # Transferred Tue 29 September 2026: 30 Sep (1), 1-7 Oct holiday, 8 Oct (2),
    # 9 Oct (3), Sat 10 Oct a working day (调休, 4), Mon 12 Oct (5).
    referral = _transferred(client, bureau, day="2026-09-29", registered_on="2026-09-25")
    assert referral.objection_by == datetime.date(2026, 10, 12)
    url = reverse("petitionreferral:object", args=[referral.pk])
    client.force_login(bureau.street_staff)
    with time_machine.travel(at("2026-10-12", 17), tick=False):
        response = client.post(url, {"reason": "属于劳动仲裁范围，非本中心受理事项。"})
    assert response.status_code == 302
    referral.refresh_from_db()
    referral.case.refresh_from_db()
    assert referral.objected_at and referral.case.status == "rejected"
    assert Notification.objects.filter(organisation=bureau.bureau, case=referral.case).exists()
    with pytest.raises(Task.DoesNotExist):
        open_task(referral.case, "review")


def test_objection_after_5_working_days_is_refused_art23(client, bureau):
    referral = _transferred(client, bureau, day="2026-09-29", registered_on="2026-09-25")
    url = reverse("petitionreferral:object", args=[referral.pk])
    client.force_login(bureau.street_staff)
    with time_machine.travel(at("2026-10-13"), tick=False):
        response = client.post(url, {"reason": "非本中心事项"})
    assert response.status_code == 200
    assert "2026-10-12" in str(response.context["form"].non_field_errors())
    referral.refresh_from_db()
    assert referral.objected_at is None
    assert referral.case.status == "reported"
    assert open_task(referral.case, "review")


def test_review_cannot_decline_a_transferred_petition_art23(client, bureau):
    referral = _transferred(client, bureau, day="2026-09-29", registered_on="2026-09-25")
    for decision in (
        {"decision": "reject", "reason": "不属于调解范围"},
        {"decision": "redirect", "to_body": "区人民法院", "reason": "应诉讼解决"},
    ):
        with time_machine.travel(at("2026-10-13"), tick=False):
            response = perform(client, bureau.street_staff, referral.case, "review", decision)
        assert response.status_code == 200
        assert "art 23" in str(response.context["form"].non_field_errors())
        referral.refresh_from_db()
        assert referral.case.status == "reported" and referral.objected_at is None
    assert not Notification.objects.filter(organisation=bureau.bureau).exists()


def test_only_the_receiving_centre_objects_art23(client, bureau):
    referral = _transferred(client, bureau)
    url = reverse("petitionreferral:object", args=[referral.pk])
    # The bureau sees its transfer but does not run it; another street's centre does
    # not see it at all, so its id cannot be probed (issue 5).
    for user, status in ((bureau.other_street_staff, 404), (bureau.petition_staff, 403)):
        client.force_login(user)
        assert client.post(url, {"reason": "x"}).status_code == status


def test_petition_not_handled_within_60_days_goes_to_the_director_art34(client, bureau):
    referral = _transferred(client, bureau, day="2026-06-02")
    # 2 June + 60 days = 1 August 2026, a Saturday: the period ends on Monday 3 August.
    assert referral.handle_by == datetime.date(2026, 8, 3)
    with time_machine.travel(at("2026-08-03", 23), tick=False):
        fire_flow_timers()
    referral.refresh_from_db()
    assert referral.overdue_at is None
    with time_machine.travel(at("2026-08-04", 1), tick=False):
        fire_flow_timers()
    referral.refresh_from_db()
    assert referral.overdue_at is not None
    assert Notification.objects.filter(user=bureau.director, case=referral.case).exists()
    assert AuditEvent.objects.filter(
        case=referral.case, action=AuditAction.PETITION_OVERDUE
    ).exists()


def test_extension_once_by_at_most_30_days_with_notice_art34(client, bureau):
    referral = _transferred(client, bureau, day="2026-06-02")
    url = reverse("petitionreferral:extend", args=[referral.pk])
    client.force_login(bureau.street_staff)
    with time_machine.travel(at("2026-07-20"), tick=False):
        too_long = client.post(url, {"days": 31, "notice": "已电话告知信访人"})
        no_notice = client.post(url, {"days": 30, "notice": ""})
        assert too_long.status_code == 200 and too_long.context["form"].errors["days"]
        assert no_notice.status_code == 200 and no_notice.context["form"].errors["notice"]
        assert client.post(url, {"days": 30, "notice": "已书面告知信访人延期"}).status_code == 302
        twice = client.post(url, {"days": 5, "notice": "再次延期"})
    assert twice.status_code == 200 and twice.context["form"].non_field_errors()
    referral.refresh_from_db()
    # 2 June + 90 days = 31 August 2026, a Monday.
    assert referral.extended_days == 30 and referral.handle_by == datetime.date(2026, 8, 31)
    assert referral.extension_notice == "已书面告知信访人延期"
    # The old date passes quietly; the extended one does not.
    with time_machine.travel(at("2026-08-05"), tick=False):
        fire_flow_timers()
    referral.refresh_from_db()
    assert referral.overdue_at is None
    with time_machine.travel(at("2026-09-01"), tick=False):
        fire_flow_timers()
    referral.refresh_from_db()
    assert referral.overdue_at is not None


def test_result_goes_back_to_the_bureau_when_the_case_closes(
    client, bureau, django_capture_on_commit_callbacks
):
    referral = _transferred(client, bureau)
    with django_capture_on_commit_callbacks(execute=True):
        close_case(client, bureau, referral.case)
    referral.refresh_from_db()
    assert referral.result == "agreement" and referral.result_recorded_at
    assert Notification.objects.filter(organisation=bureau.bureau, case=referral.case).exists()
    client.force_login(bureau.petition_staff)
    page = client.get(reverse("petitionreferral:referrals"))
    assert [r.result for r in page.context["sent"]] == ["agreement"]
    # A handled petition is not reported overdue later.
    with time_machine.travel(at("2026-09-01"), tick=False):
        fire_flow_timers()
    referral.refresh_from_db()
    assert referral.overdue_at is None


def test_clocks_show_on_the_case_page_for_the_centre(client, bureau):
    referral = _transferred(client, bureau)
    client.force_login(bureau.street_staff)
    with time_machine.travel(at("2026-06-03"), tick=False):
        page = client.get(reverse("cases:detail", args=[referral.case.pk]))
    assert page.status_code == 200
    assert "2026-08-03" in page.content.decode()


# The objection once the case is accepted, the clocks on the pages, the chart, the result.

LOOP_OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED, STATUS.SCHEDULED)


def _accepted_and_mediating(client, d, referral, day: str) -> None:
    """The centre accepts and dispatches to the grid worker, who starts mediating."""
    case = referral.case
    with time_machine.travel(at(day), tick=False):
        perform(client, d.street_staff, case, "review", {"decision": "accept", "tier": "micro"})
        perform(
            client,
            d.street_staff,
            case,
            "dispatch",
            {"organisation": d.grid.pk, "mediator": d.grid_worker.pk},
        )
        perform(client, d.grid_worker, case, "start_mediation", {"note": "已约谈双方"})
    case.refresh_from_db()
    assert case.status == "mediating"


def _loop(case) -> Process:
    return Process.objects.get(caseprocess__case=case)


def _clock(referral) -> Process:
    return Process.objects.get(petitionreferralprocess__referral=referral)


def test_objection_after_acceptance_within_5_working_days_sends_it_back_art23(client, bureau):
    referral = _transferred(client, bureau, day="2026-09-29", registered_on="2026-09-25")
    _accepted_and_mediating(client, bureau, referral, "2026-09-30")
    case = referral.case
    client.force_login(bureau.street_staff)
    with time_machine.travel(at("2026-10-12", 17), tick=False):
        page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
        url = reverse("petitionreferral:object", args=[referral.pk])
        assert url in page
        response = client.post(url, {"reason": "经了解属于劳动争议，应由劳动仲裁处理。"})
    assert response.status_code == 302
    referral.refresh_from_db()
    case.refresh_from_db()
    assert referral.objected_at and "劳动争议" in referral.objection_reason
    # The case ends as sent back to the bureau; the loop and the clock end with it.
    assert case.status == "redirected" and case.closed_at
    redirect = AuditEvent.objects.get(case=case, action=AuditAction.CASE_REDIRECTED)
    assert redirect.data["to_body"] == "经开区信访局" and redirect.data["police"] is False
    assert _loop(case).status == PROCESS.CANCELED
    assert not Task.objects.filter(process=_loop(case), status__in=LOOP_OPEN).exists()
    assert _clock(referral).status == PROCESS.DONE
    assert Notification.objects.filter(user=bureau.grid_worker, case=case).exists()
    told = Notification.objects.get(organisation=bureau.bureau, case=case)
    assert "劳动争议" in told.text
    client.force_login(bureau.petition_staff)
    page = client.get(reverse("petitionreferral:referrals")).content.decode()
    assert "Objected" in page and "劳动争议" in page
    # Nothing is reported overdue about a petition sent back.
    with time_machine.travel(at("2027-01-10"), tick=False):
        fire_flow_timers()
    referral.refresh_from_db()
    assert referral.overdue_at is None
    assert not AuditEvent.objects.filter(case=case, action=AuditAction.CASE_OVERDUE).exists()


def test_objection_after_acceptance_past_5_working_days_is_refused_art23(client, bureau):
    referral = _transferred(client, bureau, day="2026-09-29", registered_on="2026-09-25")
    _accepted_and_mediating(client, bureau, referral, "2026-09-30")
    case = referral.case
    client.force_login(bureau.street_staff)
    url = reverse("petitionreferral:object", args=[referral.pk])
    with time_machine.travel(at("2026-10-13"), tick=False):
        page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
        assert url not in page
        response = client.post(url, {"reason": "非本中心事项"})
    assert response.status_code == 200
    assert "2026-10-12" in str(response.context["form"].non_field_errors())
    referral.refresh_from_db()
    case.refresh_from_db()
    assert referral.objected_at is None and case.status == "mediating"
    assert open_task(case, "handle")
    assert _loop(case).status != PROCESS.CANCELED


def test_handling_period_and_extension_show_on_the_petition_and_case_pages_art34(client, bureau):
    referral = _transferred(client, bureau, day="2026-06-02")
    _accepted_and_mediating(client, bureau, referral, "2026-06-03")
    case_page = reverse("cases:detail", args=[referral.case.pk])
    extend = reverse("petitionreferral:extend", args=[referral.pk])
    client.force_login(bureau.street_staff)
    with time_machine.travel(at("2026-07-20"), tick=False):
        page = client.get(case_page).content.decode()
        assert "handle within the period (art 34)" in page and "2026-08-03" in page
        assert extend in page
        response = client.post(extend, {"days": 30, "notice": "已书面告知信访人延期30日"})
        assert response.status_code == 302
        page = client.get(case_page).content.decode()
    assert "extended once by 30 days" in page and "2026-08-31" in page
    assert extend not in page
    # The timeline keeps the notice given to the petitioner.
    assert "已书面告知信访人延期30日" in page
    # The mediator sees the clock too, without the centre's pages.
    client.force_login(bureau.grid_worker)
    with time_machine.travel(at("2026-07-21"), tick=False):
        page = client.get(case_page).content.decode()
    assert "extended once by 30 days" in page and "2026-08-31" in page
    # The bureau sees the new date, the extension and the notice on its own list.
    client.force_login(bureau.petition_staff)
    page = client.get(reverse("petitionreferral:referrals")).content.decode()
    assert "2026-08-31" in page and "extended by 30 days" in page
    assert "已书面告知信访人延期30日" in page


def test_petition_referral_flow_is_charted_on_the_case_page(client, bureau):
    referral = _transferred(client, bureau)
    client.force_login(bureau.street_staff)
    with time_machine.travel(at("2026-06-03"), tick=False):
        page = client.get(reverse("cases:detail", args=[referral.case.pk]))
    titles = [chart.title for chart in page.context["charts"]]
    assert titles == ["Case closed loop", "Petition referral"]


def test_bureau_sees_a_termination_as_the_result_and_the_clock_stops(
    client, bureau, django_capture_on_commit_callbacks
):
    referral = _transferred(client, bureau, day="2026-06-02")
    _accepted_and_mediating(client, bureau, referral, "2026-06-03")
    case = referral.case
    with time_machine.travel(at("2026-06-10"), tick=False):
        perform(
            client,
            bureau.grid_worker,
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
            perform(client, bureau.street_staff, case, "verify", {"checked": "on"})
    referral.refresh_from_db()
    assert referral.result == "terminated" and referral.result_recorded_at
    # The handling period has nothing left to wait for.
    assert _clock(referral).status == PROCESS.DONE
    client.force_login(bureau.petition_staff)
    page = client.get(reverse("petitionreferral:referrals")).content.decode()
    assert "Terminated" in page and case.number in page
