"""How a page shows a person's ID number and phone number (PIPL).

Masked for everyone but the case's handling mediator and the centre staff who run
the case (``CaseAccess.unmasked``): ``110***********1234``, ``138****5678``. A page
gets a ``PersonalDataDisplay`` from ``services_access.personal_data_for`` (which logs
every unmasked view) and its template shows each value through the ``pd`` filter
(``mediation/templatetags/personal_data.py``). A template given no display masks.
"""

import dataclasses

# The fields that are masked, in the order they are logged.
PERSONAL_FIELDS = ("id_number", "phone")
KEEP_START, KEEP_END = 3, 4


def mask(value: str) -> str:
    """The first three and last four characters; a star for each one between."""
    value = (value or "").strip()
    if not value:
        return ""
    hidden = len(value) - KEEP_START - KEEP_END
    if hidden > 0:
        return value[:KEEP_START] + "*" * hidden + value[-KEEP_END:]
    # Too short to keep both ends: keep the last two at most.
    kept = 2 if len(value) > 4 else 0
    return "*" * (len(value) - kept) + value[len(value) - kept :]


@dataclasses.dataclass(frozen=True)
class PersonalDataDisplay:
    """Whether one page shows one case's personal data in full."""

    unmasked: bool = False

    def show(self, value: str) -> str:
        return value if self.unmasked else mask(value)


MASKED = PersonalDataDisplay(unmasked=False)


def shown_fields(person) -> list[str]:
    """The personal fields ``person`` has a value in."""
    return [field for field in PERSONAL_FIELDS if getattr(person, field, "")]


def people_of(parties) -> list:
    """The people (parties and their agents) whose data a list of case parties shows."""
    people = {}
    for party in parties:
        for person in (party.person, party.agent):
            if person is not None:
                people.setdefault(person.pk, person)
    return list(people.values())
