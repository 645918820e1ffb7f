# ruff: noqa: E501 -- the tables read as tables, one row a line.
"""The permission matrix of issue 5: every URL of the project, as every role, against a
case in every relationship to that role, asserted against one table.

The URLs come from walking the resolver (``matrix_world.project_urls``), so a new URL
is asked about automatically, and fails here until the table says what it allows.
"""

import logging

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from viewflow.workflow.models import Process, Task

from documents.models import Document, PortalLink
from mediation.models import MediatorProfile
from mediation.models.handoffs import PetitionReferral, PoliceReferral
from mediation.models.referrals import Referral
from mediation.models.sessions import MediationSession

from . import matrix_api, matrix_dashboard, matrix_notifications
from .matrix_world import RELATIONSHIPS, build_world, fingerprint, in_savepoint, project_urls

# The roles, and for each the case in each relationship to it (RELATIONSHIPS order):
# own (it handles, runs, leads or referred it), subtree (below its post, or reported in
# its grid), referred (referred by a body other than its own), summoned (a joint
# consultation summons a department), unrelated (same district, another line), and a
# case of another district.
CASES = {
    "director": ("led_case", "street_case", "court_case", "summoned_case", "other_street_case"),
    "centre_staff": ("led_case", "street_case", "court_case", "summoned_case", "other_street_case"),
    "street_staff": ("street_case", "grid_case", "police_case", "summoned_case", "other_street_case"),
    "committee_staff": ("community_case", "grid_case", "police_case", "summoned_case", "other_street_case"),
    "grid_worker": ("grid_case", "street_case", "police_case", "summoned_case", "other_street_case"),
    "mediator": ("mediated_case", "street_case", "police_case", "summoned_case", "other_street_case"),
    "leader": ("led_case", "street_case", "court_case", "summoned_case", "other_street_case"),
    "clerk": ("court_case", "street_case", "police_case", "summoned_case", "other_street_case"),
    "judge": ("court_case", "street_case", "police_case", "summoned_case", "other_street_case"),
    "police_officer": ("police_case", "street_case", "petition_case", "summoned_case", "other_street_case"),
    "petition_staff": ("petition_case", "street_case", "police_case", "summoned_case", "other_street_case"),
    "justice_staff": ("committee_case", "street_case", "police_case", "summoned_case", "other_street_case"),
    "liaison": ("summoned_case", "street_case", "police_case", "summoned_case", "other_street_case"),
    "party_user": ("street_case", "grid_case", "police_case", "summoned_case", "other_street_case"),
    "anonymous": ("street_case", "grid_case", "police_case", "summoned_case", "other_street_case"),
}  # fmt: skip
# Every role's case of another district is the same one.
CASES = {role: (*names, "foreign_case") for role, names in CASES.items()}

# How each role sees the case in each relationship: f full, r a referring body's limited
# view (status, deadlines, outcome, documents sent back; no session records), - nothing.
#                   own subtree referred summoned unrelated other_district
SIGHT = {
    "director":        "f f f f f -",
    "centre_staff":    "f f f f f -",
    "street_staff":    "f f f f - -",
    "committee_staff": "f f - - - -",
    "grid_worker":     "f f - - - -",
    "mediator":        "f - - f - -",
    "leader":          "f - - - - -",
    "clerk":           "r - - - - -",
    "judge":           "r - - - - -",
    "police_officer":  "r - - - - -",
    "petition_staff":  "r - - - - -",
    "justice_staff":   "f - - - - -",
    "liaison":         "f - - f - -",
    "party_user":      "- - - - - -",
    "anonymous":       "- - - - - -",
}  # fmt: skip
ROLES = tuple(SIGHT)

# What a response may be. ``ok``: 2xx, or a redirect that is not to the login page.
OK = {"ok"}
HIDDEN = {"hidden"}  # 404: the user may not know the thing exists
LOGIN = {"login"}
# The user sees the case; whether they may act is the page's own rule: 403 if not, or
# 405 for a GET on a page that only takes a POST.
SEEN = {"ok", "forbidden", "method"}
# A page not about a case: open to the roles it serves, 403 to the others.
OPEN_OR_FORBIDDEN = {"ok", "forbidden", "method"}
NOT_SERVER_ERROR = {"ok", "forbidden", "hidden", "method", "login", "bad"}


