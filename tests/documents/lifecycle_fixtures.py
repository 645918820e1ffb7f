"""Fixtures of the lifecycle tests: files in a temporary media root, the development
seals issued once per test session, a PNG signature, and a check of a sealed PDF.

Import them into a test module: ``from tests.documents.lifecycle_fixtures import *``.
"""

import shutil
import types

import pytest
from django.conf import settings as django_settings

from tests.documents.render_factories import png_bytes

# The organisations of tests/conftest.py's ``district``, which may seal a document.
DISTRICT_CODES = {
    "jk": "经开区矛盾纠纷调处化解中心",
    "jk-th": "太湖街道调处中心",
    "jk-hb": "湖滨街道调处中心",
    "jk-th-xy": "新园社区居委会",
    "jk-th-xy-01": "新园社区第一网格",
    "jk-court": "经开区人民法院",
}


@pytest.fixture(scope="session")
def dev_certificates(tmp_path_factory):
    """A directory with the local CA and a seal for each organisation of the ``district``
    fixture, made once by the development issuer (documents.certificates)."""
    from documents.certificates import issue_dev_certificates

    directory = tmp_path_factory.mktemp("certificates")
    organisations = [
        types.SimpleNamespace(code=code, name=name) for code, name in DISTRICT_CODES.items()
    ]
    issue_dev_certificates(organisations=organisations, directory=directory)
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
    """Check a PDF as the public verification page does: an intact seal from a trusted
    certificate, nothing added after it, and the file in the register as issued."""
    from documents.verification import verify_pdf

    def check(data: bytes):
        verdict = verify_pdf(data)
        assert verdict.ok, verdict.problems
        return verdict

    return check


__all__ = ["capture", "dev_certificates", "document_files", "png", "verify"]
