"""Every kind but the agreement is rendered and sealed at once, when the case's state
allows it; a correction is a new version that supersedes the old one, which stays."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from documents import services
from documents.models import Document, DocumentStatus
from mediation import services_case
from mediation.models import AuditAction, AuditEvent, DisputeType
from tests.documents.lifecycle import court_case, draft, handled_case, held_session, sign_parties
from tests.documents.lifecycle_fixtures import *  # noqa: F403

pytestmark = pytest.mark.usefixtures("document_files")

TERMINATION = {"reasons": "双方对赔偿数额分歧过大。", "other_routes": "可向人民法院提起诉讼。"}


def issue(capture, **kwargs):
    with capture(execute=True):
        document = services.document_issue(**kwargs)
    document.refresh_from_db()
    return document


def terminated(district):
    case = handled_case(district)
    return services_case.case_record_outcome(
        case=case,
        actor=district.grid_worker,
        outcome="terminated",
        summary="调解不成",
        **TERMINATION,
    )


def issued_agreement(district, capture, **case_fields):
    case = handled_case(district, **case_fields)
    agreement = sign_parties(draft(case, district.grid_worker, capture), capture)
    with capture(execute=True):
        services.document_sign_mediator(
            document=agreement, actor=district.grid_worker, seen_sha256=agreement.signing_sha256
        )
    agreement.refresh_from_db()
    assert agreement.status == DocumentStatus.ISSUED, agreement.render_error
    return agreement


def test_termination_record_is_sealed_at_once(district, capture, verify):
    case = terminated(district)
    document = issue(
        capture, case=case, actor=district.grid_worker, kind="termination", content=TERMINATION
    )
    assert document.status == DocumentStatus.ISSUED, document.render_error
    assert document.number == f"{case.number}-终1"
    verify(document.pdf.read())


def test_termination_record_needs_a_terminated_mediation(district):
    with pytest.raises(ValidationError, match="terminated"):
        services.document_issue(
            case=handled_case(district),
            actor=district.grid_worker,
            kind="termination",
            content=TERMINATION,
        )


def test_termination_record_states_reasons_and_other_routes(district):
    with pytest.raises(ValidationError) as refused:
        services.document_issue(
            case=terminated(district), actor=district.grid_worker, kind="termination", content={}
        )
    assert set(refused.value.message_dict) == {"reasons", "other_routes"}


def test_a_second_document_of_a_kind_is_refused_correct_it_instead(district, capture):
    case = terminated(district)
    issue(capture, case=case, actor=district.grid_worker, kind="termination", content=TERMINATION)
    with pytest.raises(ValidationError, match="correct it"):
        services.document_issue(
            case=case, actor=district.grid_worker, kind="termination", content=TERMINATION
        )


def test_session_records_are_one_per_held_session_and_numbered_in_turn(district, capture):
    case = handled_case(district)
    first, second = (
        held_session(case, district.grid_worker),
        held_session(case, district.grid_worker),
    )
    one = issue(capture, case=case, actor=district.grid_worker, kind="record", session=first)
    two = issue(capture, case=case, actor=district.grid_worker, kind="record", session=second)
    assert (one.number, two.number) == (f"{case.number}-笔1", f"{case.number}-笔2")
    assert one.status == two.status == DocumentStatus.ISSUED
    with pytest.raises(ValidationError):
        services.document_issue(case=case, actor=district.grid_worker, kind="record", session=first)


def test_a_record_is_made_only_of_a_held_session_of_the_case(district):
    case, other = handled_case(district), handled_case(district)
    session = held_session(other, district.grid_worker)
    with pytest.raises(ValidationError) as refused:
        services.document_issue(
            case=case, actor=district.grid_worker, kind="record", session=session
        )
    assert "session" in refused.value.message_dict


def test_referral_letter_only_for_a_court_referral(district, capture):
    with pytest.raises(ValidationError, match="court"):
        services.document_issue(
            case=handled_case(district), actor=district.grid_worker, kind="referral"
        )
    case, _clerk = court_case(district)
    letter = issue(capture, case=case, actor=district.grid_worker, kind="referral")
    assert letter.status == DocumentStatus.ISSUED, letter.render_error


def test_correction_supersedes_and_keeps_the_old_version(district, capture):
    case = terminated(district)
    old = issue(
        capture, case=case, actor=district.grid_worker, kind="termination", content=TERMINATION
    )
    old_file = old.pdf.read()
    with capture(execute=True):
        new = services.document_correct(
            document=old,
            actor=district.grid_worker,
            reason="当事人姓名有误",
            content={**TERMINATION, "reasons": "双方对赔偿数额分歧过大，被申请人拒绝继续调解。"},
        )
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.status == DocumentStatus.SUPERSEDED and old.pdf.read() == old_file
    assert new.status == DocumentStatus.ISSUED and new.supersedes == old
    assert (new.version, new.number) == (2, f"{old.number}-v2")
    assert new.correction_reason == "当事人姓名有误" and new.sha256 != old.sha256
    assert AuditEvent.objects.filter(action=AuditAction.DOCUMENT_CORRECTED, case=case).exists()
    with pytest.raises(ValidationError, match="already been corrected"):
        services.document_correct(document=old, actor=district.grid_worker, reason="再改")


def test_correction_states_its_reason(district, capture):
    case = terminated(district)
    old = issue(
        capture, case=case, actor=district.grid_worker, kind="termination", content=TERMINATION
    )
    with pytest.raises(ValidationError) as refused:
        services.document_correct(document=old, actor=district.grid_worker, reason=" ")
    assert "reason" in refused.value.message_dict
    old.refresh_from_db()
    assert old.status == DocumentStatus.ISSUED and Document.objects.count() == 1


def test_correcting_an_agreement_restarts_its_signatures(district, capture):
    case = handled_case(district)
    agreement = draft(case, district.grid_worker, capture)
    sign_parties(agreement, capture, [case.parties.first()])
    with capture(execute=True):
        corrected = services.document_correct(
            document=agreement,
            actor=district.grid_worker,
            reason="履行期限有误",
            content={**agreement.content, "performance_due": "2027-01-31"},
        )
    corrected.refresh_from_db()
    assert corrected.status == DocumentStatus.SIGNING and not corrected.signatures.exists()
    assert corrected.signing_sha256 != agreement.signing_sha256
    assert corrected.effective_at is None
    with pytest.raises(ValidationError):
        sign_parties(agreement, capture, [case.parties.last()])


def test_confirmation_application_within_30_days_of_effect(district, capture):
    agreement = issued_agreement(district, capture)
    application = issue(
        capture, case=agreement.case, actor=district.grid_worker, kind="confirmation"
    )
    assert application.status == DocumentStatus.ISSUED, application.render_error
    assert application.content["agreement_number"] == agreement.number


def test_confirmation_refused_after_30_days_of_effect(district, capture):
    agreement = issued_agreement(district, capture)
    Document.objects.filter(pk=agreement.pk).update(
        effective_at=timezone.now() - datetime.timedelta(days=31)
    )
    with pytest.raises(ValidationError, match="30 days"):
        services.document_issue(
            case=agreement.case, actor=district.grid_worker, kind="confirmation"
        )


def test_confirmation_refused_without_an_issued_agreement(district, capture):
    case = handled_case(district)
    draft(case, district.grid_worker, capture)
    with pytest.raises(ValidationError, match="no issued agreement"):
        services.document_issue(case=case, actor=district.grid_worker, kind="confirmation")


def test_confirmation_refused_for_marriage_and_family_matters(district, capture):
    agreement = issued_agreement(district, capture, dispute_type=DisputeType.FAMILY)
    with pytest.raises(ValidationError, match="marriage"):
        services.document_issue(
            case=agreement.case, actor=district.grid_worker, kind="confirmation"
        )


def test_assembling_the_case_file_again_replaces_the_current_one(district, capture, verify):
    case = terminated(district)
    issue(capture, case=case, actor=district.grid_worker, kind="termination", content=TERMINATION)
    first = issue(capture, case=case, actor=district.grid_worker, kind="casefile")
    assert first.status == DocumentStatus.ISSUED, first.render_error
    verify(first.pdf.read())
    second = issue(capture, case=case, actor=district.grid_worker, kind="casefile")
    first.refresh_from_db()
    assert first.status == DocumentStatus.SUPERSEDED and second.supersedes == first
