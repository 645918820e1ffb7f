"""``manage.py render_document`` and the demo's documents."""

import io

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from documents.models import Document, DocumentKind, DocumentStatus, SignerRole
from mediation import services_case
from tests.documents.lifecycle import court_case, handled_case
from tests.documents.lifecycle_fixtures import *  # noqa: F403

TERMINATION = {"reasons": "被申请人拒绝继续调解。", "other_routes": "可向人民法院起诉。"}


def render(tmp_path, number, kind):
    out = tmp_path / f"{kind}.pdf"
    call_command("render_document", number, kind, "-o", str(out), stdout=io.StringIO())
    return out.read_bytes()


@pytest.mark.usefixtures("document_files")
def test_render_document_makes_and_writes_a_sealed_termination_record(district, tmp_path, verify):
    case = handled_case(district)
    services_case.case_record_outcome(
        case=case,
        actor=district.grid_worker,
        outcome="terminated",
        summary="调解不成",
        **TERMINATION,
    )
    data = render(tmp_path, case.number, "termination")
    verify(data)
    document = Document.objects.get(case=case, kind=DocumentKind.TERMINATION)
    assert document.status == DocumentStatus.ISSUED and document.pdf.read() == data
    text = "".join(
        "".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages
    )
    assert "被申请人拒绝继续调解" in text
    # A second run writes the same issued document; it makes no other.
    assert render(tmp_path, case.number, "termination") == data
    assert Document.objects.filter(case=case).count() == 1


@pytest.mark.usefixtures("document_files")
def test_render_document_writes_a_court_case_s_referral_letter(district, tmp_path, verify):
    case, _clerk = court_case(district)
    verify(render(tmp_path, case.number, "referral"))


@pytest.mark.usefixtures("document_files")
def test_render_document_refuses_an_unknown_kind_case_or_missing_data(district, tmp_path):
    case = handled_case(district)
    with pytest.raises(CommandError, match="Unknown kind"):
        render(tmp_path, case.number, "letter")
    with pytest.raises(CommandError, match="No case"):
        render(tmp_path, "（2026）无此调字第00001号", "record")
    with pytest.raises(CommandError, match="no issued agreement"):
        render(tmp_path, case.number, "agreement")
    with pytest.raises(CommandError, match="session"):
        render(tmp_path, case.number, "record")
    assert not (tmp_path / "record.pdf").exists()


def test_render_document_exits_non_zero_from_the_shell(tmp_path):
    import subprocess
    import sys

    from django.conf import settings

    result = subprocess.run(
        [sys.executable, "manage.py", "render_document", "X", "letter", "-o", str(tmp_path / "x")],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "Unknown kind" in result.stderr


@pytest.mark.django_db(transaction=True)
def test_demo_has_each_document_state_and_render_document_writes_them(
    document_files, tmp_path, verify
):
    call_command("seed_demo", cases=40, verbosity=0, stdout=io.StringIO())
    awaiting = Document.objects.get(kind=DocumentKind.AGREEMENT, status=DocumentStatus.SIGNING)
    assert awaiting.signatures.count() == 1 and awaiting.effective_at is None
    sealed = Document.objects.get(kind=DocumentKind.AGREEMENT, status=DocumentStatus.ISSUED)
    assert sealed.signatures.filter(role=SignerRole.MEDIATOR).exists()
    record = Document.objects.get(kind=DocumentKind.RECORD)
    termination = Document.objects.get(kind=DocumentKind.TERMINATION)
    assert record.status == termination.status == DocumentStatus.ISSUED
    for document in (sealed, record, termination):
        verify(render(tmp_path, document.case.number, document.kind))
    verify(render(tmp_path, sealed.case.number, "casefile"))

    call_command("seed_demo", cases=40, verbosity=0, stdout=io.StringIO())
    assert Document.objects.exclude(kind=DocumentKind.CASEFILE).count() == 4
