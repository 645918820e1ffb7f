"""Build the demo district: organisations, logins, mediators and the people kept in pools.

Each step looks up what is already there (organisations by code, users by username,
people by identity number or credit code) and creates only what is missing, so that
running ``seed_demo`` again changes nothing.
"""

import dataclasses
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from . import services
from .demo_bulk import people_insert, rows_matching
from .demo_data import (
    DEMO_PASSWORD,
    DISTRICT,
    GRIDS_PER_COMMUNITY,
    LOGIN_SPECS,
    MEDIATORS,
    OTHER_ORGS,
    STREETS,
    OrgSpec,
    community_org_name,
    grid_name,
    street_centre_name,
)
from .demo_people import Place, given_name, surname
from .models import AuditAction, MediatorProfile, Organisation, OrgKind, Person, Role

FALLBACKS = 8  # numbers to try for a pooled person before giving up


@dataclasses.dataclass(frozen=True)
class Grid:
    """A grid with what a case in it needs: its place, its tree and its people."""

    pk: int
    code: str
    place: Place
    community_pk: int
    community_name: str
    street_index: int
    centre_pk: int  # the street centre that registers its cases
    centre_name: str
    worker: int  # user pks
    committee_staff: int
    street_staff: int


@dataclasses.dataclass
class District:
    orgs: dict[str, Organisation]
    users: dict[str, int]  # username → pk
    user_names: dict[int, str]  # pk → full name, Chinese order
    grids: list[Grid]
    mediators: dict[str, list[int]]  # organisation code → pks of active mediators


def organisation_specs() -> list[OrgSpec]:
    """Every organisation of the district, parents before children."""
    specs = [DISTRICT]
    for street in STREETS:
        street_code = f"jk-{street.code}"
        specs.append(
            OrgSpec(
                street_code,
                street_centre_name(street),
                OrgKind.STREET_CENTRE,
                "jk",
                street.short_name,
                f"经开区{street.name}便民服务中心二楼",
            )
        )
        for code, community in street.communities:
            community_code = f"{street_code}-{code}"
            specs.append(
                OrgSpec(
                    community_code,
                    community_org_name(street, community),
                    OrgKind.COMMITTEE,
                    street_code,
                    "",
                    f"{street.name}{community}党群服务中心",
                )
            )
            specs.extend(
                OrgSpec(
                    f"{community_code}-{n:02d}",
                    grid_name(community, n),
                    OrgKind.GRID,
                    community_code,
                )
                for n in range(1, GRIDS_PER_COMMUNITY + 1)
            )
    specs.extend(OTHER_ORGS)
    return specs


def _staff_logins() -> list[tuple[str, str, str]]:
    """(username, role, organisation code) for every login, the named ones first."""
    logins = [(s.username, s.role, s.org_code) for s in LOGIN_SPECS]
    named = {(role, code) for _, role, code in logins}
    counters = {Role.CENTRE_STAFF: 1, Role.COMMITTEE_STAFF: 1, Role.GRID_WORKER: 1}
    prefixes = {
        Role.CENTRE_STAFF: "street",
        Role.COMMITTEE_STAFF: "committee",
        Role.GRID_WORKER: "grid",
    }
    for spec in organisation_specs():
        role = {
            OrgKind.STREET_CENTRE: Role.CENTRE_STAFF,
            OrgKind.COMMITTEE: Role.COMMITTEE_STAFF,
            OrgKind.GRID: Role.GRID_WORKER,
        }.get(spec.kind)
        if role and (role, spec.code) not in named:
            counters[role] += 1
            logins.append((f"{prefixes[role]}{counters[role]:02d}", role, spec.code))
    logins.extend(
        (m.username, Role.MEDIATOR, m.org_code) for m in MEDIATORS if m.username != "mediator"
    )
    return logins


def _names(username: str) -> tuple[str, str]:
    for spec in (*LOGIN_SPECS, *MEDIATORS):
        if spec.username == username:
            return spec.surname, spec.given_name
    rng = random.Random(f"staff:{username}")
    return surname(rng), given_name(
        rng, male=rng.random() < 0.5, birth_year=rng.randint(1965, 1998)
    )


