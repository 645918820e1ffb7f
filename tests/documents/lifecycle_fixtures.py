"""Fixtures of the lifecycle tests: files in a temporary media root, the development
seals issued once per test session, a PNG signature, and a check of a sealed PDF.

Import them into a test module: ``from tests.documents.lifecycle_fixtures import *``.
"""

import io
import shutil

import pytest
from django.conf import settings as django_settings

from tests.documents.render_factories import png_bytes


@pytest.fixture(scope="session")
def dev_certificates(tmp_path_factory):
    """A directory with the local CA and a seal for each organisation code the tests
    use, made once by the signing module's own development issuer."""
    from documents import signing

    directory = tmp_path_factory.mktemp("certificates")
    signing.issue_dev_certificates(directory=directory)
    return directory


@pytest.fixture
def document_files(settings, tmp_path, dev_certificates):
    settings.MEDIA_ROOT = tmp_path / "media"
    certificates = tmp_path / "certificates"
    shutil.copytree(dev_certificates, certificates)
    settings.DOCUMENTS = {**django_settings.DOCUMENTS, "CERTIFICATE_DIR": certificates}
    return certificates


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


@pytest.fixture
def png():
    return png_bytes()


@pytest.fixture
def verify(document_files):
    """Check that a PDF carries an intact, trusted seal that covers the whole file."""
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    def check(data: bytes) -> None:
        root = load_cert_from_pemder(str(document_files / "ca.pem"))
        context = ValidationContext(trust_roots=[root], allow_fetching=False)
        signatures = PdfFileReader(io.BytesIO(data)).embedded_signatures
        assert signatures, "the PDF carries no signature"
        status = validate_pdf_signature(signatures[-1], context)
        assert status.intact and status.valid, status.pretty_print_details()
        assert status.trusted, status.pretty_print_details()
        assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE

    return check


__all__ = ["capture", "dev_certificates", "document_files", "png", "verify"]
