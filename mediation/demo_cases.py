"""Make up one demo case from its index: its dispute, parties, dates, status and history.

A case depends only on the seed, its index, the run's size and ``today`` (and on the
district and pools, which are the same each time), never on the cases before it, so a
run can skip the cases that exist and resume anywhere. The case number is given later,
in order, by the writer (``mediation/demo_bulk.py``).
"""

import bisect
import dataclasses
import datetime
import functools
import itertools
import json
import math
import random
import uuid
from decimal import Decimal

from django.conf import settings

from . import deadlines
from .demo_data import ORG_NAMES
from .demo_district import District
from .demo_people import SEQ_FREQUENT, Place, natural_person, street_address
from .demo_texts import (
    AGENT_RELATIONS_FAMILY,
    CHANNEL_WEIGHTS,
    MIN_TIER,
    REDIRECT_TO,
    REJECT_REASONS,
    TEMPLATES,
    TIER_WEIGHTS,
    TIER_WEIGHTS_BY_CHANNEL,
    TYPE_WEIGHTS,
)
from .models import AuditAction as A
from .models import CaseStatus as S

SPAN_DAYS = 548  # about eighteen months before --today
POOL_BUCKET_DAYS = 60  # frequent parties come back within this many days
# Frequent parties do not depend on --today, so a run on another day finds them again.
POOL_BIRTHS_BEFORE = datetime.date(2025, 1, 1)
_json = functools.partial(json.dumps, ensure_ascii=False)
_NUMBERED = (A.CASE_REPORTED, A.CASE_MERGED)
_NAMESPACE = uuid.UUID("6f1d3c1e-58a4-4d1b-9a51-2c0e7a0d2026")


def _cum(weights: dict) -> tuple[tuple, tuple]:
    return tuple(weights), tuple(itertools.accumulate(weights.values()))


def _pick(rng: random.Random, table: tuple[tuple, tuple]):
    """A weighted choice from a ``_cum`` table; quicker than ``rng.choices``."""
    keys, cum = table
    return keys[bisect.bisect(cum, rng.random() * cum[-1])]


TYPES = _cum(TYPE_WEIGHTS)
CHANNELS = _cum(CHANNEL_WEIGHTS)
TIERS_BY_CHANNEL = {channel: _cum(w) for channel, w in TIER_WEIGHTS_BY_CHANNEL.items()}
TIERS_DEFAULT = _cum(TIER_WEIGHTS)
TIER_ORDER = ("micro", "small", "medium", "hard")
# How far an open case has got: -1 not accepted yet, 0 accepted ... 3 outcome recorded.
REACHED = _cum({-1: 2, 0: 2, 1: 2, 2: 3, 3: 2})


def case_token(seed: int, index: int) -> uuid.UUID:
    """The case's intake token: a second run finds the case instead of adding it again."""
    return uuid.uuid5(_NAMESPACE, f"seed_demo:{seed}:{index}")


def _office(at: datetime.datetime) -> datetime.datetime:
    """Staff act in office hours: a time outside 08:00-18:00 moves to the next morning."""
    if at.hour < 8:
        return at.replace(hour=8)
    if at.hour >= 18:
        return (at + datetime.timedelta(days=1)).replace(hour=8)
    return at


@dataclasses.dataclass
class CaseDraft:
    index: int
    centre_pk: int
    year: int
    case: dict  # Case fields but id, number and serial
    people: list[dict]  # new Person fields; a party refers to them as -1, -2, ...
    parties: list[tuple[str, int, int | None, str]]  # role, person, agent, relation
    events: list[tuple[str, int | None, datetime.datetime, dict]]  # action, actor, at, data


