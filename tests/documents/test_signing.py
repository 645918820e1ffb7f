import datetime
import io
import stat

import pytest
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader

from documents.signing import SealUnavailable, default_box, seal_pdf
from documents.stampfont import MISSING, stamp_font
from documents.verification import verify_pdf
from mediation.models import OrgKind
from tests.documents.seal_support import issue, two_page_pdf, use_certificate_dir
from tests.factories import org

PASSPHRASE = django_settings.DOCUMENTS["CERTIFICATE_PASSPHRASE"]


@pytest.fixture
def certs(settings, tmp_path):
    return use_certificate_dir(settings, tmp_path / "certificates")


def _p12_certificate(path, passphrase=PASSPHRASE):
    _key, certificate, _others = pkcs12.load_key_and_certificates(
        path.read_bytes(), passphrase.encode()
    )
    return certificate


def test_issue_dev_certificates_makes_a_private_ca_and_a_seal_named_for_each_organisation(
    district, certs
):
    call_command("issue_dev_certificates", stdout=io.StringIO())

    assert (certs / "ca.pem").exists()
    assert stat.S_IMODE((certs / "ca-key.pem").stat().st_mode) == 0o600
    for organisation in (district.district, district.street, district.court):
        certificate = _p12_certificate(certs / f"{organisation.code}.p12")
        subject = certificate.subject
        assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == organisation.name
        assert subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == (
            organisation.name
        )
        assert stat.S_IMODE((certs / f"{organisation.code}.p12").stat().st_mode) == 0o600


def test_issue_dev_certificates_keeps_existing_files_unless_forced(district, certs):
    call_command("issue_dev_certificates", stdout=io.StringIO())
    before = {path.name: path.read_bytes() for path in certs.iterdir()}

    call_command("issue_dev_certificates", stdout=io.StringIO())
    assert {path.name: path.read_bytes() for path in certs.iterdir()} == before

    call_command("issue_dev_certificates", "--force", "--organisations", "jk", stdout=io.StringIO())
    after = {path.name: path.read_bytes() for path in certs.iterdir()}
    assert after["jk.p12"] != before["jk.p12"]
    assert after["jk-th.p12"] == before["jk-th.p12"]
    assert after["ca.pem"] == before["ca.pem"]

    call_command("issue_dev_certificates", "--force", stdout=io.StringIO())
    renewed = {path.name: path.read_bytes() for path in certs.iterdir()}
    assert renewed["ca.pem"] != before["ca.pem"]
    assert renewed["jk-th.p12"] != before["jk-th.p12"]


def test_issue_dev_certificates_reissues_a_seal_of_another_ca(district, certs, tmp_path):
    """After a new CA, an organisation's old seal would not chain to it: it is replaced."""
    other = tmp_path / "other"
    issue(other, district.street)
    certs.mkdir(parents=True)
    (certs / "jk-th.p12").write_bytes((other / "jk-th.p12").read_bytes())

    call_command("issue_dev_certificates", "--organisations", "jk-th", stdout=io.StringIO())

    assert (certs / "jk-th.p12").read_bytes() != (other / "jk-th.p12").read_bytes()


def test_issue_dev_certificates_refuses_an_unknown_organisation(district, certs):
    with pytest.raises(CommandError, match="nowhere"):
        call_command("issue_dev_certificates", "--organisations", "nowhere")


def test_seal_is_a_pades_signature_with_a_visible_stamp_in_the_seal_box_of_the_last_page(
    district, certs
):
    issue(certs, district.district)
    original = two_page_pdf()

    sealed = seal_pdf(original, organisation=district.district)

    assert sealed.startswith(original)  # an incremental update: the rendering is untouched
    assert len(sealed) - len(original) < 40_000
    assert len(sealed) <= 300_000
    reader = PdfFileReader(io.BytesIO(sealed))
    (signature,) = reader.embedded_signatures
    assert signature.field_name == "seal"
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.sig_object["/Name"] == district.district.name
    signed_at = signature.self_reported_timestamp
    assert abs(signed_at - timezone.now()) < datetime.timedelta(minutes=1)
    last_page = reader.root["/Pages"]["/Kids"][-1].get_object()
    (widget,) = [annot.get_object() for annot in last_page["/Annots"]]
    assert [round(float(v)) for v in widget["/Rect"]] == list(default_box())
    assert float(widget["/Rect"][0]) > float(last_page["/MediaBox"][2]) / 2
    assert "/N" in widget["/AP"]


def test_seal_of_a_name_outside_gb2312_draws_what_the_font_has_and_still_verifies(district, certs):
    village = org("rare", OrgKind.COMMITTEE, district.street, name="堃䶮𠀀村人民调解委员会")
    issue(certs, village)

    sealed = seal_pdf(two_page_pdf(), organisation=village)

    font = stamp_font(village.name)
    assert {"堃", "䶮"} <= font.covered  # GBK and CJK extension A: in the face
    assert font.fit(village.name) == f"堃䶮{MISSING}村人民调解委员会"  # extension B: not
    verdict = verify_pdf(sealed)
    assert verdict.intact and verdict.trusted and verdict.unchanged
    assert verdict.signer == village.name


def test_stamp_font_is_a_small_subset_cached_under_var_dir(settings):
    font = stamp_font("经开区矛盾纠纷调处化解中心")

    assert font.path.parent == settings.VAR_DIR / "fonts"
    assert font.path.stat().st_size < 100_000
    assert stamp_font("经开区矛盾纠纷调处化解中心").path == font.path


def test_seal_without_a_certificate_is_unavailable_and_says_how_to_make_one(district, certs):
    with pytest.raises(SealUnavailable) as raised:
        seal_pdf(two_page_pdf(), organisation=district.street)

    message = str(raised.value)
    assert district.street.name in message
    assert "issue_dev_certificates" in message


def test_seal_that_does_not_open_with_the_passphrase_is_unavailable(district, certs, settings):
    issue(certs, district.street)
    settings.DOCUMENTS = {**settings.DOCUMENTS, "CERTIFICATE_PASSPHRASE": "wrong"}

    with pytest.raises(SealUnavailable, match=district.street.name):
        seal_pdf(two_page_pdf(), organisation=district.street)


def test_a_seal_configured_in_settings_is_used_instead_of_the_certificate_dir(
    district, certs, settings, tmp_path
):
    elsewhere = tmp_path / "hsm-export"
    issue_dir = elsewhere
    issue(issue_dir, district.street)
    settings.DOCUMENTS = {
        **settings.DOCUMENTS,
        "SEALS": {"jk-th": {"path": str(elsewhere / "jk-th.p12"), "passphrase": PASSPHRASE}},
        "TRUST_ROOTS": [str(elsewhere / "ca.pem")],
    }

    verdict = verify_pdf(seal_pdf(two_page_pdf(), organisation=district.street))

    assert verdict.trusted and verdict.intact


def test_an_rsa_seal_fits_the_room_reserved_for_it(district, certs):
    """Seals come from any PKCS#12 file: an RSA key's larger certificate still fits."""
    from documents.certificates import issue_dev_certificates

    issue_dev_certificates(organisations=[district.street], directory=certs, algorithm="rsa")

    verdict = verify_pdf(seal_pdf(two_page_pdf(), organisation=district.street))

    assert verdict.intact and verdict.trusted and verdict.unchanged


def test_sealing_something_that_is_not_a_pdf_is_a_value_error(district, certs):
    issue(certs, district.district)

    with pytest.raises(ValueError, match="could not be sealed"):
        seal_pdf(b"%PDF-1.7\nnot really", organisation=district.district)
