"""Fill the database with a demo district: organisations, logins, mediators and cases.

Deterministic: the same --seed and --today make the same data. Idempotent: a second run
adds nothing, and a run with a larger --cases adds only the missing cases. Cases go in
by bulk insert (COPY on PostgreSQL), so a million of them take minutes, not hours.
"""

import contextlib
import datetime
import multiprocessing
import os
import signal
import time
import traceback
from collections import Counter
from queue import Empty, Full

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.utils import timezone

from mediation import extensions
from mediation.demo_bulk import batch_write, rows_matching, sequences_reconcile
from mediation.demo_cases import POOL_BUCKET_DAYS, SPAN_DAYS, Generator, case_token
from mediation.demo_district import district_build, people_ensure
from mediation.demo_people import companies, credit_code_variant, id_number_variant, lawyers
from mediation.models import Case, Organisation
from mediation.models.organisations import CENTRE_KINDS


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today wants a date as YYYY-MM-DD, not {value!r}") from exc


class Command(BaseCommand):
    help = "Create a demo district with logins for every role and N cases (default 240)."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=240, help="how many cases (240)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (2026)")
        parser.add_argument(
            "--today", type=_date, default=None, help="the date the data ends at (local today)"
        )
        parser.add_argument(
            "--batch-size", type=int, default=5000, help="cases per transaction (5000)"
        )
        parser.add_argument(
            "--no-flows",
            dest="flows",
            action="store_false",
            help="only the district and the case history: no cases at the flows' steps",
        )

    def handle(self, *args, cases, seed, today, batch_size, flows=True, **options):
        if cases < 0 or batch_size < 1:
            raise CommandError("--cases cannot be negative and --batch-size must be positive.")
        if isinstance(today, str):  # call_command(today="...") skips the parser's type
            today = _date(today)
        today = today or timezone.localdate()
        started = time.monotonic()
        district = district_build()
        generator = _generator(
            district=district,
            seed=seed,
            total=max(cases, 1),
            today=today,
            tz=timezone.get_current_timezone(),
        )
        self.stdout.write(
            f"District ready: {len(district.orgs)} organisations, {len(district.users)} logins, "
            f"{len(generator.pool)} frequent parties ({time.monotonic() - started:.1f} s)."
        )

        sequences_reconcile()
        totals = self._cases_write(generator, seed, cases, batch_size, started)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {totals['cases']:,} cases with {totals['parties']:,} parties, "
                f"{totals['people']:,} new people and {totals['events']:,} audit events in "
                f"{time.monotonic() - started:.1f} s (seed {seed}, today {today})."
            )
        )
        # The other packages add theirs: the workflows put cases at every step of every flow.
        for seeder in extensions.demo_seeders() if flows else ():
            seeder(stdout=self.stdout)
        self.stdout.write("The demo logins: manage.py demo_logins")

    def _cases_write(self, generator, seed, cases, batch_size, started) -> Counter:
        """Make the missing cases and write them, batch by batch, in index order."""
        centres = {o.pk: o for o in Organisation.objects.filter(kind__in=CENTRE_KINDS)}
        totals = Counter()
        report_every, reported = max(batch_size, cases // 20), 0
        batches = [range(s, min(cases, s + batch_size)) for s in range(0, cases, batch_size)]
        # closing() stops the child process at once if writing fails.
        with contextlib.closing(_drafts(generator, seed, batches)) as drafted:
            for indices, drafts in drafted:
                if drafts:
                    totals.update(batch_write(drafts, centres))
                if indices.stop - reported >= report_every or indices.stop == cases:
                    reported = indices.stop
                    self.stdout.write(
                        f"  {indices.stop:>9,}/{cases:,} cases checked, "
                        f"{totals['cases']:,} written ({time.monotonic() - started:.1f} s)"
                    )
                    self.stdout.flush()
        return totals


def _batch_drafts(generator, seed: int, indices: range) -> list:
    """Drafts of the cases in ``indices`` that an earlier run has not written."""
    tokens = {case_token(seed, i): i for i in indices}
    done = {t for (t,) in rows_matching(Case, "intake_token", list(tokens), "intake_token")}
    return [generator.draft(i) for token, i in tokens.items() if token not in done]


def _drafts(generator, seed: int, batches: list[range]):
    """Yield (indices, drafts) for each batch.

    For a long run on PostgreSQL a forked child process makes the drafts while this
    process writes the batch before, so that Python and the database work at once.
    """
    forking = (
        len(batches) > 1
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and "fork" in multiprocessing.get_all_start_methods()
    )
    if not forking:
        for indices in batches:
            yield indices, _batch_drafts(generator, seed, indices)
        return
    context = multiprocessing.get_context("fork")
    queue = context.Queue(maxsize=2)  # at most two batches wait: memory stays bounded
    connections.close_all()  # the child opens its own; a shared socket would be garbled
    child = context.Process(
        target=_drafts_in_child, args=(generator, seed, batches, queue), daemon=True
    )
    child.start()
    try:
        for indices in batches:
            while True:
                try:
                    item = queue.get(timeout=10)
                    break
                except Empty:
                    if not child.is_alive():
                        raise CommandError("The process making the cases stopped.") from None
            if isinstance(item, str):
                raise CommandError(f"Making the cases failed:\n{item}")
            yield indices, item
    finally:
        if child.is_alive():
            child.terminate()
        child.join()


def _drafts_in_child(generator, seed: int, batches: list[range], queue) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the parent, which stops us
    parent = os.getppid()

    def put(item) -> None:
        # A parent killed outright cannot stop its child: the child notices and leaves.
        while True:
            try:
                return queue.put(item, timeout=5)
            except Full:
                if os.getppid() != parent:
                    queue.cancel_join_thread()  # nobody will read what is left
                    raise SystemExit(1) from None

    try:
        for indices in batches:
            put(_batch_drafts(generator, seed, indices))
    except Exception:
        put(traceback.format_exc())
    finally:
        connections.close_all()


def _generator(*, district, seed: int, total: int, today, tz) -> Generator:
    """A generator with its pools in the database: companies, lawyers, frequent parties."""
    generator = Generator(district, seed, total, today, tz)
    start = generator.start
    company_specs = companies()
    company_pks = people_ensure(company_specs, credit_code_variant, start)
    for key, fields in company_specs:
        generator.companies.setdefault(key[0], []).append((company_pks[key], fields["name"]))
    lawyer_specs = lawyers()
    lawyer_pks = people_ensure(lawyer_specs, id_number_variant, start)
    generator.lawyers = [(lawyer_pks[key], fields["name"]) for key, fields in lawyer_specs]
    # About four cases per frequent party within a bucket, once there are enough cases.
    draws = total * 0.2 * POOL_BUCKET_DAYS / SPAN_DAYS
    generator.pool_size = max(1, round(draws / 4))
    specs = generator.frequent_pool_specs()
    pks = people_ensure(specs, id_number_variant, start)
    generator.pool = {
        key: (pks[key], p["name"], p["_grid"], bool(p["special_groups"]), p["address"])
        for key, p in specs
    }
    return generator
