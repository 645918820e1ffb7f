"""A token gets exactly its organisation's permissions: the token of each kind of body,
against the matrix world's cases in every relationship, sees what that body's staff see
(the same cases, in the same view, the same referrals and documents), and nothing else.
"""

import pytest
from django.core.cache import cache
from django.http import Http404

from documents.selectors import case_documents
from mediation import access
from mediation.api import services as api_services
from mediation.models import Case, OrgKind, Role
from mediation.models.handoffs import PetitionReferral, PoliceReferral
from mediation.models.referrals import Referral
from tests.api.conftest import Api
from tests.factories import org, staff

from .matrix_world import CASE_NAMES, build_world

pytestmark = pytest.mark.django_db

REFERRAL_LISTS = {
    "/api/v1/court-referrals/": Referral,
    "/api/v1/police-referrals/": PoliceReferral,
    "/api/v1/petition-referrals/": PetitionReferral,
}


@pytest.fixture
def world(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_token": "100000/minute"},
    }
    cache.clear()
    world = build_world()
    hotline = org("jk-12345", OrgKind.DEPARTMENT, world.district.district, name="12345热线")
    world.hotline_staff = staff("hotline", hotline, Role.DEPARTMENT_LIAISON)
    return world


# Each calling body: (its organisation, a staff member posted there in the token's role).
BODIES = {
    "court": lambda w: (w.district.court, w.clerk),
    "police_station": lambda w: (w.police_station, w.police_officer),
    "petition_bureau": lambda w: (w.petition_bureau, w.petition_staff),
    "street_centre": lambda w: (w.district.street, w.district.street_staff),
    "hotline": lambda w: (w.hotline_staff.memberships.get().organisation, w.hotline_staff),
    "summoned_department": lambda w: (w.housing, w.liaison),
}


def all_pages(api, path) -> list[dict]:
    results, page = [], 1
    while True:
        body = api.get(path, {"page": page}).json()
        results += body["results"]
        if not body["next"]:
            return results
        page += 1


@pytest.mark.parametrize("body", sorted(BODIES))
def test_a_token_sees_exactly_what_its_organisations_staff_see(world, body):
    organisation, member = BODIES[body](world)
    api = Api(api_services.token_issue(organisation=organisation, name=f"{body}系统").secret)

    # The list: the same cases as the staff member's.
    listed = {case["id"] for case in all_pages(api, "/api/v1/cases/")}
    assert listed == set(access.cases_visible_to(member).values_list("pk", flat=True))

    # Each case of every relationship: seen in the same view, or 404.
    for name in CASE_NAMES:
        case: Case = getattr(world, name)
        response = api.get(f"/api/v1/cases/{case.pk}/")
        documents = api.get(f"/api/v1/cases/{case.pk}/documents/")
        try:
            staff_access = access.case_access(member, case.pk)
        except Http404:  # the staff member does not see it
            assert response.status_code == 404, (body, name)
            assert documents.status_code == 404, (body, name)
            continue
        assert response.status_code == 200, (body, name)
        assert response.json()["view"] == ("full" if staff_access.full else "limited")
        assert {d["id"] for d in documents.json()["results"]} == set(
            case_documents(staff_access).values_list("pk", flat=True)
        ), (body, name)

    # The referrals of each kind: the same as the staff member's.
    for path, model in REFERRAL_LISTS.items():
        listed = {r["id"] for r in all_pages(api, path)}
        expected = access.referrals_visible_to(member, model).values_list("pk", flat=True)
        assert listed == set(expected), (body, path)


def test_the_bodies_see_different_cases(world):
    """The matrix above is not vacuous: each body sees some case another does not."""
    seen = {
        body: set(access.cases_visible_to(BODIES[body](world)[1]).values_list("pk", flat=True))
        for body in BODIES
    }
    assert seen["court"] == {world.court_case.pk}
    assert seen["police_station"] == {world.police_case.pk}
    assert seen["petition_bureau"] == {world.petition_case.pk}
    assert seen["summoned_department"] == {world.summoned_case.pk}
    assert seen["hotline"] == set()
    assert world.street_case.pk in seen["street_centre"]
    assert world.other_street_case.pk not in seen["street_centre"]
