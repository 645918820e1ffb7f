from django.core.management.base import BaseCommand, CommandError

from documents.certificates import certificate_dir, issue_dev_certificates
from mediation.models import Organisation


class Command(BaseCommand):
    help = (
        "Make a local CA and a seal certificate (PKCS#12) for each organisation, for "
        "development and demonstrations: CERTIFICATE_DIR/ca.pem and <code>.p12. Existing "
        "files are kept unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--organisations",
            nargs="+",
            metavar="CODE",
            help="Only these organisations (by code); all organisations by default.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Issue new certificates even where one exists; without --organisations, "
            "also make a new CA.",
        )

    def handle(self, *args, organisations=None, force=False, **options):
        queryset = Organisation.objects.order_by("path")
        if organisations:
            queryset = queryset.filter(code__in=organisations)
            unknown = sorted(set(organisations) - {o.code for o in queryset})
            if unknown:
                raise CommandError(f"Unknown organisation code(s): {', '.join(unknown)}")
        directory = certificate_dir()
        report = issue_dev_certificates(
            organisations=list(queryset),
            directory=directory,
            force=force,
            new_ca=force and not organisations,
        )
        if report.ca_created:
            self.stdout.write(f"New CA: {directory / 'ca.pem'}")
        for code in report.issued:
            self.stdout.write(f"Issued: {directory / code}.p12")
        if report.kept:
            self.stdout.write(f"Kept {len(report.kept)} existing certificate(s).")
        if not report.issued and not report.kept:
            self.stdout.write("No organisations in the database: only the CA was checked.")
