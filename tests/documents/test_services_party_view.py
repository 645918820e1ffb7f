"""What a party sees in the portal (``documents.selectors``): the papers sent to the
parties, the records of the sessions they attended, an agreement awaiting signatures;
never the court's referral letter, the case file, or a superseded version."""

import pytest

from documents import selectors, services
from documents.models import DocumentStatus
from mediation.models.sessions import SessionAttendance
from tests.documents.lifecycle import court_case, draft, handled_case, held_session, sign_parties
from tests.documents.lifecycle_fixtures import *  # noqa: F403

pytestmark = pytest.mark.usefixtures("document_files")


def issue(capture, **kwargs):
    with capture(execute=True):
        document = services.document_issue(**kwargs)
    document.refresh_from_db()
    assert document.status == DocumentStatus.ISSUED, document.render_error
    return document


def test_a_party_sees_the_papers_sent_to_parties_and_their_own_session_records(district, capture):
    case, _clerk = court_case(district)
    applicant, respondent = case.parties.order_by("id")
    actor = district.grid_worker
    attended, missed = held_session(case, actor), held_session(case, actor)
    SessionAttendance.objects.create(session=attended, party=applicant, present=True)
    SessionAttendance.objects.create(session=missed, party=applicant, present=False)
    seen = issue(capture, case=case, actor=actor, kind="record", session=attended)
    unseen = issue(capture, case=case, actor=actor, kind="record", session=missed)
    letter = issue(capture, case=case, actor=actor, kind="referral")
    agreement = draft(case, actor, capture)
    casefile = issue(capture, case=case, actor=actor, kind="casefile")

    visible = set(selectors.documents_for_party(applicant))
    assert {seen, agreement} <= visible
    assert not {unseen, letter, casefile} & visible
    assert seen not in set(selectors.documents_for_party(respondent))


def test_a_superseded_agreement_leaves_the_party_s_list(district, capture):
    case, _clerk = court_case(district)
    agreement = draft(case, district.grid_worker, capture)
    with capture(execute=True):
        corrected = services.document_correct(
            document=agreement, actor=district.grid_worker, reason="条款有误"
        )
    party = case.parties.first()
    assert list(selectors.documents_for_party(party)) == [corrected]


def test_an_agreement_awaits_a_party_until_they_sign(district, capture):
    case, _clerk = court_case(district)
    other_case = handled_case(district)
    agreement = draft(case, district.grid_worker, capture)
    first, second = case.parties.order_by("id")
    assert selectors.document_awaiting_party(agreement, first)
    sign_parties(agreement, capture, [first])
    agreement = selectors.documents_for_party(first).get(pk=agreement.pk)
    assert not selectors.document_awaiting_party(agreement, first)
    assert selectors.document_awaiting_party(agreement, second)
    assert not selectors.document_awaiting_party(agreement, other_case.parties.first())
