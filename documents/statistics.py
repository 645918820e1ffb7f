"""The documents' figures for the statistics dashboard (mediation.dashboard.sources)."""

from django.db.models import DecimalField, OuterRef, Subquery, Sum

from .models import Document, DocumentKind, DocumentStatus


def agreed_amount() -> Subquery:
    """For a case (``OuterRef("pk")``): the amounts written on its agreements that took
    effect (every party signed), each agreement counted in its current version only."""
    agreements = (
        Document.objects.filter(
            case_id=OuterRef("pk"),
            kind=DocumentKind.AGREEMENT,
            effective_at__isnull=False,
        )
        .exclude(status=DocumentStatus.SUPERSEDED)
        .order_by()
        .values("case_id")
        .annotate(total=Sum("agreed_amount"))
        .values("total")
    )
    return Subquery(agreements, output_field=DecimalField(max_digits=20, decimal_places=2))