def _anonymous_first(rule):
    def expected(role, sight, found):
        return LOGIN if role == "anonymous" else rule(sight, found)

    return expected


# Each rule: (role, sight of the case, whether the URL's object was found for the
# case) → the set of acceptable outcomes.
RULES = {
    # Login, logout, password reset, the language switch: for everyone.
    "public": lambda role, sight, found: NOT_SERVER_ERROR,
    # A page or list not about one case; lists show only cases the role sees (checked
    # for every page: no title of a case the role may not see).
    "signed_in": _anonymous_first(lambda sight, found: OPEN_OR_FORBIDDEN),
    # An object that is not a case (a notification, a mediator's roster profile).
    "signed_in_object": _anonymous_first(lambda sight, found: OPEN_OR_FORBIDDEN | HIDDEN),
    # The case page: every role that sees the case gets it (the referring body its
    # limited view).
    "case_page": _anonymous_first(lambda sight, found: OK if sight != "-" else HIDDEN),
    # A page that acts on the case (home visit, shares): 404 unless the role sees it.
    "case_action": _anonymous_first(lambda sight, found: SEEN if sight != "-" else HIDDEN),
    # A session record: not for the referring body's limited view.
    "case_session": _anonymous_first(
        lambda sight, found: SEEN if sight == "f" and found else HIDDEN | ({"forbidden"} if sight == "r" else set())
    ),
    # A record of the case (a referral, a document sent back): 404 unless the role sees
    # the case and the record exists.
    "case_record": _anonymous_first(lambda sight, found: SEEN if sight != "-" and found else HIDDEN),
    # A flow's page about one process or task of the case: 404 unless the role sees the
    # case and the URL's process (and task, at the URL's node) is that case's.
    "flow_object": _anonymous_first(lambda sight, found: SEEN if sight != "-" and found else HIDDEN),
    # The party portal's pages: only for a party's own portal session, which no role
    # here has (staff logins included): everyone is sent to the portal's ended page,
    # whatever the case or the document.
    "portal_session": lambda role, sight, found: OK,
}  # fmt: skip

# A flow's task URLs are asked per node: "<flow>:<node>:<action>" has the rule of
# "<flow>:*:<action>" here, for every node of the flow.
FLOWS = (
    "caseloop",
    "jointconsultation",
    "leadercase",
    "followup",
    "patrol",
    "patrolschedule",
    "courtreferral",
    "policereferral",
    "petitionreferral",
)
FLOW_PAGES = {
    "index": "signed_in",
    "inbox": "signed_in",
    "queue": "signed_in",
    "archive": "signed_in",
    "task_list": "signed_in",
    "process_list": "signed_in",
    "chart": "signed_in",
    "tasks_assign": "signed_in",
    "tasks_unassign": "signed_in",
    "process_detail": "flow_object",
    "process_cancel": "flow_object",
    "process_chart": "flow_object",
    "*:index": "flow_object",
    "*:detail": "flow_object",
    "*:undo": "flow_object",
    "*:cancel": "flow_object",
    "*:revive": "flow_object",
}
# The flows with a human task, whose nodes also have the pages to take, give back and
# perform it (viewflow makes none for a flow of only automatic steps).
HUMAN_TASK_FLOWS = (
    "caseloop",
    "jointconsultation",
    "leadercase",
    "followup",
    "patrol",
    "courtreferral",
)
HUMAN_TASK_PAGES = {
    "*:assign": "flow_object",
    "*:unassign": "flow_object",
    "*:execute": "flow_object",
}

