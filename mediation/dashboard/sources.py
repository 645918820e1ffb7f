"""Figures that come from other packages, registered from their ``AppConfig.ready()``.

mediation imports neither documents nor workflows (STYLE.md), yet the amount the
parties agreed is written on the agreement, a document. The documents package
registers an expression that gives each case's agreed amount.
"""

from collections.abc import Callable

from django.db.models import DecimalField, Expression, Value
from django.db.models.functions import Coalesce

_agreed_amount_sources: list[Callable[[], Expression]] = []


def register_agreed_amount_source(source: Callable[[], Expression]) -> None:
    """``source()``: an expression over a case (``OuterRef("pk")``) for the amount agreed
    in it, NULL for none."""
    if source not in _agreed_amount_sources:
        _agreed_amount_sources.append(source)


def agreed_amount() -> Expression | None:
    """Each case's amount agreed, from every registered source; None when none is."""
    if not _agreed_amount_sources:
        return None
    money = DecimalField(max_digits=20, decimal_places=2)
    parts = [Coalesce(source(), Value(0), output_field=money) for source in _agreed_amount_sources]
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total
