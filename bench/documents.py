"""The documents' benchmark (issue 6); never part of the tests.

Through the real pipeline (the document's template, the fetcher, the limited child,
the organisation's seal), in a scratch database and a temporary certificate directory
of its own, it prints p50 and p95 in milliseconds, and the size, of:

- a two-page agreement, rendered and sealed (budget: 350 ms, 300 KB);
- a case file of about 100 pages, assembled and sealed (budget: 5 s, 300 MiB peak);
- the verification of the sealed agreement against the register.

Besides wall times it prints each run's median CPU time (the measuring process and its
render children), which says what the work costs when other processes load the machine.

This process makes the scratch database and its rows (the documents of the case file
rendered and issued, about 80 pages of uploaded material); each measurement then runs
in a fresh process of its own on that database, so that its peak resident memory is its
own: the larger of the measuring process's (which holds the pages it merges) and of its
render children's. The measuring process warms up as a worker does (``warm_up``, then
one untimed run) before the timed runs.

``BENCH_DOC_RUNS`` (default 20) sets the agreement's and the verification's runs; the
case file runs 3 times. ``BENCH_DOC_ONLY`` (say ``agreement,casefile``) runs only those.
"""

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediation.settings")

import django  # noqa: E402

django.setup()

RUNS = int(os.environ.get("BENCH_DOC_RUNS", "20"))
CASEFILE_RUNS = 3
MATERIAL = "申请人张三与被申请人李四因楼上漏水纠纷，经本委员会调解，双方自愿达成如下协议。" * 8
# Paragraphs of uploaded material: with the case's documents, a case file of ~100 pages.
MATERIAL_PARAGRAPHS = 150


def _cpu() -> float:
    """CPU seconds of this process and of its waited-for children (the renders)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def timed(fn, runs: int):
    """p50 and p95 wall milliseconds, p50 CPU milliseconds (this process and its render
    children: what the work costs, whatever else the machine is doing), and the result."""
    fn()  # warm: the loaded seal, the stamp's font, the parsed stylesheet
    times, cpus, result = [], [], None
    for _ in range(runs):
        start, cpu = time.perf_counter(), _cpu()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
        cpus.append((_cpu() - cpu) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    return statistics.median(times), p95, statistics.median(cpus), result


def peak_mib() -> tuple[float, float]:
    """The most resident memory of this process and of its (waited-for) children, MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


# The world, made once in the orchestrating process.


def _world(tmp: Path) -> dict:
    """A street centre with its seal, a case of two parties with its signed agreement,
    and a case file of about a hundred pages of documents and uploaded material."""
    from documents import rendering
    from documents.certificates import issue_dev_certificates
    from documents.models import DocumentKind
    from mediation.models import OrgKind
    from tests.documents import render_factories as rf
    from tests.factories import org

    district = org("bjk", OrgKind.DISTRICT_CENTRE, name="经开区矛盾纠纷调处化解中心")
    street = org("bjk-th", OrgKind.STREET_CENTRE, district, name="太湖街道矛盾纠纷调处化解中心")
    court = org("bjk-court", OrgKind.COURT, district, name="经开区人民法院")
    issue_dev_certificates(organisations=[street], directory=tmp)
    place = type("District", (), {"street": street, "court": court})

    case = rf.make_case(place)
    agreement = rf.make_agreement(case)
    rf.sign_all(agreement, drawn_first=False)

    big_case = rf.make_case(place, parties=rf.three_parties())
    referral = rf.make_referral(big_case, court)
    for _ in range(4):
        session = rf.make_session(big_case)
        _issue(rf.make_document(big_case, DocumentKind.RECORD, session=session))
    _issue(rf.make_agreement(big_case))
    for kind in ("termination", "undisputed", "referral"):
        _issue(rf.make_document(big_case, kind, content={"reasons": "原因", "facts": "事实"}))
    body = "".join(f"<p>{MATERIAL}</p>" for _ in range(MATERIAL_PARAGRAPHS))
    material = rendering.render_html_pdf(f"<html lang=zh-CN><body>{body}</body></html>")
    rf.add_upload(referral, "起诉状及证据.pdf", material.data)
    casefile = rf.make_document(big_case, DocumentKind.CASEFILE)
    return {"agreement": agreement.pk, "casefile": casefile.pk, "material_pages": material.pages}


def _issue(document) -> None:
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from documents import rendering
    from documents.models import DocumentStatus

    rendered = rendering.render_document_pdf(document)
    document.pdf.save(f"{document.pk}.pdf", ContentFile(rendered.data), save=False)
    document.status = DocumentStatus.ISSUED
    document.issued_at = timezone.now()
    document.pages = rendered.pages
    document.save()


# The measurements, each in a fresh process.


