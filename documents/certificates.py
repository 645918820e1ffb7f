"""The organisations' seal certificates: where they are, and a local CA for development.

Each organisation seals with the key of a PKCS#12 file: the one that
``settings.DOCUMENTS["SEALS"][code]`` names, else ``CERTIFICATE_DIR/<code>.p12`` with
``CERTIFICATE_PASSPHRASE``. ``issue_dev_certificates`` makes a local CA
(``CERTIFICATE_DIR/ca.pem``, the trust root that verification accepts, and its key
``ca-key.pem``) and signs one certificate for each organisation with it.

The keys are EC P-256. pyHanko loads the private key again for every signature, and
loading an RSA-2048 key runs OpenSSL's key check: 60-200 ms against 0.3 ms for EC, so a
seal with RSA took twice as long (bench/sealing.py measures both).
"""

import dataclasses
import datetime
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings

CA_CERTIFICATE = "ca.pem"
CA_KEY = "ca-key.pem"
CA_NAME = "矛盾纠纷多元化解平台开发用根证书"
CA_YEARS = 10
SEAL_YEARS = 5
# X.509 allows at most 64 characters in a common or organisation name (RFC 5280).
_NAME_LIMIT = 64


@dataclasses.dataclass(frozen=True)
class SealSource:
    """Where an organisation's seal is kept: a PKCS#12 file and its passphrase."""

    path: Path
    passphrase: str


def certificate_dir() -> Path:
    return Path(settings.DOCUMENTS["CERTIFICATE_DIR"])


def seal_source(code: str) -> SealSource:
    configured = settings.DOCUMENTS.get("SEALS", {}).get(code)
    if configured:
        return SealSource(Path(configured["path"]), str(configured.get("passphrase", "")))
    return SealSource(
        certificate_dir() / f"{code}.p12", str(settings.DOCUMENTS["CERTIFICATE_PASSPHRASE"])
    )


def trust_root_paths() -> list[Path]:
    """The PEM files verification trusts: the local CA's and DOCUMENTS["TRUST_ROOTS"]."""
    paths = [certificate_dir() / CA_CERTIFICATE]
    paths += [Path(p) for p in settings.DOCUMENTS.get("TRUST_ROOTS", [])]
    return paths


def _new_key(algorithm: str):
    if algorithm == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.SECP256R1())


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:_NAME_LIMIT]),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:_NAME_LIMIT]),
        ]
    )


def _key_usage(*, seal: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=seal,
        content_commitment=seal,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not seal,
        crl_sign=not seal,
        encipher_only=False,
        decipher_only=False,
    )


def _write_private(path: Path, data: bytes) -> None:
    """Write a secret file readable by its owner only, replacing any old one whole."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def make_ca(directory: Path, *, name: str = "", algorithm: str = "ec"):
    """A self-signed CA in ``directory`` (ca.pem, ca-key.pem); returns (certificate, key).

    Its name carries a random tag, so that two development CAs are told apart by name.
    """
    directory.mkdir(parents=True, exist_ok=True)
    name = name or f"{CA_NAME} {secrets.token_hex(4)}"
    key = _new_key(algorithm)
    now = datetime.datetime.now(datetime.UTC)
    subject = _name(name, name)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(seal=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(
        directory / CA_KEY,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )
    (directory / CA_CERTIFICATE).write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return certificate, key


def load_ca(directory: Path):
    """The CA in ``directory`` as (certificate, key); FileNotFoundError if it is not there."""
    certificate = x509.load_pem_x509_certificate((directory / CA_CERTIFICATE).read_bytes())
    key = serialization.load_pem_private_key((directory / CA_KEY).read_bytes(), password=None)
    return certificate, key


def make_seal_pkcs12(
    *, name: str, ca_certificate, ca_key, passphrase: str, algorithm: str = "ec"
) -> bytes:
    """A PKCS#12 file with a new seal key and its certificate for ``name``, and the CA's."""
    key = _new_key(algorithm)
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(name, name))
        .issuer_name(ca_certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(
            min(now + datetime.timedelta(days=365 * SEAL_YEARS), ca_certificate.not_valid_after_utc)
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(seal=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        name=name.encode(),
        key=key,
        cert=certificate,
        cas=[ca_certificate],
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase.encode()),
    )


def _issued_by(p12_path: Path, passphrase: str, ca_certificate) -> bool:
    """Whether the PKCS#12 file opens with the passphrase and the CA signed its certificate
    (every development CA has the same name: only its key tells them apart)."""
    try:
        _, certificate, _ = pkcs12.load_key_and_certificates(
            p12_path.read_bytes(), passphrase.encode()
        )
        if certificate is None:
            return False
        certificate.verify_directly_issued_by(ca_certificate)
    except (OSError, ValueError, TypeError, InvalidSignature):
        return False
    return True


@dataclasses.dataclass
class IssueReport:
    ca_created: bool = False
    issued: list[str] = dataclasses.field(default_factory=list)
    kept: list[str] = dataclasses.field(default_factory=list)


def issue_dev_certificates(
    *,
    organisations: Iterable,
    directory: Path | None = None,
    passphrase: str | None = None,
    force: bool = False,
    new_ca: bool = False,
    algorithm: str = "ec",
) -> IssueReport:
    """Make the local CA if it is missing (or ``new_ca``), and a seal for each organisation.

    An organisation's existing file is kept unless ``force``, or it no longer opens with
    the passphrase, or it was issued by another CA (after a new CA, every organisation
    asked for gets a new seal).
    """
    directory = Path(directory or certificate_dir())
    passphrase = settings.DOCUMENTS["CERTIFICATE_PASSPHRASE"] if passphrase is None else passphrase
    report = IssueReport()
    if new_ca or not (directory / CA_CERTIFICATE).exists() or not (directory / CA_KEY).exists():
        ca_certificate, ca_key = make_ca(directory, algorithm=algorithm)
        report.ca_created = True
    else:
        ca_certificate, ca_key = load_ca(directory)
    for organisation in organisations:
        path = directory / f"{organisation.code}.p12"
        if not force and path.exists() and _issued_by(path, passphrase, ca_certificate):
            report.kept.append(organisation.code)
            continue
        data = make_seal_pkcs12(
            name=organisation.name,
            ca_certificate=ca_certificate,
            ca_key=ca_key,
            passphrase=passphrase,
            algorithm=algorithm,
        )
        _write_private(path, data)
        report.issued.append(organisation.code)
    return report
