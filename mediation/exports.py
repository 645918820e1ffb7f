"""The case list as a CSV file: exports follow the same rules as the pages (issue 5).

The file holds the cases of the case list (``selectors.case_list`` with the list's own
filters), so it never shows a user more than the list does. ID and phone numbers follow
the pages' rule (``CaseAccess.unmasked``): in full only on the cases the user handles or
runs, masked on the others, and every person shown in full is written to the personal
data log before their row leaves the server.

The cases are read in chunks, each with its parties in one more query, and streamed, so
neither the queries nor the memory grow with the list. A list longer than ``ROW_LIMIT``
is refused (the user narrows the filters) rather than cut short without notice.

The file is for a spreadsheet: UTF-8 with a byte order mark (or Excel reads Chinese as
another encoding), and a cell that would be a formula, or a long number a spreadsheet
would round (an 18-digit ID number), is kept as text.
"""

import csv
import io
import itertools
from collections.abc import Iterable, Iterator
from urllib.parse import quote

from django.db.models import BooleanField, Count, ExpressionWrapper, Max, Prefetch, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import access, selectors
from .models import Case, CaseParty, PersonalDataAccess
from .personal_data import PersonalDataDisplay, shown_fields

# The most cases one file holds; a longer list is refused.
ROW_LIMIT = 50_000
# The cases read (and their parties prefetched) at a time.
CHUNK_SIZE = 500
BOM = "\ufeff"
# A spreadsheet reads a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_cases(*, user, filters: selectors.CaseFilters) -> QuerySet[Case]:
    """The cases of ``user``'s case list under ``filters``, in the list's order, each
    annotated with ``unmasked``: whether its ID and phone numbers are shown in full."""
    # Every case of the list is one the user sees; of those, the ones they handle or
    # run (``case_write_condition``) are exactly those whose ``CaseAccess.unmasked``
    # holds: the same conditions ``case_access`` tests, here for all cases in one query.
    unmasked = ExpressionWrapper(access.case_write_condition(user), output_field=BooleanField())
    parties = CaseParty.objects.select_related("person").order_by("id")
    return (
        selectors.case_list(user=user, filters=filters)
        .select_related("mediator")
        .annotate(unmasked=unmasked)
        .prefetch_related(Prefetch("parties", queryset=parties))
    )


def exceeds_limit(cases: QuerySet[Case]) -> bool:
    """Whether the list is longer than one file takes; counted no further than that."""
    return cases.values("pk").order_by()[: ROW_LIMIT + 1].count() > ROW_LIMIT


def case_export_lines(
    *, cases: QuerySet[Case], user, page: str, path: str, language: str
) -> Iterator[str]:
    """The CSV file of ``cases`` (from ``export_cases``), a chunk of lines at a time.

    The unmasked people of each chunk are logged, in one write, before the chunk is
    given out, with ``page`` (the URL's name) and ``path``. The lines are produced
    while the response streams, after the view has returned: in ``language``.
    """
    with translation.override(language):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        party_columns = max(_most_parties(cases), 1)
        writer.writerow(_header(party_columns))
        yield BOM + drain(buffer)
        for chunk in _chunks(cases.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
            log = []
            for case in chunk:
                parties = list(case.parties.all())
                writer.writerow(_row(case, parties))
                if case.unmasked:
                    log += _log_rows(case, parties, user=user, page=page, path=path)
            PersonalDataAccess.objects.bulk_create(log)
            yield drain(buffer)


def content_disposition() -> str:
    """The file as an attachment named in the user's language with today's date
    (案件清单-2026-11-21.csv): the UTF-8 name (RFC 6266, RFC 5987), and an ASCII one
    for a client that does not read it."""
    today = f"{timezone.localdate():%Y-%m-%d}"
    return attachment(f"{_('Case list')}-{today}.csv", ascii_name=f"cases-{today}.csv")


def attachment(name: str, *, ascii_name: str) -> str:
    """A ``Content-Disposition`` for a download named ``name``: as it is when it is
    ASCII, else in UTF-8 (RFC 6266, RFC 5987) with ``ascii_name`` for a client that
    does not read that."""
    if name.isascii():
        return f'attachment; filename="{name}"'
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def _most_parties(cases: QuerySet[Case]) -> int:
    """The most parties any of ``cases`` has: how many groups of party columns."""
    per_case = (
        CaseParty.objects.filter(case__in=cases.values("pk"))
        .values("case")
        .annotate(parties=Count("pk"))
    )
    return per_case.aggregate(most=Max("parties"))["most"] or 0


def _header(party_columns: int) -> list[str]:
    header = [
        _("Case number"),
        _("Summary"),
        _("Dispute type"),
        _("Channel"),
        _("Tier"),
        _("Status"),
        _("Handling organisation"),
        _("Mediator"),
        _("Reported at"),
        _("Due date"),
        _("Closed at"),
        _("Outcome"),
        _("Amount in dispute (yuan)"),
    ]
    for number in range(1, party_columns + 1):
        header += [
            _("Party %(number)d role") % {"number": number},
            _("Party %(number)d name") % {"number": number},
            _("Party %(number)d ID number or credit code") % {"number": number},
            _("Party %(number)d phone") % {"number": number},
        ]
    return header


def _row(case: Case, parties: list[CaseParty]) -> list[str]:
    display = PersonalDataDisplay(unmasked=bool(case.unmasked))
    row = [
        safe_text(case.number),
        safe_text(case.title),
        safe_text(case.get_dispute_type_display()),
        safe_text(case.get_channel_display()),
        safe_text(case.get_tier_display()),
        safe_text(case.get_status_display()),
        safe_text(case.handling_org.name),
        safe_text(_user_name(case.mediator)),
        _moment(case.reported_at),
        f"{case.due_at:%Y-%m-%d}" if case.due_at else "",
        _moment(case.closed_at),
        safe_text(case.get_outcome_display() if case.outcome else ""),
        "" if case.amount is None else str(case.amount),
    ]
    for party in parties:
        person = party.person
        # As on the case page: an ID number is personal data, a credit code is public.
        identity = display.show(person.id_number) if person.id_number else person.credit_code
        row += [
            safe_text(party.get_role_display()),
            safe_text(person.name),
            _number(identity),
            _number(display.show(person.phone)),
        ]
    return row


def _log_rows(case, parties, *, user, page, path) -> list[PersonalDataAccess]:
    return [
        PersonalDataAccess(
            user=user, case=case, person=party.person, fields=fields, page=page, path=path
        )
        for party in parties
        if (fields := shown_fields(party.person))
    ]


def safe_text(value) -> str:
    """A cell that a spreadsheet shows as it is, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _number(value: str) -> str:
    """An ID, credit code or phone number. All digits, a spreadsheet would read it as a
    number, rounding an ID number (1.10101E+17) and dropping a landline's leading zero;
    a leading tab keeps it as text."""
    text = safe_text(value)
    return "\t" + text if text.isdigit() else text


def _moment(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def _user_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


__all__ = [
    "CHUNK_SIZE",
    "ROW_LIMIT",
    "case_export_lines",
    "content_disposition",
    "exceeds_limit",
    "export_cases",
]
