"""Made-up people and companies for the demo district, with numbers that pass their checks.

Every function draws from the ``random.Random`` it is given, so the same seed makes the
same person. Identity numbers follow GB 11643 (the sex in the sequence code, the check
character) and credit codes GB 32100 (with a GB 11714 organisation code inside).
"""

import bisect
import datetime
import itertools
import random
from typing import NamedTuple

from .demo_data import (
    COMPANY_BRANDS,
    COMPANY_KINDS,
    GIVEN_NAMES,
    LANDLINE_PREFIX,
    LAW_FIRMS,
    LAWYER_COUNT,
    LOCAL_REGIONS,
    MIGRANT_REGIONS,
    MOBILE_PREFIXES,
    SURNAMES,
)
from .validators import credit_code_check_char, id_number_check_char

ROADS = ("锦绣大道", "繁华大道", "莲花路", "紫云路", "汤口路", "芙蓉路", "翠微路", "始信路")
# Sequence codes (digits 15-17 of an identity number) by who uses them, so that a person
# drawn for one case can never take the number of a person kept in a shared pool.
SEQ_ONE_OFF = (0, 800)
SEQ_FREQUENT = (800, 900)
SEQ_LAWYER = (900, 1000)

_SURNAME_CUM = tuple(itertools.accumulate(1.0 / (k + 6) for k in range(len(SURNAMES))))
_GIVEN = {key: tuple(names.split()) for key, names in GIVEN_NAMES.items()}
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


class Place(NamedTuple):
    """Where a grid is, for making up addresses in it."""

    street: str
    community: str
    is_town: bool
    ordinal: int  # the grid's number within its community, from 1


def surname(rng: random.Random) -> str:
    return SURNAMES[bisect.bisect(_SURNAME_CUM, rng.random() * _SURNAME_CUM[-1])]


def given_name(rng: random.Random, *, male: bool, birth_year: int) -> str:
    generation = "old" if birth_year < 1960 else "mid" if birth_year < 1985 else "young"
    return rng.choice(_GIVEN[(generation, "m" if male else "f")])


def birth_date(rng: random.Random, *, on: datetime.date, min_age: int, max_age: int):
    """Most parties are of working age; few are very old."""
    mode = min(max(min_age, 40), max_age)
    year = on.year - int(rng.triangular(min_age, max_age + 1, mode))
    return datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))


def age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def id_number(rng, *, region: str, birth: datetime.date, male: bool, seq=SEQ_ONE_OFF) -> str:
    # The last digit of the sequence code is odd for a man and even for a woman.
    code = rng.randrange(seq[0] // 2, seq[1] // 2) * 2 + (1 if male else 0)
    return id_number_from(region, birth, code)


def id_number_from(region: str, birth: datetime.date, code: int) -> str:
    first17 = f"{region}{birth:%Y%m%d}{code:03d}"
    return first17 + id_number_check_char(first17)


def id_number_variant(number: str, k: int) -> str:
    """The ``k``-th fall-back for a pooled person's ``number`` (``k`` = 0: the number itself).

    It keeps the region, the birth date, the sex and the hundred of the sequence code,
    so a frequent party stays a frequent party and a lawyer a lawyer.
    """
    if not k:
        return number
    code = int(number[14:17])
    base = code - code % 100
    birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    return id_number_from(number[:6], birth, base + (code - base + 2 * k) % 100)


def mobile(rng: random.Random) -> str:
    return f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(100_000_000):08d}"


def landline(rng: random.Random) -> str:
    return f"{LANDLINE_PREFIX}{rng.randrange(10_000_000):07d}"