# The table: URL name → rule. Written once; a URL not in it fails the test.
TABLE = {
    "set_language": "public",
    "login": "public",
    "logout": "public",
    "password_change": "signed_in",
    "password_change_done": "signed_in",
    "password_reset": "public",
    "password_reset_done": "public",
    "password_reset_confirm": "public",
    "password_reset_complete": "public",
    "index": "public",  # the site's redirect to the first application
    "cases:index": "signed_in",
    "cases:list": "signed_in",
    "cases:export": "signed_in",
    "cases:intake": "signed_in",
    "cases:detail": "case_page",
    "cases:home_visit": "case_action",
    "cases:shares": "case_action",
    "cases:share_revoke": "case_record",
    "cases:summonses": "signed_in",
    "cases:notifications": "signed_in",
    "cases:notification_read": "signed_in_object",
    "cases:notifications_read": "signed_in",
    "cases:roster": "signed_in",
    "cases:roster_duty": "signed_in",
    "cases:roster_profile": "signed_in_object",
    "cases:roster_register": "signed_in",
    "cases:roster_edit": "signed_in_object",
    "cases:roster_sanction": "signed_in_object",
    "cases:session_schedule": "case_action",
    "cases:rights_notice": "case_action",
    "cases:session_record": "case_session",
    "cases:session_postpone": "case_session",
    "cases:session_cancel": "case_session",
    "tasks:index": "signed_in",
    "tasks:inbox": "signed_in",
    "tasks:queue": "signed_in",
    "tasks:archive": "signed_in",
    # The court's referrals (workflows/court_pages.py).
    "referrals:index": "signed_in",
    "referrals:list": "signed_in",
    "referrals:new": "signed_in",
    "referrals:detail": "case_record",
    "referrals:action": "case_record",
    "referrals:download": "case_record",
    # The police's and the petition bureau's referrals.
    "policereferral:referrals": "signed_in",
    "policereferral:refer": "signed_in",
    "policereferral:hand_back": "case_record",
    "petitionreferral:referrals": "signed_in",
    "petitionreferral:transfer": "signed_in",
    "petitionreferral:object": "case_record",
    "petitionreferral:extend": "case_record",
    # The case's documents (documents/staff_urls.py); the matrix's documents are
    # termination records, which a referring body receives.
    "documents:index": "public",  # a redirect to the cases
    "documents:make": "case_action",
    "documents:correct": "case_record",
    "documents:sign": "case_record",
    "documents:retry": "case_record",
    "documents:download": "case_record",
    # The public verification pages: a document's facts without personal data.
    "verify:upload": "public",
    "verify:document": "public",
    # The party portal (documents/portal/): a link's token is unknown here (404).
    "portal:open": "public",
    "portal:ended": "public",
    "portal:logout": "public",
    "portal:home": "portal_session",
    "portal:consent": "portal_session",
    "portal:mediator": "portal_session",
    "portal:rate": "portal_session",
    "portal:sign": "portal_session",
    "portal:file": "portal_session",
    "portal:download": "portal_session",
    "portal:sign_code": "portal_session",
    # Staff send a party its link, and withdraw it.
    "portal:link_send": "case_record",
    "portal:link_revoke": "case_record",
    "patrol:rounds": "signed_in",
    "patrol:ad_hoc": "signed_in",
    "patrol:schedules": "signed_in",
    **{f"{flow}:{page}": rule for flow in FLOWS for page, rule in FLOW_PAGES.items()},
    **{
        f"{flow}:{page}": rule
        for flow in HUMAN_TASK_FLOWS
        for page, rule in HUMAN_TASK_PAGES.items()
    },
}

# How each flow's process reaches its case; patrol rounds and schedules hold no case.
FLOW_CASE = {
    "caseloop": "caseprocess__case",
    "jointconsultation": "jointprocess__consultation__case",
    "leadercase": "leaderprocess__leader_case__case",
    "followup": "followupprocess__visit__case",
    "courtreferral": "referralprocess__referral__case",
    "policereferral": "policereferralprocess__referral__case",
    "petitionreferral": "petitionreferralprocess__referral__case",
}
# The pages that write, asked with a POST too.
POST_ACTIONS = (
    "execute",
    "assign",
    "unassign",
    "undo",
    "cancel",
    "revive",
    "process_cancel",
    "tasks_assign",
    "tasks_unassign",
)
POST_PAGES = {
    "cases:intake",
    "cases:home_visit",
    "cases:shares",
    "cases:share_revoke",
    "cases:notification_read",
    "cases:notifications_read",
    "cases:roster_register",
    "cases:roster_edit",
    "cases:roster_sanction",
    "cases:session_schedule",
    "cases:rights_notice",
    "cases:session_record",
    "cases:session_postpone",
    "cases:session_cancel",
    "referrals:new",
    "referrals:action",
    "policereferral:refer",
    "policereferral:hand_back",
    "petitionreferral:transfer",
    "petitionreferral:object",
    "petitionreferral:extend",
    "patrol:ad_hoc",
    "patrol:schedules",
    "documents:make",
    "documents:correct",
    "documents:sign",
    "documents:retry",
    "portal:consent",
    "portal:mediator",
    "portal:rate",
    "portal:sign",
    "portal:sign_code",
    "portal:link_send",
    "portal:link_revoke",
}
# The tables of the packages that keep their rows in their own module: each gives
# ``TABLE`` (URL name → rule), ``RULES`` (its own rules) and ``POST_PAGES``.
for _extra in (matrix_api, matrix_dashboard, matrix_notifications):
    RULES.update(_extra.RULES)
    TABLE.update(_extra.TABLE)
    POST_PAGES |= set(_extra.POST_PAGES)

