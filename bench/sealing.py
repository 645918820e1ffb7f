"""Sealing and verification of a two-page agreement (issue 6); never part of the tests.

Prints p50 and p95 (wall) and p50 of CPU time in milliseconds over ``BENCH_SEAL_RUNS``
runs (default 30) of: the WeasyPrint rendering of a two-page Chinese PDF (for scale; the
real renderer adds a fork), the seal with an EC P-256 key and with an RSA-2048 key, the
verification of the sealed file against the register, and rendering plus sealing
together; and the sealed size. CPU time is what other load on the machine leaves alone.
Budget: rendering plus sealing at most 350 ms and 300 KB.

Runs in a scratch database and a temporary certificate directory of its own.
"""

import os
import statistics
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediation.settings")

import django  # noqa: E402

django.setup()

RUNS = int(os.environ.get("BENCH_SEAL_RUNS", "30"))
PAGE = "<p>甲乙双方经人民调解委员会主持调解，自愿达成如下协议，共同遵守。</p>" * 14


def render() -> bytes:
    import weasyprint

    html = (
        "<html><body style='font-family: \"Noto Serif CJK SC\"'>"
        f"<h1>人民调解协议书</h1>{PAGE}"
        f"<div style='page-break-before: always'>{PAGE}</div></body></html>"
    )
    return weasyprint.HTML(string=html).write_pdf()


def timed(fn, runs: int = RUNS) -> tuple[float, float, float, object]:
    """p50 and p95 of the wall time, p50 of this process's CPU time (which other load
    on the machine does not inflate), in ms; and the last result."""
    fn()  # warm: loaded signer, cached stamp font, imported modules
    times, cpu, result = [], [], None
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    return statistics.median(times), p95, statistics.median(cpu), result


def main() -> None:
    import hashlib

    from django.conf import settings
    from django.test.utils import get_runner, override_settings, setup_test_environment

    from documents.certificates import issue_dev_certificates
    from documents.models import Document, DocumentKind, DocumentStatus
    from documents.signing import seal_pdf
    from documents.verification import verify_pdf

    setup_test_environment()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            from mediation import services
            from mediation.models import Channel, DisputeType, OrgKind, PartyRole, PersonKind

            centre = services.organisation_create(
                code="bench", name="经开区矛盾纠纷调处化解中心", kind=OrgKind.DISTRICT_CENTRE
            )
            rsa = types.SimpleNamespace(code="bench-rsa", name=centre.name, address="")
            ec_dir, rsa_dir = Path(tmp, "ec"), Path(tmp, "rsa")
            issue_dev_certificates(organisations=[centre], directory=ec_dir)
            issue_dev_certificates(organisations=[rsa], directory=rsa_dir, algorithm="rsa")
            documents = {
                **settings.DOCUMENTS,
                "CERTIFICATE_DIR": ec_dir,
                "SEALS": {
                    "bench-rsa": {
                        "path": str(rsa_dir / "bench-rsa.p12"),
                        "passphrase": settings.DOCUMENTS["CERTIFICATE_PASSPHRASE"],
                    }
                },
            }
            with override_settings(DOCUMENTS=documents):
                p50, p95, cpu, pdf = timed(render)
                rows.append(("render 2 pages (WeasyPrint)", p50, p95, cpu, len(pdf)))
                p50, p95, cpu, sealed = timed(lambda: seal_pdf(pdf, organisation=centre))
                rows.append(("seal, EC P-256", p50, p95, cpu, len(sealed)))
                p50, p95, cpu, rsa_sealed = timed(lambda: seal_pdf(pdf, organisation=rsa))
                rows.append(("seal, RSA-2048", p50, p95, cpu, len(rsa_sealed)))
                p50, p95, cpu, both = timed(lambda: seal_pdf(render(), organisation=centre))
                rows.append(("render + seal, EC P-256", p50, p95, cpu, len(both)))

                names = ((PartyRole.APPLICANT, "张三"), (PartyRole.RESPONDENT, "李四"))
                parties = [
                    services.PartyInput(
                        role=role,
                        person=services.PersonInput(
                            kind=PersonKind.NATURAL, name=name, phone="13800138000"
                        ),
                    )
                    for role, name in names
                ]
                case = services.case_report(
                    actor=None,
                    handling_org=centre,
                    parties=parties,
                    title="楼上漏水纠纷",
                    description="楼上住户卫生间漏水。",
                    dispute_type=DisputeType.NEIGHBOUR,
                    channel=Channel.WALK_IN,
                )
                Document.objects.create(
                    case=case,
                    kind=DocumentKind.AGREEMENT,
                    number="经开调协〔2026〕1号",
                    token="bench",
                    issuer=centre,
                    status=DocumentStatus.ISSUED,
                    sha256=hashlib.sha256(sealed).hexdigest(),
                )
                p50, p95, cpu, verdict = timed(lambda: verify_pdf(sealed))
                assert verdict.genuine, verdict.problems
                rows.append(("verify (genuine, in the register)", p50, p95, cpu, len(sealed)))
    finally:
        runner.teardown_databases(old)

    print(f"{'what':36} {'runs':>5} {'p50 ms':>8} {'p95 ms':>8} {'cpu p50':>8} {'bytes':>9}")
    for what, p50, p95, cpu, size in rows:
        print(f"{what:36} {RUNS:>5} {p50:>8.1f} {p95:>8.1f} {cpu:>8.1f} {size:>9}")


if __name__ == "__main__":
    main()