@dataclasses.dataclass
class Generator:
    district: District
    seed: int
    total: int
    today: datetime.date
    tz: datetime.tzinfo
    # Filled once the pooled people are in the database (seed_demo's _generator):
    pool: dict = dataclasses.field(default_factory=dict)  # key → pk, name, grid, priority, home
    pool_size: int = 1  # frequent parties per bucket
    companies: dict = dataclasses.field(default_factory=dict)  # kind → [(pk, name)]
    lawyers: list = dataclasses.field(default_factory=list)  # [(pk, name)]

    def __post_init__(self):
        self._due = functools.cache(deadlines.tier_due_date)
        self.as_of = datetime.datetime.combine(self.today, datetime.time(), self.tz)
        self.start = self.as_of - datetime.timedelta(days=SPAN_DAYS)
        self.deadline_days = settings.MEDIATION["TIER_DEADLINE_DAYS"]
        orgs = self.district.orgs
        self.district_pk = orgs["jk"].pk
        self.users = self.district.users
        self.names = self.district.user_names

    # When.

    def reported_at(self, index: int, u: float) -> datetime.datetime:
        """Monotone in the index, so numbers follow dates; busier towards today."""
        p = (index + u) / self.total
        c = 0.1  # use grew tenfold since the pilot eighteen months ago
        f = (math.sqrt(c * c + (1 - c * c) * p) - c) / (1 - c)
        x = min(f, 0.999999) * SPAN_DAYS
        day = int(x)
        minutes = 450 + (x - day) * 780  # between 07:30 and 20:30
        return self.start + datetime.timedelta(days=day, minutes=minutes)

    # Who.

    def frequent_pool_specs(self) -> list[tuple[tuple, dict]]:
        specs = []
        for bucket in range(SPAN_DAYS // POOL_BUCKET_DAYS + 1):
            for member in range(self.pool_size):
                rng = random.Random(f"{self.seed}:pool:{bucket}:{member}")
                grid_index = rng.randrange(len(self.district.grids))
                person = natural_person(
                    rng,
                    on=POOL_BIRTHS_BEFORE,
                    place=self.district.grids[grid_index].place,
                    seq=SEQ_FREQUENT,
                )
                person["_grid"] = grid_index
                specs.append(((bucket, member), person))
        return specs

    def _person(self, draft, rng, at, place: Place | None, **options) -> tuple[int, dict]:
        person = natural_person(rng, on=at.date(), place=place, **options)
        person["created_at"] = at
        draft.people.append(person)
        return -len(draft.people), person

    def _agent(self, draft, rng, at, party: dict | None) -> tuple[int | None, str]:
        """Maybe an agent for a party: a relative for the old and the young, else a lawyer."""
        groups = party["special_groups"] if party else []
        if party and "minor" in groups:
            ref, agent = self._person(draft, rng, at, None, family_name=party["name"][0])
            return ref, f"法定代理人（{'父亲' if agent['_male'] else '母亲'}）"
        if party and "elderly" in groups and rng.random() < 0.5:
            ref, agent = self._person(
                draft, rng, at, None, family_name=party["name"][0], max_age=55, with_id=False
            )
            relation = "儿子" if agent["_male"] else "女儿"
            return ref, f"委托代理人（{rng.choice((relation, *AGENT_RELATIONS_FAMILY[2:]))}）"
        if rng.random() < (0.3 if party is None else 0.07):
            pk, _ = rng.choice(self.lawyers)
            return pk, "委托代理人（律师）"
        if party is None and rng.random() < 0.3:
            ref, _ = self._person(draft, rng, at, None, with_id=False)
            return ref, "委托代理人（公司员工）"
        return None, ""

    # The case.

    def draft(self, index: int) -> CaseDraft:
        rng = random.Random(f"{self.seed}:{index}")
        at = self.reported_at(index, rng.random())
        dispute_type = _pick(rng, TYPES)
        template = rng.choice(TEMPLATES[dispute_type])
        amount = None
        if template.amount:
            low, high, step = template.amount
            amount = int(low * (high / low) ** rng.random()) // step * step or low
        channel = _pick(rng, CHANNELS)
        level = TIER_ORDER.index(_pick(rng, TIERS_BY_CHANNEL.get(channel, TIERS_DEFAULT)))
        money = 0 if not amount else 1 if amount < 100_000 else 2 if amount < 500_000 else 3
        tier = TIER_ORDER[max(level, MIN_TIER.get(dispute_type, 0), money)]
        draft = CaseDraft(index, 0, at.year, {}, [], [], [])
        grids = self.district.grids
        bucket = (self.today - at.date()).days // POOL_BUCKET_DAYS
        priority = False

        # The applicant: now and then a frequent party, who brings their grid along.
        frequent = None
        if "elder" not in template.flags and "migrant" not in template.flags:
            if rng.random() < 0.15:
                frequent = self.pool.get((bucket, rng.randrange(self.pool_size)))
        if frequent:
            applicant_ref, applicant_name, grid_index, priority, home = frequent
            applicant = None
        else:
            grid_index = rng.randrange(len(grids))
            applicant_ref, applicant = self._person(
                draft,
                rng,
                at,
                grids[grid_index].place,
                min_age=65 if "elder" in template.flags else 20,
                max_age=90 if "elder" in template.flags else 80,
                migrant="migrant" in template.flags and rng.random() < 0.8,
                with_id=rng.random() < 0.7,
            )
            if rng.random() < 0.01 and dispute_type in ("traffic", "medical", "other"):
                applicant["special_groups"] = ["minor"]
                applicant["id_number"] = ""
            applicant_name, home = applicant["name"], applicant["address"]
        grid = grids[grid_index]

        # The respondent: a company, a frequent party, or someone new.
        if template.respondent:
            respondent_ref, respondent_name = rng.choice(self.companies[template.respondent])
            respondent = None
        else:
            other = self.pool.get((bucket, rng.randrange(self.pool_size)))
            if other and other[0] != applicant_ref and rng.random() < 0.05:
                respondent_ref, respondent_name, _, other_priority, _ = other
                priority = priority or other_priority
                respondent = None
            else:
                kin = "kin" in template.flags
                respondent_ref, respondent = self._person(
                    draft,
                    rng,
                    at,
                    grid.place if rng.random() < 0.8 else None,
                    family_name=applicant_name[0] if kin else "",
                    max_age=60 if kin else 80,
                    with_id=rng.random() < 0.3,
                    with_phone=rng.random() < 0.6,
                )
                respondent_name = respondent["name"]
        agent, relation = self._agent(draft, rng, at, applicant)
        draft.parties.append(("applicant", applicant_ref, agent, relation))
        agent, relation = self._agent(draft, rng, at, respondent)
        draft.parties.append(("respondent", respondent_ref, agent, relation))
        party_names = [applicant_name, respondent_name]
        if "insurer" in template.flags:
            insurer_ref, insurer_name = rng.choice(self.companies["insurer"])
            draft.parties.append(("third_party", insurer_ref, None, ""))
            party_names.append(insurer_name)
        for party in (applicant, respondent):
            priority = priority or bool(party and party["special_groups"])

        # Where it is handled, and so which register numbers it.
        if tier != "micro" and channel not in ("grid", "patrol") and rng.random() < 0.08:
            grid_pk = None  # reported from outside the grid system
        else:
            grid_pk = grid.pk
        handling_pk, handling_name = {
            "micro": (grid.pk, ORG_NAMES[grid.code]),
            "small": (grid.community_pk, grid.community_name),
            "medium": (grid.centre_pk, grid.centre_name),
            "hard": (self.district_pk, ORG_NAMES["jk"]),
        }[tier]
        draft.centre_pk = self.district_pk if tier == "hard" else grid.centre_pk
        staff = self.users["centre"] if tier == "hard" else grid.street_staff

        location = home or street_address(rng, grid.place.street + grid.place.community)
        description = template.text.format(
            a=applicant_name,
            r=respondent_name,
            loc=location,
            amount=f"{amount:,}" if amount else "",
            n=rng.randint(2, 30),
            months=rng.randint(2, 11),
            years=rng.randint(1, 20),
            community=grid.place.community,
        )
        reporter = {
            "grid": grid.worker,
            "patrol": grid.street_staff,
            "walk_in": staff,
            "hotline_12345": self.users["centre"],
            "police_110": self.users["police"],
            "petition": self.users["petition"],
            "court": self.users["clerk"],
        }.get(channel)
        due = self._due(at.date(), tier)
        draft.case = {
            "title": f"{applicant_name}与{respondent_name}{template.label}",
            "description": description,
            "dispute_type": dispute_type,
            "channel": channel,
            "tier": tier,
            "status": S.REPORTED,
            "outcome": "",
            "amount": Decimal(f"{amount}.00") if amount else None,
            "grid_id": grid_pk,
            "location": location,
            "handling_org_id": handling_pk,
            "is_priority": priority,
            "reported_by_id": reporter,
            "reported_at": at,
            "accepted_at": None,
            "due_at": due,
            "closed_at": None,
            "intake_token": case_token(self.seed, index),
        }
        events = draft.events
        # The writer puts the case number first, as services.case_report does.
        data = {"channel": channel, "handling_org": handling_name}
        events.append((A.CASE_REPORTED, reporter, at, data))
        for (role, *_), name in zip(draft.parties, party_names, strict=True):
            events.append((A.PARTY_ADDED, reporter, at, {"role": role, "name": name}))
        self._history(draft, rng, at, tier, dispute_type, channel, staff, grid, handling_name)
        # JSON columns travel as JSON text, written here rather than by the busier writer;
        # the writer adds the case number to the events that need it.
        for person in draft.people:
            person["special_groups"] = _json(person["special_groups"])
        draft.events = [
            (action, actor, when, data if action in _NUMBERED else _json(data))
            for action, actor, when, data in draft.events
        ]
        return draft

    def _history(self, draft, rng, at, tier, dispute_type, channel, staff, grid, handling_name):
        """Status, dates and audit events, as far as the case has come by --today."""
        case, events, hour = draft.case, draft.events, datetime.timedelta(hours=1)
        age = (self.as_of - at).total_seconds() / 86400
        roll = rng.random()
        if roll < 0.08:  # not accepted, sent elsewhere, or a duplicate
            decided = _office(at + rng.uniform(1, 48) * hour)
            if decided >= self.as_of:
                return
            if roll < 0.03:
                status, action, data = (
                    S.REJECTED,
                    A.CASE_REJECTED,
                    {"reason": rng.choice(REJECT_REASONS)},
                )
            elif roll < 0.065:
                target = REDIRECT_TO[dispute_type]
                status, action, data = S.REDIRECTED, A.CASE_REDIRECTED, {"to": ORG_NAMES[target]}
            else:
                status, action, data = S.MERGED, A.CASE_MERGED, {"into": ""}
            case.update(status=status, closed_at=decided)
            events.append((action, staff, decided, data))
            return

        days = self.deadline_days[tier]
        # Most cases finish within the deadline, some late.
        span = days * (rng.uniform(0.15, 0.95) if rng.random() < 0.85 else rng.uniform(1.05, 2.5))
        accepted = _office(at + rng.uniform(0.3, 26) * hour)
        dispatched = _office(accepted + rng.uniform(0.2, 20) * hour)
        mediating = _office(dispatched + rng.uniform(2, 24 * max(1.0, 0.2 * days)) * hour)
        outcome_at = _office(max(at + datetime.timedelta(days=span), mediating + 2 * hour))
        closed = _office(outcome_at + rng.uniform(2, 72) * hour)
        times = [accepted, dispatched, mediating, outcome_at, closed]
        # Many recent cases, and a few old ones (积案), are still open today: they have
        # got as far as some step, at times spread over their life so far.
        if rng.random() < (0.6 if age < 30 else 0.12 if age < 90 else 0.01):
            reached = _pick(rng, REACHED)
            life = self.as_of - at
            times = sorted(_office(at + life * rng.random()) for _ in range(reached + 1))
            accepted = times[0] if times else accepted
        outcome = "agreement" if rng.random() < 0.82 else "terminated"
        if tier == "micro":
            mediator = grid.worker
        elif tier == "small":
            mediator = grid.committee_staff
        else:
            mediator = rng.choice(self._mediators(dispute_type, channel, grid))
        due, mediator_name = case["due_at"].isoformat(), self.names[mediator]
        steps = (
            (S.ACCEPTED, A.CASE_ACCEPTED, staff, accepted, {"tier": tier, "due_at": due}),
            (S.DISPATCHED, A.CASE_DISPATCHED, staff, dispatched, {"to": handling_name}),
            (S.MEDIATING, A.CASE_MEDIATING, mediator, mediating, {"mediator": mediator_name}),
            (S.VERIFYING, A.CASE_OUTCOME, mediator, outcome_at, {"outcome": outcome}),
            (S.CLOSED, A.CASE_CLOSED, staff, closed, {"outcome": outcome}),
        )  # fmt: skip
        for (status, action, actor, _, data), when in zip(steps, times, strict=False):
            if when >= self.as_of:
                break
            case["status"] = status
            events.append((action, actor, when, data))
        if case["status"] != S.REPORTED:
            case["accepted_at"] = accepted
        if case["status"] in (S.VERIFYING, S.CLOSED):
            case["outcome"] = outcome
        if case["status"] == S.CLOSED:
            case["closed_at"] = closed

    def _mediators(self, dispute_type: str, channel: str, grid) -> list[int]:
        mediators = self.district.mediators
        if dispute_type == "medical":
            return mediators["jk-sfj-ytw"]
        if dispute_type == "traffic":
            return mediators["jk-court-sdzx-bxtj" if channel == "court" else "jk-sfj-jtw"]
        if channel == "court":
            return mediators["jk-court-sdzx-lsts"]
        if dispute_type == "property_management" and grid.street_index == 1:
            return mediators["jk-court-sdzx-wytj"] + mediators["jk-sfj-hb-tjw"]
        street = ("th", "hb", "zp")[grid.street_index]
        return mediators.get(f"jk-sfj-{street}-tjw") or mediators["jk-sfj-th-tjw"]