MISSING = 999_999
APP_GATED = ("party_user", "anonymous")  # an id nothing has

URLS = {url.name: url for url in project_urls()}


def table_key(name: str) -> str:
    """The table's key for a URL name: a task URL's node is ``*``."""
    parts = name.split(":")
    if len(parts) == 3 and parts[0] in FLOWS:
        return f"{parts[0]}:*:{parts[2]}"
    return name


def _node_has_tasks(world, name: str) -> bool:
    flow, node, _action = name.split(":")
    path = FLOW_CASE.get(flow)
    if path is None:
        return False
    if not hasattr(world, "nodes_reached"):
        world.nodes_reached = {}
    if flow not in world.nodes_reached:
        tasks = Task.objects.filter(**{f"process__{path}__isnull": False})
        world.nodes_reached[flow] = {task.flow_task.name for task in tasks}
    return node in world.nodes_reached[flow]


def writes(name: str) -> bool:
    return name in POST_PAGES or name.split(":")[-1] in POST_ACTIONS


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = build_world()
            world.clients = {}
            for role in ROLES:
                client = Client()
                if role != "anonymous":
                    client.force_login(world.user(role))
                world.clients[role] = client
            world.titles = {
                name: getattr(world, name).title
                for name in {n for names in CASES.values() for n in names}
            }
            reverse("cases:list")  # flow nodes learn their URL namespaces
            # Thousands of expected 404s and 403s: log only server errors meanwhile.
            request_log = logging.getLogger("django.request")
            level = request_log.level
            request_log.setLevel(logging.ERROR)
            try:
                yield world
            finally:
                request_log.setLevel(level)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _process_and_task(world, flow: str, node_name: str | None, case):
    """The flow's process of ``case`` and its task at the node: (process_pk, task_pk, found)."""
    path = FLOW_CASE.get(flow)
    processes = Process.objects.filter(**{path: case}) if path else Process.objects.none()
    process = processes.order_by("pk").first()
    if node_name is None:
        return (process.pk if process else MISSING), None, process is not None
    tasks = Task.objects.filter(process__in=processes).order_by("-pk")
    at_node = [task for task in tasks if task.flow_task.name == node_name]
    if at_node:
        return at_node[0].process_id, at_node[0].pk, True
    # No task at this node: another task of the case's process, which this node's URL
    # must not open either.
    other = tasks.first()
    if other is not None:
        return other.process_id, other.pk, False
    return MISSING, MISSING, False


def fill(world, url, case) -> tuple[dict, bool]:
    """The URL's kwargs for ``case``, and whether the object it names was found."""
    flow, *rest = url.name.split(":")
    kwargs, found = {}, True
    if "process_pk" in url.kwargs or "task_pk" in url.kwargs:
        node = rest[0] if len(rest) == 2 else None
        process_pk, task_pk, found = _process_and_task(world, flow, node, case)
        kwargs["process_pk"] = process_pk
        if "task_pk" in url.kwargs:
            kwargs["task_pk"] = task_pk
        return kwargs, found
    for name in url.kwargs:
        if name == "session":
            session = MediationSession.objects.filter(case=case).first()
            found = session is not None
            kwargs[name] = session.pk if session else MISSING
        elif name == "kind":
            kwargs[name] = "termination" if url.name == "documents:make" else "user"
        elif name == "case":
            kwargs[name] = case.pk
        elif name == "party":
            party = case.parties.order_by("pk").first()
            found = party is not None
            kwargs[name] = party.pk if party else MISSING
        elif name == "share":
            kwargs[name], found = MISSING, False
        elif name == "action":
            kwargs[name] = "extend"  # one of the referral page's actions
        elif name == "token" and url.name == "verify:document":
            kwargs[name] = Document.objects.get(case=case).token
        elif name == "token" and url.name == "portal:open":
            kwargs[name] = "x" * 43  # no link has it
        elif name in ("uidb64", "token"):
            kwargs[name] = "x"
        elif name == "pk":
            kwargs[name], found = _pk(world, url.name, case)
    return kwargs, found


