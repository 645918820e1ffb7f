"""The documents' figures for the statistics dashboard (mediation.dashboard.sources)."""

from decimal import Decimal

from django.db.models import QuerySet, Sum

from .models import Document, DocumentKind, DocumentStatus


def agreed_amount(cases: QuerySet) -> Decimal:
    """The amounts written on the agreements of ``cases`` that took effect (every party
    signed), each agreement counted in its current version only."""
    total = (
        Document.objects.filter(
            case_id__in=cases.values("pk"),
            kind=DocumentKind.AGREEMENT,
            effective_at__isnull=False,
        )
        .exclude(status=DocumentStatus.SUPERSEDED)
        .aggregate(total=Sum("agreed_amount"))["total"]
    )
    return total or Decimal(0)
