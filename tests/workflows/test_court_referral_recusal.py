"""Recusal (回避) during a court referral's mediation: the mediator withdraws at once and
the referral goes back to designation, where the rotation passes them over (art 12)."""

import pytest
from django.urls import reverse

from mediation import selectors
from mediation.models import AuditAction, CaseStatus
from mediation.models.referrals import RecusalKind, ReferralStatus

from .helpers import open_task as open_loop_task
from .helpers import perform as perform_loop
from .helpers import task_url
from .helpers_court import (
    START,
    at,
    has_open,
    last_referral,
    mediate,
    on_duty,
    pdf,
    perform,
    refer,
    to_mediation,
)

pytestmark = pytest.mark.django_db


def recuse(
    client, user, referral, kind=RecusalKind.PARTY_REQUEST, reason="申请人申请更换", **extra
):
    client.force_login(user)
    url = reverse("referrals:action", args=[referral.pk, "recuse"])
    return client.post(url, {"kind": kind, "reason": reason, **extra})


def test_recused_mediator_loses_access_at_once(client, duty):
    court = duty
    with at("2026-09-01"):
        refer(client, court)
        referral = last_referral()
        mediator = to_mediation(client, court, referral)
        assert selectors.cases_visible_to(mediator).filter(pk=referral.case_id).exists()
        response = recuse(client, court.centre_staff, referral)
        assert response.status_code == 302
        assert not selectors.cases_visible_to(mediator).filter(pk=referral.case_id).exists()
        client.force_login(mediator)
        assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 404
        session_url = reverse("cases:session_schedule", args=[referral.case_id])
        assert client.get(session_url).status_code == 404


def test_recused_mediator_is_replaced_by_next_in_rotation_art12(client, duty):
    court = duty
    with at("2026-09-01"):
        refer(client, court)
        referral = last_referral()
        first = to_mediation(client, court, referral)
        started, due = referral.clock_started_on, referral.due_on
        case = referral.case
        # The first mediator has started, and has claimed the loop's handling step.
        perform_loop(client, first, case, "start_mediation", {"note": "已通知双方"})
        client.force_login(first)
        client.post(task_url(open_loop_task(case, "handle"), "assign"))
        assert open_loop_task(case, "handle").owner == first
    with at("2026-09-03"):
        recuse(client, court.centre_staff, referral)
        referral.refresh_from_db()
        second = referral.proposed_mediator
        assert referral.status == ReferralStatus.DESIGNATED and second not in (None, first)
        assert referral.mediator is None and has_open(referral, "answer")
        recusal = referral.recusals.get()
        assert recusal.mediator == first and recusal.recorded_by == court.centre_staff
        assert not recusal.kept
        # The recused mediator's claim is released for whoever replaces them, and
        # nobody else at the centre may take the handling meanwhile.
        assert open_loop_task(case, "handle").owner is None
        client.force_login(court.centre_staff)
        response = client.post(task_url(open_loop_task(case, "handle"), "assign"))
        assert response.status_code == 403

        # The new mediator answers as usual, and the case is re-dispatched to them.
        perform(client, second, referral, "answer", {"accept": "1"})
        referral.refresh_from_db()
        case.refresh_from_db()
        assert referral.status == ReferralStatus.MEDIATING and referral.mediator == second
        assert case.mediator == second and case.status == CaseStatus.MEDIATING
        # A recusal gives no new period: the clock runs on from the first acceptance.
        assert referral.clock_started_on == started and referral.due_on == due
        redispatch = case.events.filter(action=AuditAction.CASE_DISPATCHED).last()
        assert redispatch.data["mediator"] == second.username
        # Only the new mediator handles the loop's step now.
        client.force_login(first)
        assert client.post(task_url(open_loop_task(case, "handle"), "assign")).status_code in (
            403,
            404,
        )
        response = perform_loop(
            client,
            second,
            case,
            "handle",
            {"step": "outcome", "outcome": "agreement", "summary": "和解"},
        )
        assert response.status_code == 302
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.AGREED and has_open(referral, "apply")


def test_declared_conflict_keeps_mediator_only_with_both_parties_written_consent(client, duty):
    court = duty
    with at("2026-09-01"):
        refer(client, court)
        referral = last_referral()
        mediator = to_mediation(client, court, referral)
        conflict = {"kind": RecusalKind.CONFLICT, "reason": "与被申请人系同学"}
        recuse(client, mediator, referral, **conflict, consent=pdf("双方同意书.pdf"))
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.MEDIATING and referral.mediator == mediator
        kept = referral.recusals.get()
        assert kept.kept and kept.consent is not None
        assert has_open(referral, "mediation")

        recuse(client, mediator, referral, **{**conflict, "reason": "与申请人有借贷往来"})
        referral.refresh_from_db()
        assert referral.mediator is None and referral.proposed_mediator not in (None, mediator)
        assert referral.recusals.filter(kept=False, mediator=mediator).exists()


def test_recusal_with_nobody_else_on_duty_goes_to_the_centres_pick(client, court):
    on_duty(court, START.date(), 30, mediators=court.mediators[:1])
    with at("2026-09-01"):
        refer(client, court)
        referral = last_referral()
        first = to_mediation(client, court, referral)
        assert first == court.mediators[0]
        recuse(client, first, referral, kind=RecusalKind.CONFLICT, reason="系申请人表亲")
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.CHOOSING and has_open(referral, "pick")
        response = perform(client, court.centre_staff, referral, "pick", {"mediator": first.pk})
        assert response.status_code == 200 and "mediator" in response.context["form"].errors
        perform(client, court.centre_staff, referral, "pick", {"mediator": court.mediators[2].pk})
        perform(client, court.mediators[2], referral, "answer", {"accept": "1"})
        referral.refresh_from_db()
        assert referral.mediator == court.mediators[2]
        response = mediate(client, court.mediators[2], referral.case, "agreement")
        assert response.status_code == 302
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.AGREED


def test_recusal_without_reason_or_with_consent_for_a_party_request_changes_nothing(client, duty):
    court = duty
    with at("2026-09-01"):
        refer(client, court)
        referral = last_referral()
        mediator = to_mediation(client, court, referral)
        response = recuse(client, court.centre_staff, referral, reason="")
        assert response.status_code == 200 and "reason" in response.context["form"].errors
        response = recuse(client, court.centre_staff, referral, consent=pdf("同意书.pdf"))
        assert response.status_code == 200 and "consent" in response.context["form"].errors
        referral.refresh_from_db()
        assert referral.mediator == mediator and not referral.recusals.exists()
        assert not referral.documents.filter(kind="consent").exists()
        assert has_open(referral, "mediation")
