from django.core.management.base import BaseCommand

from mediation.demo_data import DEMO_LOGINS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the demo district's logins (the ones seed_demo creates)."

    def handle(self, *args, **options):
        width = max(len(username) for username, _, _ in DEMO_LOGINS)
        self.stdout.write(f"  Demo logins (password for all: {DEMO_PASSWORD})")
        for username, role, organisation in DEMO_LOGINS:
            self.stdout.write(f"    {username.ljust(width)}  {role}  {organisation}")
