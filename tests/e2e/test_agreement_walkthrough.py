"""The mediator, in a real browser, drafts the agreement from the case page, signs it
once both parties have, and downloads the sealed copy."""

import concurrent.futures

import pytest

from documents import services
from documents.models import Document, DocumentStatus
from tests.documents.lifecycle import AGREEMENT, handled_case
from tests.documents.lifecycle_fixtures import *  # noqa: F403

from .test_intake_walkthrough import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_mediator_drafts_signs_and_downloads_the_sealed_agreement(
    live_server, page, district, document_files, verify, tmp_path
):
    case = handled_case(district)
    base = live_server.url
    log_in(page, base, "gridder")
    page.goto(f"{base}/cases/{case.pk}/")
    page.click(f"#documents a[href$='/cases/{case.pk}/new/agreement/']")
    for field, value in AGREEMENT.items():
        if field in ("performance_due", "agreed_amount"):
            page.fill(f"input[name={field}]", value)
        else:
            page.fill(f"textarea[name={field}]", value)
    with page.expect_navigation():
        page.click("form.vf-form button[type=submit]")
    agreement = Document.objects.get(case=case)
    assert agreement.status == DocumentStatus.SIGNING, agreement.render_error
    assert page.is_visible(f"#document-{agreement.pk}")

    # The parties sign in the portal; here through the same service.
    for party in case.parties.all():
        services.document_sign_party(
            document=agreement, party=party, method="code", seen_sha256=agreement.signing_sha256
        )
    page.reload()
    page.click(f"#document-{agreement.pk} a[href$='/sign/']")
    page.check("input[name=confirm]")
    with page.expect_navigation():
        page.click("form.vf-form button[type=submit]")
    agreement.refresh_from_db()
    assert agreement.status == DocumentStatus.ISSUED, agreement.render_error
    page.screenshot(path=str(tmp_path / "case-documents.png"), full_page=True)

    with page.expect_download() as download:
        page.click(f"#document-{agreement.pk} a[href$='/pdf/']")
    saved = tmp_path / "agreement.pdf"
    download.value.save_as(saved)
    assert download.value.suggested_filename == f"{agreement.number}.pdf"
    # pyHanko's validation runs its own event loop: not in this thread, where the
    # browser's runs.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(verify, saved.read_bytes()).result()