@transaction.atomic
def district_build() -> District:
    orgs = {o.code: o for o in Organisation.objects.all()}
    for spec in organisation_specs():
        if spec.code not in orgs:
            orgs[spec.code] = services.organisation_create(
                code=spec.code,
                name=spec.name,
                kind=spec.kind,
                parent=orgs[spec.parent] if spec.parent else None,
                short_name=spec.short_name,
                address=spec.address,
                phone=spec.phone,
            )

    User = get_user_model()
    existing = {
        u.username: u for u in User.objects.filter(username__in=[u for u, *_ in _staff_logins()])
    }
    password = make_password(DEMO_PASSWORD)  # hashed once: every demo login shares it
    users = {}
    for username, role, org_code in _staff_logins():
        user = existing.get(username)
        if user is None:
            surname, given = _names(username)
            # Django's get_full_name() puts the first name first, with a space; a Chinese
            # name is written surname-first and unspaced, so the whole name goes in one field.
            user = User.objects.create(
                username=username,
                first_name=f"{surname}{given}",
                password=password,
                is_staff=not role,
                is_superuser=not role,
            )
        users[username] = user
        if role:
            services.membership_grant(user=user, organisation=orgs[org_code], role=role)

    mediators: dict[str, list[int]] = {}
    for spec in MEDIATORS:
        user = users[spec.username]
        _, created = MediatorProfile.objects.get_or_create(
            user=user,
            defaults={
                "organisation": orgs[spec.org_code],
                "specialties": spec.specialties,
                "dispute_types": list(spec.dispute_types),
                "charges_fee": spec.charges_fee,
                "is_invited": spec.is_invited,
                "bio": spec.bio,
                "status": spec.status,
            },
        )
        if created:
            services.audit_record(
                action=AuditAction.MEDIATOR_REGISTERED,
                user=spec.username,
                organisation=spec.org_code,
            )
        if spec.status == "active":
            mediators.setdefault(spec.org_code, []).append(user.pk)

    return District(
        orgs=orgs,
        users={name: user.pk for name, user in users.items()},
        user_names={u.pk: u.get_full_name() for u in users.values()},
        grids=_grids(orgs, users),
        mediators=mediators,
    )


def _grids(orgs: dict[str, Organisation], users: dict) -> list[Grid]:
    by_org = {}
    for username, role, org_code in _staff_logins():
        by_org.setdefault((org_code, role), users[username].pk)
    grids = []
    for street_index, street in enumerate(STREETS):
        centre = orgs[f"jk-{street.code}"]
        for code, community in street.communities:
            community_org = orgs[f"jk-{street.code}-{code}"]
            for n in range(1, GRIDS_PER_COMMUNITY + 1):
                grid = orgs[f"{community_org.code}-{n:02d}"]
                grids.append(
                    Grid(
                        pk=grid.pk,
                        code=grid.code,
                        place=Place(street.name, community, street.is_town, n),
                        community_pk=community_org.pk,
                        community_name=community_org.name,
                        street_index=street_index,
                        centre_pk=centre.pk,
                        centre_name=centre.name,
                        worker=by_org[(grid.code, Role.GRID_WORKER)],
                        committee_staff=by_org[(community_org.code, Role.COMMITTEE_STAFF)],
                        street_staff=by_org[(centre.code, Role.CENTRE_STAFF)],
                    )
                )
    return grids


def people_ensure(specs: list[tuple[tuple, dict]], variant, created_at) -> dict[tuple, int]:
    """Find or create people kept in a pool; returns key → Person pk.

    Each person is known by an identity number or credit code; ``variant(value, k)``
    gives fall-backs. A number already held by someone of the same name is that person;
    one held by someone else (a real party typed in through the intake form) is skipped.
    """
    field = "credit_code" if specs and specs[0][1]["kind"] == "legal" else "id_number"
    found, taken, new, pending = {}, set(), [], specs
    for k in range(FALLBACKS):
        if not pending:
            break
        wanted = {key: variant(fields[field], k) for key, fields in pending}
        held = {
            value: (pk, name)
            for pk, value, name in rows_matching(
                Person, field, list(wanted.values()), "pk", field, "name", blank_free=True
            )
        }
        later = []
        for key, fields in pending:
            value = wanted[key]
            if value in taken or (value in held and held[value][1] != fields["name"]):
                later.append((key, fields))
                continue
            taken.add(value)
            if value in held:
                found[key] = held[value][0]
            else:
                new.append((key, {**fields, field: value, "created_at": created_at}))
        pending = later
    if pending:
        raise RuntimeError(f"no free identity number for {len(pending)} pooled people")
    ids = people_insert([fields for _, fields in new])
    found.update((key, pk) for (key, _), pk in zip(new, ids, strict=True))
    return found


__all__ = ["District", "Grid", "district_build", "people_ensure"]
