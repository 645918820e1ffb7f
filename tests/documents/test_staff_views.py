"""The staff's document pages and the case page's Documents section: who may open
what, field errors, downloads served only to who may see the document."""

import urllib.parse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from documents import services
from documents.models import Document, DocumentStatus
from mediation.models import Role
from tests.documents.lifecycle import AGREEMENT, court_case, draft, handled_case, held_session
from tests.documents.lifecycle_fixtures import *  # noqa: F403
from tests.factories import staff

pytestmark = pytest.mark.usefixtures("document_files")


def make_url(case, kind, **query):
    url = reverse("documents:make", args=[case.pk, kind])
    return url + ("?" + urllib.parse.urlencode(query) if query else "")


def doc_url(name, document):
    return reverse(f"documents:{name}", args=[document.case_id, document.pk])


def case_page(client, user, case):
    client.force_login(user)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def case(district):
    return handled_case(district)


def test_mediator_drafts_the_agreement_from_the_case_page(client, district, case, capture):
    page = case_page(client, district.grid_worker, case)
    assert 'id="documents"' in page and make_url(case, "agreement") in page
    assert client.get(make_url(case, "agreement")).status_code == 200
    with capture(execute=True):
        response = client.post(make_url(case, "agreement"), AGREEMENT)
    assert response.status_code == 302
    document = Document.objects.get(case=case)
    assert document.status == DocumentStatus.SIGNING, document.render_error
    page = case_page(client, district.grid_worker, case)
    assert document.number in page and "Still to sign" in page


def test_a_missing_art_29_field_gets_a_field_error_and_nothing_is_saved(client, district, case):
    client.force_login(district.grid_worker)
    response = client.post(make_url(case, "agreement"), {**AGREEMENT, "terms": ""})
    assert response.status_code == 200
    assert "terms" in response.context["form"].errors
    assert not Document.objects.exists()


def test_who_sees_but_may_not_work_the_case_gets_403_and_no_buttons(client, district, case):
    director = staff("director", district.district, Role.CENTRE_DIRECTOR)
    page = case_page(client, director, case)
    assert make_url(case, "agreement") not in page
    assert client.get(make_url(case, "agreement")).status_code == 403


def test_who_does_not_see_the_case_gets_404(client, district, case):
    client.force_login(district.other_street_staff)
    assert client.get(make_url(case, "agreement")).status_code == 404
    assert client.get(make_url(case, "nonsense")).status_code == 404


def test_an_unknown_kind_is_404(client, district, case):
    client.force_login(district.grid_worker)
    assert client.get(make_url(case, "nonsense")).status_code == 404


def test_termination_form_is_prefilled_from_the_recorded_outcome(client, district, case):
    from mediation import services_case

    services_case.case_record_outcome(
        case=case,
        actor=district.grid_worker,
        outcome="terminated",
        summary="调解不成",
        reasons="被申请人拒绝调解。",
        other_routes="可向人民法院起诉。",
    )
    client.force_login(district.grid_worker)
    response = client.get(make_url(case, "termination"))
    assert response.context["form"].initial["reasons"] == "被申请人拒绝调解。"


def test_confirmation_page_says_why_it_is_not_available(client, district, case):
    client.force_login(district.grid_worker)
    response = client.get(make_url(case, "confirmation"))
    assert response.status_code == 200
    assert "no issued agreement" in response.context["problem"]
    response = client.post(make_url(case, "confirmation"), {})
    assert response.status_code == 200 and not Document.objects.exists()


def test_mediator_signs_from_the_case_page_once_every_party_has(client, district, case, capture):
    agreement = draft(case, district.grid_worker, capture)
    client.force_login(district.grid_worker)
    response = client.get(doc_url("sign", agreement))
    assert "Every party" in response.context["problem"]
    for party in case.parties.all():
        services.document_sign_party(
            document=agreement,
            party=party,
            method="code",
            seen_sha256=agreement.signing_sha256,
        )
    page = case_page(client, district.grid_worker, case)
    assert doc_url("sign", agreement) in page
    with capture(execute=True):
        response = client.post(
            doc_url("sign", agreement),
            {"seen_sha256": agreement.signing_sha256, "confirm": "on"},
        )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == DocumentStatus.ISSUED, agreement.render_error


