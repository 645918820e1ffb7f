"""The hourly job: a deadline two working days away is announced once, a missed one once,
and each party who has not rated a case closed before today is asked once."""

import datetime

import pytest
import time_machine

from mediation import services
from mediation.jobs_notifications import deadline_notices_send, rating_requests_send
from mediation.models import (
    Case,
    CaseStatus,
    Delivery,
    Notification,
    NotificationEvent,
    NotificationKey,
)
from mediation.models.sessions import MediationSession

from .conftest import PHONE

pytestmark = pytest.mark.django_db

NEAR = NotificationEvent.DEADLINE_NEAR
OVERDUE = NotificationEvent.DEADLINE_OVERDUE


def _at(day: str, hour: int = 9):
    return datetime.datetime.fromisoformat(f"{day}T{hour:02d}:00:00+08:00")


def _due(case, day: str):
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.MEDIATING, due_at=day)


def _near(case):
    return Notification.objects.filter(case=case, event=NEAR)


def test_a_deadline_after_a_weekend_is_announced_two_working_days_before(district, case):
    _due(case, "2025-06-10")  # a Tuesday
    with time_machine.travel(_at("2025-06-05")):  # Thursday: three working days before
        assert deadline_notices_send() == 0
    with time_machine.travel(_at("2025-06-06")):  # Friday: Monday, then Tuesday
        assert deadline_notices_send() == 1
    [notice] = _near(case)
    assert notice.organisation == district.street
    assert case.number in notice.text and "2025-06-10" in notice.text


def test_a_deadline_after_the_national_day_holiday_is_announced_before_it_and_once(case):
    # 2025: 1 to 8 October are holidays; the 9th and 10th are the first working days.
    _due(case, "2025-10-10")
    with time_machine.travel(_at("2025-09-29")):
        assert deadline_notices_send() == 0
    with time_machine.travel(_at("2025-09-30")):
        assert deadline_notices_send() == 1
        assert deadline_notices_send() == 0
    with time_machine.travel(_at("2025-10-09")):
        assert deadline_notices_send() == 0
    assert _near(case).count() == 1


def test_the_mediator_is_told_of_their_own_case(district, case):
    Case.objects.filter(pk=case.pk).update(mediator=district.grid_worker)
    _due(case, "2025-06-10")
    with time_machine.travel(_at("2025-06-06")):
        deadline_notices_send()
    assert _near(case).get().user == district.grid_worker


def test_a_missed_deadline_is_announced_once(district, case):
    _due(case, "2025-06-10")
    with time_machine.travel(_at("2025-06-10", 23)):
        deadline_notices_send()
    assert not Notification.objects.filter(case=case, event=OVERDUE).exists()
    for day in ("2025-06-11", "2025-06-12"):
        with time_machine.travel(_at(day)):
            deadline_notices_send()
    [notice] = Notification.objects.filter(case=case, event=OVERDUE)
    assert notice.organisation == district.street and "2025-06-10" in notice.text


def test_a_deadline_moved_is_announced_again_and_an_old_miss_is_not(case):
    _due(case, "2025-06-10")
    with time_machine.travel(_at("2025-06-06")):
        deadline_notices_send()
    _due(case, "2025-06-17")
    with time_machine.travel(_at("2025-06-13")):
        deadline_notices_send()
    assert _near(case).count() == 2
    # Missed long ago: on the overdue list, not announced.
    _due(case, "2025-01-02")
    with time_machine.travel(_at("2025-06-20")):
        deadline_notices_send()
    assert not Notification.objects.filter(case=case, event=OVERDUE).exists()


def test_a_session_two_working_days_away_is_reminded_to_the_parties(district, case, capture):
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.MEDIATING)
    MediationSession.objects.create(
        case=case,
        scheduled_at=_at("2025-06-10", 10),
        place="调解室",
        scheduled_by=district.street_staff,
    )
    with time_machine.travel(_at("2025-06-06")), capture(execute=True):
        deadline_notices_send()
        deadline_notices_send()
    reminders = Delivery.objects.filter(case=case, event=NEAR)
    assert sorted(reminders.values_list("person__name", flat=True)) == ["张三", "李四"]
    assert Notification.objects.get(case=case, event=NEAR).user == district.street_staff


