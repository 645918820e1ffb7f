"""Issuing and revoking tokens: the secret shown once, its hash kept, the demo's tokens."""

import io

import pytest
from django.core.management import CommandError, call_command

from mediation.access import cases_visible_to
from mediation.api import services as api_services
from mediation.api.demo import DEMO_TOKENS, seed_api_tokens
from mediation.api.models import ApiToken
from mediation.models import Membership, OrgKind, Role
from tests.factories import org

from .conftest import Api

pytestmark = pytest.mark.django_db


def test_issue_prints_the_secret_once_and_keeps_only_its_hash(district):
    out = io.StringIO()
    call_command("api_token", "issue", "jk-court", "--name", "法院诉调对接系统", stdout=out)
    secret = out.getvalue().splitlines()[1]
    token = ApiToken.objects.get()
    assert token.secret_sha256 == api_services.secret_hash(secret)
    assert secret not in {token.secret_sha256, token.prefix}
    # The service user is a clerk of the court, and the token works.
    assert Membership.objects.filter(
        user=token.user, organisation=district.court, role=Role.COURT_CLERK
    ).exists()
    assert not token.user.has_usable_password()
    assert Api(secret).get("/api/v1/cases/").status_code == 200


def test_revoke_and_list(district):
    issued = api_services.token_issue(organisation=district.street, name="街道系统")
    out = io.StringIO()
    call_command("api_token", "revoke", str(issued.token.pk), stdout=out)
    call_command("api_token", "list", stdout=out)
    assert "revoked" in out.getvalue()
    assert Api(issued.secret).get("/api/v1/cases/").status_code == 401
    assert not cases_visible_to(issued.token.user).exists()


def test_issue_for_an_unknown_organisation_fails(district):
    with pytest.raises(CommandError):
        call_command("api_token", "issue", "nowhere", "--name", "x", stdout=io.StringIO())


def test_the_role_follows_the_kind_of_organisation(district):
    assert api_services.ROLE_FOR_KIND[OrgKind.STREET_CENTRE] == Role.CENTRE_STAFF
    token = api_services.token_issue(organisation=district.grid, name="网格系统").token
    assert token.role == Role.GRID_WORKER


def test_the_demo_seeder_adds_the_hotline_and_prints_stable_tokens(district):
    # The demo's court token belongs to the court's litigation-mediation centre.
    org("jk-court-sdzx", OrgKind.COURT_MEDIATION_CENTRE, district.court, name="诉调对接中心")
    out = io.StringIO()
    seed_api_tokens(stdout=out)
    seed_api_tokens(stdout=out)  # a second seed adds nothing
    assert ApiToken.objects.count() == len(DEMO_TOKENS)
    for _code, _name, secret in DEMO_TOKENS:
        assert out.getvalue().count(secret) == 2
        assert Api(secret).get("/api/v1/cases/").status_code == 200
