"""The render task: safe when delivered twice, a failure marks the document FAILED and
leaves the case alone, a retry works, a lost message is queued again."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from documents import jobs, services, services_render, tasks
from documents.models import Document, DocumentStatus
from mediation.models import AuditAction, AuditEvent, Case
from tests.documents.lifecycle import AGREEMENT, handled_case
from tests.documents.lifecycle_fixtures import *  # noqa: F403

pytestmark = pytest.mark.usefixtures("document_files")


def queued_agreement(district, capture):
    """An agreement drafted, its render task queued but not yet delivered."""
    case = handled_case(district)
    with capture(execute=False) as callbacks:
        document = services.document_draft_agreement(
            case=case, actor=district.grid_worker, content=AGREEMENT
        )
    assert len(callbacks) == 1
    document.refresh_from_db()
    assert document.status == DocumentStatus.QUEUED
    return document


def test_task_delivered_twice_renders_once(district, capture):
    document = queued_agreement(district, capture)
    assert tasks.render_document.delay(document.pk, "signing").get() is True
    assert tasks.render_document.delay(document.pk, "signing").get() is False
    document.refresh_from_db()
    assert document.status == DocumentStatus.SIGNING and document.render_attempts == 1
    assert AuditEvent.objects.filter(action=AuditAction.DOCUMENT_RENDERED).count() == 1


def test_a_delivery_for_another_stage_does_nothing(district, capture):
    document = queued_agreement(district, capture)
    assert tasks.render_document.delay(document.pk, "final").get() is False
    document.refresh_from_db()
    assert document.status == DocumentStatus.QUEUED and document.render_attempts == 0


def test_a_delivery_while_another_render_holds_the_lease_does_nothing(district, capture):
    document = queued_agreement(district, capture)
    Document.objects.filter(pk=document.pk).update(render_started_at=timezone.now())
    assert tasks.render_document.delay(document.pk, "signing").get() is False
    document.refresh_from_db()
    assert document.status == DocumentStatus.QUEUED and document.render_attempts == 0


def _too_slow(settings):
    settings.DOCUMENTS = {**settings.DOCUMENTS, "RENDER_TIMEOUT_SECONDS": 0.001}


def test_a_render_failure_marks_failed_leaves_the_case_and_retry_works(district, capture, settings):
    document = queued_agreement(district, capture)
    case_before = Case.objects.values().get(pk=document.case_id)
    _too_slow(settings)
    tasks.render_document.delay(document.pk, "signing")  # in-process: must not raise
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
    assert document.render_error and document.render_attempts == 1
    assert not document.signing_pdf and not document.signing_sha256
    assert Case.objects.values().get(pk=document.case_id) == case_before
    assert AuditEvent.objects.filter(action=AuditAction.DOCUMENT_FAILED).count() == 1

    settings.DOCUMENTS = {**settings.DOCUMENTS, "RENDER_TIMEOUT_SECONDS": 60}
    with capture(execute=True):
        services.document_retry(document=document, actor=district.grid_worker)
    document.refresh_from_db()
    assert document.status == DocumentStatus.SIGNING and document.render_error == ""
    assert document.render_attempts == 2


def test_a_failure_before_the_last_attempt_stays_queued_for_the_retry(district, capture, settings):
    document = queued_agreement(district, capture)
    _too_slow(settings)
    with pytest.raises(services_render.RenderFailed):
        services_render.document_render(
            document_id=document.pk, stage="signing", last_attempt=False
        )
    document.refresh_from_db()
    assert document.status == DocumentStatus.QUEUED and document.render_error
    assert document.render_started_at is None
    assert not AuditEvent.objects.filter(action=AuditAction.DOCUMENT_FAILED).exists()


def test_a_missing_seal_certificate_fails_the_sealing(district, capture, settings, tmp_path):
    empty = tmp_path / "no-certificates"
    empty.mkdir()
    settings.DOCUMENTS = {**django_settings.DOCUMENTS, "CERTIFICATE_DIR": empty, "SEALS": {}}
    case = handled_case(district)
    from tests.documents.lifecycle import held_session

    session = held_session(case, district.grid_worker)
    with capture(execute=True):
        document = services.document_issue(
            case=case, actor=district.grid_worker, kind="record", session=session
        )
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
    assert "seal" in document.render_error and not document.pdf


def test_a_lost_render_is_queued_again_by_the_periodic_job(district, capture):
    document = queued_agreement(district, capture)
    assert jobs.requeue_lost_renders() == []  # just queued: not lost yet
    later = timezone.now() + datetime.timedelta(minutes=6)
    assert jobs.requeue_lost_renders(now=later) == [document.pk]
    document.refresh_from_db()
    assert document.status == DocumentStatus.SIGNING
