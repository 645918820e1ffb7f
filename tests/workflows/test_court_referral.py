"""Court delegation (委派) and entrustment (委托), worked through the pages by each role."""

import datetime

import pytest
from django.urls import reverse

from mediation.models import CaseStatus, Channel, Notification
from mediation.models.referrals import CourtDecision, ReferralStatus

from .helpers import claim, task_url
from .helpers import open_task as open_loop_task
from .helpers_court import (
    SESSION_PLACE,
    at,
    consent_all,
    has_open,
    last_referral,
    mediate,
    open_task,
    pdf,
    perform,
    record_session,
    refer,
    schedule_session,
    take_and_consent,
    to_mediation,
)

pytestmark = pytest.mark.django_db


def test_delegation_agreement_end_to_end_with_judicial_confirmation(client, duty):
    """court clerk → centre → parties' consent → rotation pick → mediator accepts →
    sessions → agreement → judicial confirmation recorded by the court."""
    court = duty
    with at("2026-09-01"):
        response = refer(client, court)
        assert response.status_code == 302
        referral = last_referral()
        case = referral.case
        # The court typed it once; the case has its number, its parties and the claim.
        assert case.channel == Channel.COURT and case.number
        assert case.parties.count() == 2 and referral.documents.count() == 1
        # The centre sees it in its queue; the court on its own list.
        client.force_login(court.centre_staff)
        assert case.number in client.get(reverse("referrals:list")).content.decode()
        client.force_login(court.clerk)
        assert case.number in client.get(reverse("referrals:list")).content.decode()

        mediator = to_mediation(client, court, referral)
        assert referral.status == ReferralStatus.MEDIATING and referral.mediator == mediator
        assert referral.consents.filter(answer="consented").count() == 2
        case.refresh_from_db()
        assert case.status == CaseStatus.DISPATCHED and case.mediator == mediator
        assert case.due_at == referral.due_on

        schedule_session(client, mediator, referral, "2026-09-02")
    with at("2026-09-02", 12):
        session = record_session(client, mediator, referral, outcome="agreement")
        assert session.status == "held" and session.attendance.filter(present=True).count() == 2
        # The centre sees the session records on the referral's page; the court, which
        # sees status, deadlines and the outcome, does not (issue 5).
        client.force_login(court.centre_staff)
        page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
        assert SESSION_PLACE in page and "张三的陈述" in page
        client.force_login(court.clerk)
        page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
        assert case.number in page
        assert SESSION_PLACE not in page and "张三的陈述" not in page

        response = mediate(client, mediator, case, "agreement")
        assert response.status_code == 302
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.AGREED
        assert referral.agreed_on == datetime.date(2026, 9, 2)

        perform(
            client,
            court.centre_staff,
            referral,
            "apply",
            {"applies": "1", "applied_on": "2026-09-02"},
        )
        # The court records accepted, then confirmed, on its own referral.
        perform(client, court.judge, referral, "court_decides", {"decision": "accepted"})
        perform(client, court.judge, referral, "court_decides", {"decision": "confirmed"})
        referral.refresh_from_db()
        assert referral.court_decision == CourtDecision.CONFIRMED
        assert referral.process.status == "DONE"
        client.force_login(court.clerk)
        page = client.get(reverse("referrals:list")).content.decode()
        assert str(CourtDecision.CONFIRMED.label) in page
        # The loop goes on to verification by the centre as for any case.
        assert open_loop_task(case, "verify")


def test_delegation_failure_end_to_end_court_registers_with_its_number(client, duty):
    """… → sessions → failure → termination and undisputed-facts records → the court
    registers the case (调解转立案) with its case number."""
    court = duty
    with at("2026-09-01"):
        refer(client, court)
        referral = last_referral()
        case = referral.case
        mediator = to_mediation(client, court, referral)
        schedule_session(client, mediator, referral, "2026-09-03")
    with at("2026-09-03", 12):
        record_session(client, mediator, referral, outcome="no_agreement")
        mediate(
            client,
            mediator,
            case,
            "terminated",
            reasons="被申请人拒不到场",
            other_routes="可向人民法院起诉",
        )
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.FAILED
        assert referral.termination_reasons == "被申请人拒不到场"

        response = perform(
            client,
            mediator,
            referral,
            "failure",
            {"undisputed_facts": "借款五万元属实", "cost_conduct": "被申请人多次爽约"},
        )
        assert response.status_code == 302
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.RETURNED
        assert referral.undisputed_facts == "借款五万元属实"
        assert Notification.objects.filter(organisation=court.court, case=case).exists()
        assert not has_open(referral, "resume_trial")

        perform(
            client,
            court.clerk,
            referral,
            "register",
            {"court_case_number": "（2026）经开民初123号"},
        )
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.REGISTERED
        assert referral.court_case_number == "（2026）经开民初123号"
        assert referral.process.status == "DONE"
        client.force_login(court.clerk)
        page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
        # The records sent back and its own number, never the session records (issue 5).
        assert "借款五万元属实" in page and "（2026）经开民初123号" in page
        assert SESSION_PLACE not in page


