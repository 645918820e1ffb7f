"""The demo's API tokens: the 12345 hotline's and the court's, with known secrets.

The demo district has no 12345 hotline, so the seeder adds it (a functional department
under the district). The secrets are fixed and printed on every seed, so that the
README's curl works against any demo; they are for the laptop demo only.
"""

from mediation import services as mediation_services
from mediation.models import Organisation, OrgKind

from . import services
from .models import ApiToken

HOTLINE_CODE = "jk-12345"
HOTLINE_NAME = "经开区12345政务服务便民热线"
# (organisation code, token name, secret)
DEMO_TOKENS = (
    (HOTLINE_CODE, "12345热线工单系统", "mdt_demo-12345-hotline"),
    # The court's litigation-mediation centre: its clerks send the referrals.
    ("jk-court-sdzx", "法院诉调对接系统", "mdt_demo-court"),
)


def _hotline() -> Organisation | None:
    hotline = Organisation.objects.filter(code=HOTLINE_CODE).first()
    if hotline is not None:
        return hotline
    district = Organisation.objects.filter(code="jk", kind=OrgKind.DISTRICT_CENTRE).first()
    if district is None:
        return None
    return mediation_services.organisation_create(
        code=HOTLINE_CODE,
        name=HOTLINE_NAME,
        kind=OrgKind.DEPARTMENT,
        parent=district,
        phone="12345",
    )


def seed_api_tokens(stdout=None) -> list[tuple[ApiToken, str]]:
    """Make the demo tokens that are missing; print every one with its secret."""
    _hotline()
    issued = []
    for code, name, secret in DEMO_TOKENS:
        organisation = Organisation.objects.filter(code=code).first()
        if organisation is None:
            continue
        token = ApiToken.objects.filter(secret_sha256=services.secret_hash(secret)).first()
        if token is None:
            token = services.token_issue(organisation=organisation, name=name, secret=secret).token
        issued.append((token, secret))
    if stdout is not None and issued:
        stdout.write("  Demo API tokens (Authorization: Bearer <token>; docs at /api/docs/)")
        for token, secret in issued:
            state = "" if token.is_active else "  (revoked)"
            stdout.write(f"    {secret}  {token.organisation.name}  {token.name}{state}")
    return issued
