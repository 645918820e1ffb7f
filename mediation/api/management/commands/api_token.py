"""Issue, revoke and list the open API's tokens.

manage.py api_token issue ORG_CODE --name "12345热线工单系统" [--role ROLE] [--channel CHANNEL]
manage.py api_token revoke TOKEN_ID
manage.py api_token list
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from mediation.api import services
from mediation.api.models import ApiToken
from mediation.api.services import INTAKE_CHANNELS
from mediation.models import Organisation, Role


class Command(BaseCommand):
    help = "Issue, revoke or list the open API's tokens (the secret is shown once)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        issue = actions.add_parser("issue", help="Issue a token for an organisation.")
        issue.add_argument("organisation", help="The organisation's code, e.g. jk-court.")
        issue.add_argument("--name", required=True, help="The system that will use it.")
        issue.add_argument(
            "--role",
            default="",
            choices=Role.values,
            help="The service user's role; by default the one for the organisation's kind.",
        )
        issue.add_argument(
            "--channel",
            default="",
            choices=INTAKE_CHANNELS,
            help="The channel of its intakes when a call names none; by default the "
            "12345 hotline for a department, grid for a grid, walk-in otherwise.",
        )
        revoke = actions.add_parser("revoke", help="Revoke a token.")
        revoke.add_argument("token", type=int, help="The token's id (see list).")
        actions.add_parser("list", help="List the tokens.")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _issue(self, *, organisation, name, role, channel, **_options):
        org = Organisation.objects.filter(code=organisation).first()
        if org is None:
            raise CommandError(f"No organisation has the code {organisation!r}.")
        try:
            issued = services.token_issue(organisation=org, name=name, role=role, channel=channel)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        token = issued.token
        self.stdout.write(f"Token {token.pk} for {org.name} ({token.get_role_display()}):")
        self.stdout.write(issued.secret)
        self.stdout.write("Keep it now: it is not stored and cannot be shown again.")

    def _revoke(self, *, token, **_options):
        found = ApiToken.objects.filter(pk=token).first()
        if found is None:
            raise CommandError(f"No token has the id {token}.")
        services.token_revoke(token=found)
        self.stdout.write(f"Token {token} revoked.")

    def _list(self, **_options):
        for token in ApiToken.objects.select_related("organisation"):
            state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            self.stdout.write(
                f"{token.pk}\t{token.prefix}…\t{token.organisation.code}\t{token.name}\t"
                f"{token.role}\t{state}\tlast used {used}"
            )