def test_referral_without_parties_or_claim_is_rejected(client, court):
    response = refer(client, court, claim="", applicant_name="", respondent_name="")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["claim"] and errors["__all__"]  # the claim, and the parties
    assert last_referral() is None


def test_upload_too_large_or_wrong_type_is_rejected(client, court, settings):
    settings.MEDIATION = {**settings.MEDIATION, "UPLOAD_MAX_BYTES": 64}
    response = refer(client, court, materials=[pdf(body=PDF_BIG)])
    assert response.status_code == 200 and last_referral() is None
    settings.MEDIATION = {**settings.MEDIATION, "UPLOAD_MAX_BYTES": 1024 * 1024}
    response = refer(client, court, materials=[pdf("virus.exe", b"MZ\x90\x00")])
    assert response.status_code == 200 and last_referral() is None
    # A name that says PDF is not enough: the first bytes must say so too.
    response = refer(client, court, materials=[pdf("fake.pdf", b"MZ\x90\x00 not a pdf")])
    assert response.status_code == 200 and last_referral() is None
    response = refer(client, court)
    assert response.status_code == 302 and last_referral() is not None


PDF_BIG = b"%PDF-1.4\n" + b"0" * 200


def test_uploads_are_downloaded_only_by_those_who_may_see_the_referral(client, court, district):
    refer(client, court)
    document = last_referral().documents.get()
    url = reverse("referrals:download", args=[document.pk])
    client.force_login(court.clerk)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(district.grid_worker)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code in (302, 404)


