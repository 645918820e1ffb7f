"""Figures that come from other packages, registered from their ``AppConfig.ready()``.

mediation imports neither documents nor workflows (STYLE.md), yet the amount the
parties agreed is written on the agreement, a document. The documents package
registers a source that sums it over a set of cases.
"""

from collections.abc import Callable
from decimal import Decimal

from django.db.models import QuerySet

_agreed_amount_sources: list[Callable] = []


def register_agreed_amount_source(source: Callable) -> None:
    """``source(cases: QuerySet[Case]) -> Decimal``: the amounts agreed in ``cases``."""
    if source not in _agreed_amount_sources:
        _agreed_amount_sources.append(source)


def agreed_amount(cases: QuerySet) -> Decimal | None:
    """The sum of the registered sources over ``cases``; None when none is registered."""
    if not _agreed_amount_sources:
        return None
    return sum((source(cases) or Decimal(0) for source in _agreed_amount_sources), Decimal(0))
