"""What a party sees and does on the portal: the case's status in plain words, who
handles it and the dates ahead; consent to a court referral, the joint choice of the
mediator, and the rating, each through the same service and flow step as the staff's
pages."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.status import PROCESS

from documents.portal import steps
from mediation import services, services_sessions
from mediation.models import AuditEvent, CaseRating, CaseStatus, PartyRole
from mediation.models.referrals import ConsentAnswer, PartyConsent, ReferralStatus
from tests.workflows.helpers import close_case
from tests.workflows.helpers_court import has_open, last_referral, make_court, perform, refer
from workflows.models import CaseProcess

from .portal_helpers import handled_case, open_portal, party, two_party_case

pytestmark = pytest.mark.django_db


def _home(client) -> str:
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    return response.content.decode()


def _as(party_, staff, capture) -> Client:
    client = Client()
    open_portal(client, party_, staff, capture)
    return client


# Status.


def test_the_home_page_needs_the_portal_session(client):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302 and response.url == reverse("portal:ended")


def test_status_in_plain_words_with_the_handler_and_the_dates_ahead(district, capture):
    case = handled_case(district)
    services.case_start_mediation(case=case, actor=district.grid_worker)
    when = timezone.now() + datetime.timedelta(days=2)
    services_sessions.session_schedule(
        case=case,
        actor=district.grid_worker,
        scheduled_at=when,
        place="新园社区调解室",
        notices={p.pk: "sms" for p in case.parties.all()},
    )
    case.refresh_from_db()
    page = _home(_as(party(case), district.street_staff, capture))
    assert "Mediation is under way." in page
    assert district.grid.name in page
    assert (district.grid_worker.get_full_name() or "gridder") in page
    assert timezone.localtime(when).strftime("%Y-%m-%d %H:%M") in page and "新园社区调解室" in page
    assert case.due_at.isoformat() in page


def test_a_reported_case_says_it_waits_and_has_no_mediator_yet(district, capture):
    case = two_party_case(district)
    page = _home(_as(party(case), district.street_staff, capture))
    assert "waits to be accepted" in page and "Not assigned yet" in page
    assert district.street.name in page


# Consent to a court referral.


@pytest.fixture
def court(district):
    return make_court(district)


@pytest.fixture
def referral(client, court):
    """A court referral the centre has taken up: it asks for the parties' consent."""
    refer(client, court)
    referral = last_referral()
    perform(client, court.centre_staff, referral, "decide", {"decision": "take"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CONSENT
    return referral


def test_a_party_consents_on_the_portal_as_staff_would_record_it(court, referral, capture):
    applicant = party(referral.case)
    client = _as(applicant, court.centre_staff, capture)
    assert 'id="consent"' in _home(client)
    response = client.post(reverse("portal:consent"), {"answer": "consent"})
    assert response.status_code == 302
    consent = PartyConsent.objects.get(referral=referral, party=applicant)
    assert consent.answer == ConsentAnswer.CONSENTED and consent.recorded_by is None
    assert "party portal" in consent.note
    referral.refresh_from_db()
    # The other party has not answered: the flow asks for consent again.
    assert referral.status == ReferralStatus.CONSENT and has_open(referral, "consent")
    assert 'id="consent"' not in _home(client)


def test_when_every_party_consents_the_parties_choose_the_mediator(court, referral, capture):
    for role in (PartyRole.APPLICANT, PartyRole.RESPONDENT):
        client = _as(party(referral.case, role), court.centre_staff, capture)
        client.post(reverse("portal:consent"), {"answer": "consent"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CHOOSING and referral.choose_by
    assert has_open(referral, "choose") and not has_open(referral, "consent")


def test_a_refusal_on_the_portal_sends_the_referral_back_to_the_court(court, referral, capture):
    client = _as(party(referral.case, PartyRole.RESPONDENT), court.centre_staff, capture)
    client.post(reverse("portal:consent"), {"answer": "refuse", "note": "不愿调解"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RETURNED
    assert "不愿调解" in referral.return_reason
    assert not has_open(referral, "consent") and has_open(referral, "register")
    assert referral.case.status == CaseStatus.REJECTED


def test_consent_without_an_answer_records_nothing(court, referral, capture):
    client = _as(party(referral.case), court.centre_staff, capture)
    client.post(reverse("portal:consent"), {"answer": "maybe"})
    assert not PartyConsent.objects.exists() and has_open(referral, "consent")


def test_consent_is_not_asked_of_a_case_that_is_not_a_referral(district, capture):
    case = two_party_case(district)
    client = _as(party(case), district.street_staff, capture)
    assert 'id="consent"' not in _home(client)
    client.post(reverse("portal:consent"), {"answer": "consent"})
    assert not PartyConsent.objects.exists()


# The joint choice of the mediator.


@pytest.fixture
def choosing(client, court, referral, capture):
    clients = {}
    for role in (PartyRole.APPLICANT, PartyRole.RESPONDENT):
        clients[role] = _as(party(referral.case, role), court.centre_staff, capture)
        clients[role].post(reverse("portal:consent"), {"answer": "consent"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CHOOSING
    return clients


def _profile(mediator):
    return mediator.mediator_profile.pk


def test_the_parties_choice_of_the_same_mediator_proposes_them(court, referral, choosing):
    chosen = court.mediators[1]
    applicant = choosing[PartyRole.APPLICANT]
    assert 'id="choose"' in _home(applicant)
    assert (
        str(chosen.mediator_profile) in applicant.get(reverse("portal:mediator")).content.decode()
    )
    applicant.post(reverse("portal:mediator"), {"mediator": _profile(chosen)})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CHOOSING and has_open(referral, "choose")
    choosing[PartyRole.RESPONDENT].post(reverse("portal:mediator"), {"mediator": _profile(chosen)})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DESIGNATED
    assert referral.proposed_mediator == chosen
    assert has_open(referral, "answer") and not has_open(referral, "choose")


def test_different_choices_propose_nobody_until_they_agree(court, referral, choosing):
    first, second = court.mediators[0], court.mediators[2]
    choosing[PartyRole.APPLICANT].post(reverse("portal:mediator"), {"mediator": _profile(first)})
    choosing[PartyRole.RESPONDENT].post(reverse("portal:mediator"), {"mediator": _profile(second)})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CHOOSING and referral.proposed_mediator is None
    assert steps.preferences(referral) == {
        party(referral.case).pk: first.pk,
        party(referral.case, PartyRole.RESPONDENT).pk: second.pk,
    }
    # The applicant changes their mind: now they agree.
    choosing[PartyRole.APPLICANT].post(reverse("portal:mediator"), {"mediator": _profile(second)})
    referral.refresh_from_db()
    assert referral.proposed_mediator == second


def test_a_mediator_not_on_the_list_is_refused_and_nothing_recorded(court, referral, choosing):
    response = choosing[PartyRole.APPLICANT].post(
        reverse("portal:mediator"), {"mediator": "999999"}
    )
    assert response.status_code == 200
    assert "Choose a mediator from the list." in response.content.decode()
    assert not AuditEvent.objects.filter(action=steps.PREFERENCE).exists()


def test_the_choice_page_is_closed_when_the_parties_are_not_choosing(court, referral, capture):
    client = _as(party(referral.case), court.centre_staff, capture)
    response = client.post(reverse("portal:mediator"), {"mediator": _profile(court.mediators[0])})
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action=steps.PREFERENCE).exists()


# The rating.


@pytest.fixture
def closed(client, district):
    case = two_party_case(district)
    close_case(client, district, case)
    return case


def test_a_party_rates_on_the_portal_and_the_rating_step_waits_for_the_other(
    district, closed, capture
):
    applicant = _as(party(closed), district.street_staff, capture)
    assert 'id="rate"' in _home(applicant)
    response = applicant.post(reverse("portal:rate"), {"stars": "4", "comment": "调解员很耐心"})
    assert response.status_code == 302
    rating = CaseRating.objects.get(case=closed)
    assert (rating.stars, rating.comment, rating.recorded_by) == (4, "调解员很耐心", None)
    assert 'id="rate"' not in _home(applicant)
    assert CaseProcess.objects.get(case=closed).status != PROCESS.DONE
    respondent = _as(party(closed, PartyRole.RESPONDENT), district.street_staff, capture)
    respondent.post(reverse("portal:rate"), {"stars": "5"})
    assert CaseRating.objects.filter(case=closed).count() == 2
    assert CaseProcess.objects.get(case=closed).status == PROCESS.DONE


@pytest.mark.parametrize("stars", ["0", "6", "", "五"])
def test_a_rating_outside_one_to_five_stars_is_refused(district, closed, capture, stars):
    client = _as(party(closed), district.street_staff, capture)
    response = client.post(reverse("portal:rate"), {"stars": stars})
    assert response.status_code == 200
    assert "from one to five stars" in response.content.decode()
    assert not CaseRating.objects.exists()


def test_an_open_case_cannot_be_rated(district, capture):
    case = two_party_case(district)
    client = _as(party(case), district.street_staff, capture)
    response = client.post(reverse("portal:rate"), {"stars": "5"})
    assert response.status_code == 302 and not CaseRating.objects.exists()


def test_a_party_answers_the_referral_once(court, referral, capture):
    client = _as(party(referral.case), court.centre_staff, capture)
    client.post(reverse("portal:consent"), {"answer": "consent"})
    response = client.post(reverse("portal:consent"), {"answer": "refuse"}, follow=True)
    assert "Your answer is not asked for now." in response.content.decode()
    consent = PartyConsent.objects.get(referral=referral)
    assert consent.answer == ConsentAnswer.CONSENTED
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CONSENT