def test_centre_returns_the_referral_with_a_reason(client, court):
    refer(client, court)
    referral = last_referral()
    response = perform(client, court.centre_staff, referral, "decide", {"decision": "return"})
    assert response.status_code == 200  # a return needs its reason
    response = perform(
        client,
        court.centre_staff,
        referral,
        "decide",
        {"decision": "return", "reason": "不属受理范围"},
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RETURNED
    assert referral.case.status == CaseStatus.REJECTED
    assert not open_loop_task_exists(referral.case, "review")
    assert has_open(referral, "register")


def open_loop_task_exists(case, name):
    try:
        open_loop_task(case, name)
    except Exception:
        return False
    return True


def test_parties_joint_choice_goes_to_that_mediator(client, duty):
    court = duty
    with at("2026-09-01"):
        refer(client, court)
        referral = last_referral()
        take_and_consent(client, court, referral)
        chosen = court.mediators[2]
        perform(client, court.centre_staff, referral, "choose", {"mediator": chosen.pk})
        referral.refresh_from_db()
        assert referral.proposed_mediator == chosen
        # Nobody else may answer for the chosen mediator; the others do not even see
        # the case, so its task is not found for them.
        client.force_login(court.mediators[0])
        assert client.post(task_url(open_task(referral, "answer"), "assign")).status_code == 404


def test_mediator_declines_with_reason_and_next_in_rotation_is_asked_art12(client, duty):
    court = duty
    with at("2026-09-01"):
        refer(client, court)
        referral = last_referral()
        take_and_consent(client, court, referral)
        perform(client, court.centre_staff, referral, "choose", {"mediator": ""})
        referral.refresh_from_db()
        first = referral.proposed_mediator
        response = perform(client, first, referral, "answer", {"accept": "0"})
        assert response.status_code == 200  # a decline gives its reason
        perform(client, first, referral, "answer", {"accept": "0", "reason": "近期出差"})
        referral.refresh_from_db()
        assert referral.proposed_mediator not in (None, first)


def test_conflicted_mediator_cannot_accept_without_both_parties_written_consent(client, duty):
    court = duty
    with at("2026-09-01"):
        refer(client, court)
        referral = last_referral()
        take_and_consent(client, court, referral)
        perform(client, court.centre_staff, referral, "choose", {"mediator": ""})
        referral.refresh_from_db()
        mediator = referral.proposed_mediator
        declared = {"accept": "1", "conflict": "与申请人系表兄弟"}
        response = perform(client, mediator, referral, "answer", declared)
        assert response.status_code == 200 and "consent" in response.context["form"].errors
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.DESIGNATED and referral.mediator is None
        response = perform(
            client, mediator, referral, "answer", {**declared, "consent": pdf("双方同意书.pdf")}
        )
        referral.refresh_from_db()
        assert referral.mediator == mediator
        assert referral.answers.get(accepted=True).consent is not None


def test_entrustment_without_procedure_is_rejected(client, court):
    response = refer(client, court, kind="entrustment", procedure="")
    assert response.status_code == 200 and "procedure" in response.context["form"].errors


def test_only_the_centre_takes_up_a_referral(client, court, district):
    refer(client, court)
    referral = last_referral()
    # The referring clerk sees the case but may not act for the centre: 403. Another
    # centre does not see it at all: 404, so that ids cannot be probed.
    client.force_login(court.clerk)
    assert client.post(task_url(open_task(referral, "decide"), "assign")).status_code == 403
    client.force_login(district.street_staff)
    assert client.post(task_url(open_task(referral, "decide"), "assign")).status_code == 404


def test_referral_pages_show_the_court_and_the_centre_the_same_referral(client, court):
    response = refer(client, court)
    referral = last_referral()
    detail = reverse("referrals:detail", args=[referral.pk])
    for user in (court.clerk, court.centre_staff):
        client.force_login(user)
        page = client.get(detail)
        assert page.status_code == 200 and referral.case.number in page.content.decode()
    client.force_login(court.clerk)
    assert client.get(reverse("referrals:new")).status_code == 200
    client.force_login(court.centre_staff)
    assert client.get(reverse("referrals:new")).status_code == 403
    client.post(task_url(open_task(referral, "decide"), "assign"))
    page = client.get(task_url(open_task(referral, "decide"), "execute"))
    assert page.status_code == 200 and referral.claim in page.content.decode()
    assert response.status_code == 302


def test_centre_cannot_take_the_loops_review_while_the_referral_settles_consent(client, court):
    refer(client, court)
    referral = last_referral()
    # The loop's review waits for the referral: consent and the mediator come first.
    response = claim(client, court.centre_staff, referral.case, "review")
    assert response.status_code == 403
    referral.case.refresh_from_db()
    assert referral.case.status == CaseStatus.REPORTED


def test_referral_pages_have_their_menu(client, court):
    client.force_login(court.clerk)
    page = client.get(reverse("referrals:list")).content.decode()
    assert "No viewsets found" not in page
    assert reverse("referrals:new") in page and reverse("cases:list") in page


def test_referral_forms_render_for_the_roles_that_use_them(client, duty):
    court = duty
    with at("2026-09-01"):
        refer(client, court)
        referral = last_referral()
        perform(client, court.centre_staff, referral, "decide", {"decision": "take"})
        client.post(task_url(open_task(referral, "consent"), "assign"))
        page = client.get(task_url(open_task(referral, "consent"), "execute"))
        assert page.status_code == 200 and "张三" in page.content.decode()
        consent_all(client, court, referral)
        perform(client, court.centre_staff, referral, "choose", {"mediator": ""})
        referral.refresh_from_db()
        mediator = referral.proposed_mediator
        perform(client, mediator, referral, "answer", {"accept": "1"})
        client.force_login(mediator)
        for action in ("extend", "appraisal_start", "recuse", "sham"):
            url = reverse("referrals:action", args=[referral.pk, action])
            assert client.get(url).status_code == 200, action
        client.post(reverse("referrals:action", args=[referral.pk, "sham"]), {"note": "可疑"})
        client.force_login(court.judge)
        client.post(task_url(open_task(referral, "court_sham"), "assign"))
        page = client.get(task_url(open_task(referral, "court_sham"), "execute"))
        assert page.status_code == 200 and "可疑" in page.content.decode()