def _agreement(world: dict) -> dict:
    from documents import rendering
    from documents.models import Document
    from documents.signing import seal_pdf

    agreement = Document.objects.get(pk=world["agreement"])
    issuer = agreement.issuer

    def agreement_sealed():
        rendered = rendering.render_document_pdf(agreement, stage="final")
        return rendered.pages, seal_pdf(rendered.data, organisation=issuer)

    p50, p95, cpu, (pages, sealed) = timed(agreement_sealed, RUNS)
    name = f"agreement ({pages} pages), render + seal"
    return {"name": name, "runs": RUNS, "p50": p50, "p95": p95, "cpu": cpu, "size": len(sealed)}


def _casefile(world: dict) -> dict:
    from documents import casefile as casefiles
    from documents.models import Document
    from documents.signing import seal_pdf

    casefile = Document.objects.get(pk=world["casefile"])
    issuer = casefile.issuer

    def casefile_sealed():
        rendered = casefiles.assemble_case_file(casefile)
        return rendered.pages, seal_pdf(rendered.data, organisation=issuer)

    p50, p95, cpu, (pages, whole) = timed(casefile_sealed, CASEFILE_RUNS)
    name = f"case file ({pages} pages), assemble + seal"
    row = {"name": name, "runs": CASEFILE_RUNS, "p50": p50, "p95": p95, "cpu": cpu}
    return {**row, "size": len(whole)}


def _verification(world: dict) -> dict:
    import hashlib

    from documents import rendering
    from documents.models import Document, DocumentStatus
    from documents.signing import seal_pdf
    from documents.verification import verify_pdf

    agreement = Document.objects.get(pk=world["agreement"])
    rendered = rendering.render_document_pdf(agreement, stage="final")
    sealed = seal_pdf(rendered.data, organisation=agreement.issuer)
    agreement.status = DocumentStatus.ISSUED
    agreement.sha256 = hashlib.sha256(sealed).hexdigest()
    agreement.save(update_fields=["status", "sha256"])
    p50, p95, cpu, verdict = timed(lambda: verify_pdf(sealed), RUNS)
    assert verdict.genuine and verdict.intact, verdict.problems
    name = "verification of the agreement"
    return {"name": name, "runs": RUNS, "p50": p50, "p95": p95, "cpu": cpu, "size": len(sealed)}


MEASUREMENTS = {"agreement": _agreement, "casefile": _casefile, "verification": _verification}
ONLY = os.environ.get("BENCH_DOC_ONLY", ",".join(MEASUREMENTS)).split(",")


def measure(what: str) -> None:
    """One measurement, in this (fresh) process, on the orchestrator's database."""
    from django.conf import settings
    from django.db import connections
    from django.test.utils import override_settings

    from documents import rendering

    world = json.loads(os.environ["BENCH_DOC_WORLD"])
    connections["default"].settings_dict["NAME"] = world["database"]
    tmp = Path(world["tmp"])
    with override_settings(
        DOCUMENTS={**settings.DOCUMENTS, "CERTIFICATE_DIR": tmp},
        MEDIA_ROOT=tmp / "media",
    ):
        rendering.warm_up()
        row = MEASUREMENTS[what](world)
    row["own_mib"], row["children_mib"] = peak_mib()
    print(json.dumps(row))


def main() -> None:
    from django.conf import settings
    from django.db import connection
    from django.test.utils import get_runner, override_settings, setup_test_environment

    setup_test_environment()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            with override_settings(
                DOCUMENTS={**settings.DOCUMENTS, "CERTIFICATE_DIR": Path(tmp)},
                MEDIA_ROOT=Path(tmp, "media"),
            ):
                world = _world(Path(tmp))
            world.update(database=connection.settings_dict["NAME"], tmp=tmp)
            connection.close()
            env = {**os.environ, "BENCH_DOC_WORLD": json.dumps(world)}
            for what in ONLY:
                done = subprocess.run(
                    [sys.executable, __file__, "--measure", what],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if done.returncode:
                    sys.stderr.write(done.stderr)
                    raise SystemExit(f"the {what} measurement failed")
                rows.append((what, json.loads(done.stdout.strip().splitlines()[-1])))
    finally:
        runner.teardown_databases(old)

    print()
    print(f"documents, database: {django.db.connection.vendor}")
    print(
        f"| {'benchmark':42} | {'n':>3} | {'p50 ms':>8} | {'p95 ms':>8} | {'cpu ms':>8} "
        f"| {'size KB':>8} |"
    )
    print(f"|{'-' * 44}|{'-' * 5}|{'-' * 10}|{'-' * 10}|{'-' * 10}|{'-' * 10}|")
    for _what, row in rows:
        print(
            f"| {row['name']:42} | {row['runs']:3} | {row['p50']:8.1f} | {row['p95']:8.1f} "
            f"| {row['cpu']:8.1f} | {row['size'] / 1024:8.0f} |"
        )
    print("(cpu ms: the median CPU time of a run, the measuring process and its children)")
    print("peak resident memory of each measurement (its own process, its render children):")
    for what, row in rows:
        peak = max(row["own_mib"], row["children_mib"])
        print(
            f"  {what}: {peak:.0f} MiB "
            f"(process {row['own_mib']:.0f} MiB, render children {row['children_mib']:.0f} MiB)"
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        measure(sys.argv[2])
    else:
        main()