def _pk(world, name, case):
    records = {
        "referrals:detail": Referral,
        "referrals:action": Referral,
        "policereferral:hand_back": PoliceReferral,
        "petitionreferral:object": PetitionReferral,
        "petitionreferral:extend": PetitionReferral,
    }
    if name in records:
        record = records[name].objects.filter(case=case).first()
        return (record.pk, True) if record else (MISSING, False)
    if name == "referrals:download":
        return MISSING, False
    if name.startswith(("documents:", "portal:")) and name != "portal:link_revoke":
        document = Document.objects.filter(case=case).first()
        if document is None:
            return MISSING, False
        # Only an agreement is signed: the sign page of another kind is not found.
        return document.pk, name != "documents:sign" or document.kind == "agreement"
    if name == "portal:link_revoke":
        link = PortalLink.objects.filter(party__case=case).first()
        return (link.pk, True) if link else (MISSING, False)
    if name.startswith("cases:roster"):
        return MediatorProfile.objects.get(user=world.committee_mediator).pk, True
    if name == "cases:notification_read":
        return MISSING, False
    return case.pk, True


def _ask(client, method, path, before):
    """One request: its outcome, whether a denied POST changed anything, its page."""
    response = getattr(client, method)(path)
    got = outcome(response)
    changed = method == "post" and got != "ok" and fingerprint() != before
    body = ""
    if got == "ok":
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        body = raw.decode(errors="replace")
    return got, changed, body


def outcome(response) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        if response["Location"].split("?")[0].endswith(reverse(settings.LOGIN_URL)):
            return "login"
        return "ok"
    if 200 <= status < 300:
        return "ok"
    return {403: "forbidden", 404: "hidden", 405: "method", 400: "bad"}.get(status, str(status))


def test_every_url_is_in_the_table():
    missing = sorted(name for name in URLS if table_key(name) not in TABLE)
    assert not missing, f"URLs missing from the permission table: {missing}"
    unknown = sorted(set(TABLE) - {table_key(name) for name in URLS})
    assert not unknown, f"Table rows for URLs that no longer exist: {unknown}"


def _group_of(url) -> str:
    """The test that asks ``url``. A flow's node URLs are grouped by flow, URL kind and
    the view that answers them: viewflow makes the same assign, execute, detail, undo,
    cancel, revive… pages for every node, so the nodes of a group run the same code, and
    one node that a fixture case has reached (and one it has not) stands for the
    group. Every other URL is its own test."""
    parts = url.name.split(":")
    if len(parts) == 3 and parts[0] in FLOWS:
        return f"{parts[0]}:*:{parts[2]}[{url.view.rsplit('.', 1)[-1]}]"
    return url.name


GROUPS: dict[str, list[str]] = {}
for _url in URLS.values():
    GROUPS.setdefault(_group_of(_url), []).append(_url.name)
GROUPS = {group: sorted(names) for group, names in GROUPS.items()}


def test_every_url_is_asked():
    """Each URL is in one group, and a group's URLs share one view and one table row."""
    asked = sorted(name for names in GROUPS.values() for name in names)
    assert asked == sorted(URLS)
    for names in GROUPS.values():
        assert len({URLS[name].view for name in names}) == 1, names
        assert len({table_key(name) for name in names}) == 1, names


def _representatives(world, names: list[str]) -> list[str]:
    """The URLs of a group that are asked: all of a group of one; for a flow's node
    URLs, one whose node a fixture case has reached and one whose node none has."""
    if len(names) == 1:
        return names
    reached = [name for name in names if _node_has_tasks(world, name)]
    unreached = [name for name in names if name not in reached]
    return reached[:1] + unreached[:1]


@pytest.mark.django_db
@pytest.mark.parametrize("group", sorted(GROUPS))
def test_matrix(world, group):
    failures = []
    for name in _representatives(world, GROUPS[group]):
        failures += _ask_url(world, name)
    assert not failures, "\n".join(failures)