def test_centre_staff_may_not_sign_as_mediator(client, district, case, capture):
    agreement = draft(case, district.grid_worker, capture)
    client.force_login(district.street_staff)
    assert client.get(doc_url("sign", agreement)).status_code == 403


def test_a_failed_render_shows_on_the_case_page_with_a_try_again_button(
    client, district, case, capture, settings
):
    settings.DOCUMENTS = {**settings.DOCUMENTS, "RENDER_TIMEOUT_SECONDS": 0.001}
    agreement = draft(case, district.grid_worker, capture)
    assert agreement.status == DocumentStatus.FAILED
    page = case_page(client, district.grid_worker, case)
    assert doc_url("retry", agreement) in page and escape(agreement.render_error) in page
    settings.DOCUMENTS = {**settings.DOCUMENTS, "RENDER_TIMEOUT_SECONDS": 60}
    with capture(execute=True):
        response = client.post(doc_url("retry", agreement))
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == DocumentStatus.SIGNING


def test_correction_page_makes_a_new_version_with_its_reason(client, district, case, capture):
    agreement = draft(case, district.grid_worker, capture)
    client.force_login(district.grid_worker)
    response = client.get(doc_url("correct", agreement))
    assert response.context["form"].initial["terms"] == AGREEMENT["terms"]
    response = client.post(doc_url("correct", agreement), {**AGREEMENT, "reason": ""})
    assert "reason" in response.context["form"].errors
    with capture(execute=True):
        response = client.post(doc_url("correct", agreement), {**AGREEMENT, "reason": "金额有误"})
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == DocumentStatus.SUPERSEDED
    assert agreement.superseded_by.correction_reason == "金额有误"


def _issued_record(district, case, capture):
    session = held_session(case, district.grid_worker)
    with capture(execute=True):
        record = services.document_issue(
            case=case, actor=district.grid_worker, kind="record", session=session
        )
    record.refresh_from_db()
    assert record.status == DocumentStatus.ISSUED, record.render_error
    return record


def _issued_agreement(district, case, capture):
    agreement = draft(case, district.grid_worker, capture)
    for party in case.parties.all():
        services.document_sign_party(
            document=agreement, party=party, method="code", seen_sha256=agreement.signing_sha256
        )
    with capture(execute=True):
        services.document_sign_mediator(
            document=agreement, actor=district.grid_worker, seen_sha256=agreement.signing_sha256
        )
    agreement.refresh_from_db()
    assert agreement.status == DocumentStatus.ISSUED, agreement.render_error
    return agreement


def test_downloads_follow_who_may_see_the_document(client, district, capture):
    case, clerk = court_case(district)
    record = _issued_record(district, case, capture)
    agreement = _issued_agreement(district, case, capture)
    for user in (district.grid_worker, district.street_staff):
        client.force_login(user)
        for document in (record, agreement):
            response = client.get(doc_url("download", document))
            assert response.status_code == 200
            assert response["Content-Type"] == "application/pdf"
            assert response["X-Content-Type-Options"] == "nosniff"
            assert b"".join(response.streaming_content).startswith(b"%PDF")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment") and "filename*=utf-8''" in disposition
    assert urllib.parse.quote(agreement.number) in disposition

    client.force_login(clerk)
    assert client.get(doc_url("download", agreement)).status_code == 200
    assert client.get(doc_url("download", record)).status_code == 404
    page = case_page(client, clerk, case)
    assert agreement.number in page and record.number not in page

    client.force_login(district.other_street_staff)
    assert client.get(doc_url("download", agreement)).status_code == 404


def test_a_document_of_another_case_is_404_under_this_case(client, district, case, capture):
    agreement = draft(case, district.grid_worker, capture)
    other = handled_case(district)
    client.force_login(district.grid_worker)
    url = reverse("documents:download", args=[other.pk, agreement.pk])
    assert client.get(url).status_code == 404


def test_the_documents_section_adds_a_constant_number_of_queries(client, district, capture):
    counts = []
    for sessions in (1, 3):
        case = handled_case(district)
        draft(case, district.grid_worker, capture)
        for _ in range(sessions):
            _issued_record(district, case, capture)
        client.force_login(district.grid_worker)
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("cases:detail", args=[case.pk]))
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
