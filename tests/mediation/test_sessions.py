"""Mediation sessions, driven through the case's pages as its handler and the centre."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from mediation import services_case
from mediation.models import AuditAction, CaseParty, PartyRole, Tier
from mediation.models.sessions import (
    MediationSession,
    RightsItem,
    RightsNotice,
    SessionAttendance,
    SessionNotice,
    SessionOutcome,
    SessionStatus,
)
from tests.factories import report_case

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
MONDAY = datetime.datetime(2026, 9, 14, 9, 0, tzinfo=TZ)
SESSION_DAY = "2026-09-16"
AFTER_SESSION = datetime.datetime(2026, 9, 16, 12, 0, tzinfo=TZ)


@pytest.fixture
def case(district):
    """A micro case dispatched to the grid worker, who mediates it."""
    with time_machine.travel(MONDAY):
        case = report_case(handling_org=district.street, actor=district.street_staff)
        services_case.case_accept(case=case, actor=district.street_staff, tier=Tier.MICRO)
        return services_case.case_dispatch(
            case=case,
            actor=district.street_staff,
            organisation=district.grid,
            mediator=district.grid_worker,
        )


def parties(case):
    applicant = case.parties.get(role=PartyRole.APPLICANT)
    respondent = case.parties.get(role=PartyRole.RESPONDENT)
    return applicant, respondent


def schedule_data(case, **extra):
    applicant, respondent = parties(case)
    data = {
        "date": SESSION_DAY,
        "time": "10:00",
        "place": "太湖街道调处中心第二调解室",
        f"notice_{applicant.pk}": "sms",
        f"notice_{respondent.pk}": "in_person",
    }
    return {**data, **extra}


def schedule(client, user, case, **extra):
    client.force_login(user)
    with time_machine.travel(MONDAY):
        return client.post(
            reverse("cases:session_schedule", args=[case.pk]), schedule_data(case, **extra)
        )


def tell_rights(client, user, case, items=tuple(RightsItem.values)):
    client.force_login(user)
    data = {
        "parties": [p.pk for p in case.parties.all()],
        "items": list(items),
        "channel": "in_person",
    }
    with time_machine.travel(MONDAY):
        return client.post(reverse("cases:rights_notice", args=[case.pk]), data)


def record_data(case):
    applicant, respondent = parties(case)
    return {
        f"present_{applicant.pk}": "on",
        f"statement_{applicant.pk}": "要求赔偿装修损失三千元。",
        f"present_{respondent.pk}": "on",
        f"statement_{respondent.pk}": "同意维修，赔偿金额有异议。",
        "statements": "双方陈述事实，调解员释明相关规定。",
        "outcome": SessionOutcome.AGREEMENT,
        "outcome_note": "赔偿两千元，十日内付清。",
    }


def record(client, user, case, session):
    client.force_login(user)
    url = reverse("cases:session_record", args=[case.pk, session.pk])
    with time_machine.travel(AFTER_SESSION):
        return client.post(url, record_data(case))


def test_schedule_a_public_session_with_a_notice_to_each_party_art23(client, district, case):
    response = schedule(client, district.grid_worker, case, public="on")

    assert response.status_code == 302
    session = MediationSession.objects.get(case=case)
    assert session.public and not session.online
    assert session.status == SessionStatus.SCHEDULED
    assert session.scheduled_at == datetime.datetime(2026, 9, 16, 10, 0, tzinfo=TZ)
    applicant, respondent = parties(case)
    assert dict(SessionNotice.objects.values_list("party", "channel")) == {
        applicant.pk: "sms",
        respondent.pk: "in_person",
    }
    assert case.events.filter(action=AuditAction.SESSION_SCHEDULED).count() == 1


def test_a_session_is_private_unless_the_parties_ask_for_a_public_one_art23(client, district, case):
    schedule(client, district.street_staff, case)

    assert MediationSession.objects.get(case=case).public is False


def test_recording_a_session_without_a_rights_notice_is_refused_art14(client, district, case):
    schedule(client, district.grid_worker, case)
    session = MediationSession.objects.get(case=case)

    response = record(client, district.grid_worker, case, session)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED
    assert not SessionAttendance.objects.exists()
    assert not case.events.filter(action=AuditAction.SESSION_HELD).exists()


def test_a_rights_notice_must_cover_every_item_art14(client, district, case):
    response = tell_rights(client, district.grid_worker, case, items=[RightsItem.PROCEDURE])

    assert response.status_code == 200
    assert response.context["form"].errors["items"]
    assert not RightsNotice.objects.exists()


def test_a_party_added_after_the_rights_notice_must_be_told_too_art14(client, district, case):
    schedule(client, district.grid_worker, case)
    applicant, _ = parties(case)
    client.force_login(district.grid_worker)
    with time_machine.travel(MONDAY):
        client.post(
            reverse("cases:rights_notice", args=[case.pk]),
            {"parties": [applicant.pk], "items": RightsItem.values, "channel": "phone"},
        )

    response = record(client, district.grid_worker, case, MediationSession.objects.get())

    assert response.status_code == 200
    assert "李四" in str(response.context["form"].non_field_errors())


def test_after_the_rights_notice_the_session_record_holds_attendance_statements_and_outcome_art14(
    client, district, case
):
    schedule(client, district.grid_worker, case)
    assert tell_rights(client, district.grid_worker, case).status_code == 302
    session = MediationSession.objects.get(case=case)

    response = record(client, district.grid_worker, case, session)

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD
    assert session.outcome == SessionOutcome.AGREEMENT
    assert session.recorded_by == district.grid_worker
    applicant, respondent = parties(case)
    rows = {row.party_id: row for row in session.attendance.all()}
    assert rows[applicant.pk].present and rows[respondent.pk].present
    assert rows[respondent.pk].statement == "同意维修，赔偿金额有异议。"
    assert case.events.filter(action=AuditAction.RIGHTS_NOTIFIED).count() == 1
    assert case.events.filter(action=AuditAction.SESSION_HELD).count() == 1
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert "同意维修，赔偿金额有异议。" in page.content.decode()


def test_a_session_cannot_be_recorded_before_its_time(client, district, case):
    schedule(client, district.grid_worker, case)
    tell_rights(client, district.grid_worker, case)
    session = MediationSession.objects.get(case=case)
    client.force_login(district.grid_worker)

    with time_machine.travel(MONDAY):
        response = client.post(
            reverse("cases:session_record", args=[case.pk, session.pk]), record_data(case)
        )

    assert response.status_code == 200
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED


def test_postponing_needs_a_reason_and_notifies_each_party_of_the_new_time(client, district, case):
    schedule(client, district.grid_worker, case, public="on")
    old = MediationSession.objects.get(case=case)
    url = reverse("cases:session_postpone", args=[case.pk, old.pk])
    client.force_login(district.grid_worker)
    data = schedule_data(case, date="2026-09-18")

    with time_machine.travel(MONDAY):
        refused = client.post(url, data)
        done = client.post(url, {**data, "reason": "被申请人住院，无法到场。"})

    assert refused.status_code == 200 and refused.context["form"].errors["reason"]
    assert done.status_code == 302
    old.refresh_from_db()
    assert old.status == SessionStatus.POSTPONED
    assert old.reason == "被申请人住院，无法到场。"
    new = old.rescheduled_as
    assert new.status == SessionStatus.SCHEDULED and new.public
    assert new.scheduled_at.date() == datetime.date(2026, 9, 18)
    assert new.notices.count() == CaseParty.objects.filter(case=case).count()
    assert case.events.filter(action=AuditAction.SESSION_POSTPONED).count() == 1


def test_cancelling_needs_a_reason(client, district, case):
    schedule(client, district.grid_worker, case)
    session = MediationSession.objects.get(case=case)
    url = reverse("cases:session_cancel", args=[case.pk, session.pk])
    client.force_login(district.street_staff)

    refused = client.post(url, {"reason": "  "})
    done = client.post(url, {"reason": "双方已自行和解。"})

    assert refused.status_code == 200
    assert done.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert case.events.filter(action=AuditAction.SESSION_CANCELLED).count() == 1
    # A cancelled session cannot then be recorded.
    tell_rights(client, district.grid_worker, case)
    assert record(client, district.grid_worker, case, session).status_code == 200


def test_a_text_message_notice_needs_the_partys_phone(client, district, case):
    _, respondent = parties(case)  # 李四 has no phone

    response = schedule(client, district.grid_worker, case, **{f"notice_{respondent.pk}": "sms"})

    assert response.status_code == 200
    assert not MediationSession.objects.exists()


def test_a_session_in_person_needs_a_place_and_a_future_time(client, district, case):
    assert schedule(client, district.grid_worker, case, place="").status_code == 200
    assert schedule(client, district.grid_worker, case, date="2026-09-01").status_code == 200
    assert schedule(client, district.grid_worker, case, place="", online="on").status_code == 302
    assert MediationSession.objects.get().online


def test_only_the_cases_handler_or_its_centre_runs_sessions(client, district, case):
    # The district centre's staff see the case but neither handle nor manage it.
    assert schedule(client, district.centre_staff, case).status_code == 403
    assert tell_rights(client, district.centre_staff, case).status_code == 403
    # Staff of another street do not even see it.
    assert schedule(client, district.other_street_staff, case).status_code == 404
    assert not MediationSession.objects.exists()


def test_the_case_page_shows_the_sessions_card_to_its_handler(client, district, case):
    client.force_login(district.grid_worker)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("cases:session_schedule", args=[case.pk]) in page

    client.force_login(district.centre_staff)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("cases:session_schedule", args=[case.pk]) not in page


def test_every_session_form_opens_for_the_handler(client, district, case):
    schedule(client, district.grid_worker, case)
    session = MediationSession.objects.get(case=case)
    client.force_login(district.grid_worker)
    for name, args in [
        ("session_schedule", [case.pk]),
        ("rights_notice", [case.pk]),
        ("session_record", [case.pk, session.pk]),
        ("session_postpone", [case.pk, session.pk]),
        ("session_cancel", [case.pk, session.pk]),
    ]:
        assert client.get(reverse(f"cases:{name}", args=args)).status_code == 200, name
    other = report_case(handling_org=district.street, actor=district.street_staff)
    assert client.get(reverse("cases:session_record", args=[other.pk, session.pk])).status_code in (
        403,
        404,
    )