def organisation_code(serial: int) -> str:
    """A GB 11714 organisation code: eight digits and a check character."""
    body = f"{serial:08d}"
    check = 11 - sum(int(c) * w for c, w in zip(body, _ORG_CODE_WEIGHTS, strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def credit_code(prefix: str, serial: int, region: str = "340100") -> str:
    first17 = f"{prefix}{region}{organisation_code(serial)}"
    return first17 + credit_code_check_char(first17)


def home_address(rng: random.Random, place: Place) -> str:
    if place.is_town:
        group = (place.ordinal - 1) * 4 + rng.randint(1, 4)
        return f"{place.street}{place.community}{group}组{rng.randint(1, 80)}号"
    building = (place.ordinal - 1) * 12 + rng.randint(1, 12)
    unit, floor, room = rng.randint(1, 4), rng.randint(1, 18), rng.randint(1, 4)
    return f"{place.street}{place.community}{building}栋{unit}单元{floor}{room:02d}室"


def street_address(rng: random.Random, prefix: str = "经开区") -> str:
    return f"{prefix}{rng.choice(ROADS)}{rng.randint(1, 399)}号"


def natural_person(
    rng: random.Random,
    *,
    on: datetime.date,
    place: Place | None,
    family_name: str = "",
    min_age: int = 20,
    max_age: int = 82,
    migrant: bool = False,
    with_id: bool = True,
    with_phone: bool = True,
    seq=SEQ_ONE_OFF,
) -> dict:
    """A natural person's Person fields; special groups follow from age and origin."""
    male = rng.random() < 0.55
    birth = birth_date(rng, on=on, min_age=min_age, max_age=max_age)
    age = age_on(birth, on)
    region = rng.choice(MIGRANT_REGIONS if migrant else LOCAL_REGIONS)
    groups = []
    if age >= 70:
        groups.append("elderly")
    elif age < 18:
        groups.append("minor")
    if migrant and rng.random() < 0.6:
        groups.append("migrant_worker")
    roll = rng.random()
    if roll < 0.01:
        groups.append("disabled")
    elif roll < 0.017 and age >= 35:
        groups.append("veteran")
    elif roll < 0.03:
        groups.append("hardship")
    return {
        "kind": "natural",
        "name": (family_name or surname(rng)) + given_name(rng, male=male, birth_year=birth.year),
        "id_number": id_number(rng, region=region, birth=birth, male=male, seq=seq)
        if with_id
        else "",
        "credit_code": "",
        "legal_representative": "",
        "phone": mobile(rng) if with_phone else "",
        "address": home_address(rng, place) if place else "",
        "special_groups": groups,
        # Not a Person field: lets the case pick fitting agents and relations.
        "_male": male,
    }


def lawyers() -> list[tuple[tuple, dict]]:
    """The district's lawyers who act as agents: (key, Person fields), the same for every seed."""
    people = []
    for k in range(LAWYER_COUNT):
        rng = random.Random(f"lawyer:{k}")
        person = natural_person(
            rng, on=datetime.date(2024, 1, 1), place=None, min_age=28, max_age=60, seq=SEQ_LAWYER
        )
        person["address"] = street_address(rng) + LAW_FIRMS[k % len(LAW_FIRMS)]
        people.append((("lawyer", k), person))
    return people


def companies() -> list[tuple[tuple, dict]]:
    """Legal persons by the part they play: ((kind, n), Person fields), the same for every seed."""
    result, serial = [], 0
    for kind, patterns in COMPANY_KINDS.items():
        n = 0
        for pattern, prefix in patterns:
            for brand in COMPANY_BRANDS if "{brand}" in pattern else ("",):
                serial += 1
                rng = random.Random(f"company:{serial}")
                representative = surname(rng) + given_name(
                    rng, male=rng.random() < 0.7, birth_year=rng.randint(1960, 1990)
                )
                result.append(
                    (
                        (kind, n),
                        {
                            "kind": "legal",
                            "name": pattern.format(brand=brand),
                            "id_number": "",
                            "credit_code": credit_code(prefix, 10_000 + serial),
                            "legal_representative": representative,
                            "phone": landline(rng),
                            "address": street_address(rng),
                            "special_groups": [],
                        },
                    )
                )
                n += 1
    return result


def credit_code_variant(code: str, k: int) -> str:
    """The ``k``-th fall-back for a pooled company's credit ``code`` (0: the code itself)."""
    if not k:
        return code
    return credit_code(code[:2], int(code[8:16]) + 100_000 * k, code[2:8])