def test_parties_who_have_not_rated_are_asked_the_day_after_closing_once(
    district, case, capture, texts
):
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.CLOSED, closed_at=_at("2025-06-10", 15)
    )
    zhang = case.parties.get(person__name="张三")
    li = case.parties.get(person__name="李四")
    with time_machine.travel(_at("2025-06-10", 18)):
        assert rating_requests_send() == 0
        services.case_rate_parties(
            case=case,
            ratings=[services.RatingInput(party=li, stars=5)],
            actor=district.street_staff,
        )
    with time_machine.travel(_at("2025-06-11")), capture(execute=True):
        # 张三 and 王五 (who has no phone nor email, so nothing is sent to him).
        assert rating_requests_send() == 2
        assert rating_requests_send() == 0
    [asked] = Delivery.objects.filter(event=NotificationEvent.RATING_REQUEST)
    assert asked.person == zhang.person
    assert [m.phone for m in texts] == [PHONE] and "rate" in texts[0].text
    # Past the rating window nobody is asked, even never asked before.
    NotificationKey.objects.all().delete()
    with time_machine.travel(_at("2025-06-18")):
        assert rating_requests_send() == 0


def test_a_court_referrals_mediation_deadline_is_announced_to_the_centre_and_mediator(
    district, case
):
    from mediation.models.referrals import Referral, ReferralKind, ReferralStatus

    Case.objects.filter(pk=case.pk).update(mediator=district.grid_worker)
    Referral.objects.create(
        case=case, court=district.court, centre=district.street, kind=ReferralKind.DELEGATION,
        claim="请求返还借款", status=ReferralStatus.MEDIATING, due_on="2025-06-10",
    )  # fmt: skip
    with time_machine.travel(_at("2025-06-06")):
        assert deadline_notices_send() == 1
    told = {(n.organisation_id, n.user_id) for n in _near(case)}
    assert told == {(district.street.pk, None), (None, district.grid_worker.pk)}
    assert "2025-06-10" in _near(case).first().text


def test_a_return_visit_date_is_announced_to_the_handling_organisation_and_its_miss(district, case):
    from mediation.models import ReturnVisit

    # Even with a mediator named: the visit is the organisation's.
    Case.objects.filter(pk=case.pk).update(mediator=district.grid_worker)
    ReturnVisit.objects.create(case=case, due_on="2025-06-10")
    with time_machine.travel(_at("2025-06-06")):
        assert deadline_notices_send() == 1
    assert [(n.organisation_id, n.user_id) for n in _near(case)] == [(district.street.pk, None)]
    with time_machine.travel(_at("2025-06-11")):
        assert deadline_notices_send() == 1
    assert Notification.objects.filter(case=case, event=OVERDUE).count() == 1


def test_a_summoned_departments_report_in_date_is_announced_to_it_until_it_reports(district, case):
    from django.utils import timezone

    from mediation.models import DepartmentSummons, JointConsultation, OrgKind
    from tests.factories import org

    department = org("jk-hr", OrgKind.DEPARTMENT, district.district, name="人社局")
    consultation = JointConsultation.objects.create(case=case, reason="欠薪涉多部门")
    DepartmentSummons.objects.create(
        consultation=consultation, department=department, due_on="2025-06-10"
    )
    # Another department has reported in already: not reminded.
    reported = DepartmentSummons.objects.create(
        consultation=consultation, department=district.court, due_on="2025-06-10"
    )
    DepartmentSummons.objects.filter(pk=reported.pk).update(reported_at=timezone.now())
    with time_machine.travel(_at("2025-06-06")):
        assert deadline_notices_send() == 1
    assert [(n.organisation_id, n.user_id) for n in _near(case)] == [(department.pk, None)]
    assert "2025-06-10" in _near(case).get().text
    # A missed report-in is escalated by the consultation's flow, not announced here.
    with time_machine.travel(_at("2025-06-11")):
        assert deadline_notices_send() == 0
    assert not Notification.objects.filter(case=case, event=OVERDUE).exists()