# The rules whose answer for a case the role sees is only "not 404" (the page's own
# rule decides 200 or 403): a role's cells where it sees the case are sampled so that
# every role and every relationship is asked at least once where the case is seen.
# Every cell where the role must not see the case is asked.
SAMPLED_RULES = {"flow_object", "case_action", "case_session", "case_record"}


def _seen_cells(relationships) -> set[tuple[str, str]]:
    """Each role's first relationship where it sees the case, and for each relationship
    the last role (in the table's order) that sees the case in it."""
    cells, last_role = set(), {}
    for role in ROLES:
        seen = [
            relationship
            for relationship, sight in zip(RELATIONSHIPS, SIGHT[role].split(), strict=True)
            if sight != "-" and relationship in relationships
        ]
        if seen:
            cells.add((role, seen[0]))
        last_role.update(dict.fromkeys(seen, role))
    return cells | {(role, relationship) for relationship, role in last_role.items()}


def _ask_url(world, name) -> list[str]:
    url = URLS[name]
    key = table_key(name)
    assert key in TABLE, f"{name} is missing from the permission table"
    rule = RULES[TABLE[key]]
    about_a_case = bool(
        {"pk", "process_pk", "task_pk", "session", "case", "party", "token"} & set(url.kwargs)
    )
    failures = []
    # Each request is rolled back, so every one starts from this state.
    before = fingerprint() if writes(name) else None
    relationships = RELATIONSHIPS if about_a_case else RELATIONSHIPS[:1]
    if url.node_name and not _node_has_tasks(world, name):
        # A node no fixture case has reached: its URLs are asked with another task of
        # the case (404: a task opens only through its own node), for a case the role
        # sees and one it does not.
        relationships = ("own",)
    gated = name.split(":")[0] in FLOWS
    allowed_posted, hidden_posted = False, set()
    seen_cells = _seen_cells(relationships) if TABLE[key] in SAMPLED_RULES else None
    for role in ROLES:
        client = world.clients[role]
        sights = SIGHT[role].split()
        asked = zip(RELATIONSHIPS, CASES[role], sights, strict=True)
        for relationship, case_name, sight in asked:
            if relationship not in relationships:
                continue
            if sight != "-" and seen_cells is not None and (role, relationship) not in seen_cells:
                continue
            case = getattr(world, case_name)
            kwargs, found = fill(world, url, case)
            path = reverse(name, kwargs=kwargs)
            if not about_a_case:
                sight = "-"
            expected = rule(role, sight, found)
            if gated and role in APP_GATED:
                # viewflow's middleware refuses the whole flow application to a user
                # with no post, before the URL's ids are read: the same 403 for every
                # id, so nothing can be probed.
                expected = {"forbidden"}
            unseen = [world.titles[n] for n, s in zip(CASES[role], sights, strict=True) if s == "-"]
            methods = ("get", "post") if writes(name) else ("get",)
            got = None
            for method in methods:
                # POSTs are asked where they matter, and sampled where the GET already
                # says what the POST meets: every POST that the GET refuses with 403, 405
                # or the login page; a POST to a hidden case once per role (the 404 comes
                # from the same lookup of the case); a POST where the GET is allowed
                # once per URL (the role may use the page).
                if method == "post" and got == "ok":
                    if allowed_posted:
                        continue
                    allowed_posted = True
                if method == "post" and got == "hidden":
                    if role in hidden_posted:
                        continue
                    hidden_posted.add(role)
                got, changed, body = in_savepoint(_ask, client, method, path, before)
                where = f"{role} {method.upper()} {path} ({relationship}: {case_name})"
                if method == "get" and got == "method" and expected == HIDDEN:
                    # A page that only takes a POST refuses a GET before it reads any
                    # id, alike for every id: nothing can be probed. Its POST is asked.
                    got = "hidden"
                if got not in expected:
                    failures.append(f"{where}: {got}, expected {sorted(expected)}")
                if changed:
                    failures.append(f"{where}: a denied POST changed the database")
                leaked = [title for title in unseen if title in body]
                if leaked:
                    failures.append(f"{where}: shows cases it may not see: {leaked}")
    return failures
