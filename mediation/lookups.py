"""``field__in_set=<queryset>``: the field's value is among the queryset's rows.

Django's ``__in`` with a queryset is ``IN (SELECT ...)``, which PostgreSQL checks row by
row as a hashed subplan, so a condition OR-ing several of them can only filter a scan
of the whole table. ``__in_set`` runs the subquery once, as an array
(``= ANY(ARRAY(SELECT ...))``): the test can use the field's index, and PostgreSQL can
OR it with the other indexed tests in one bitmap scan. Elsewhere it is ``IN``.
"""

from django.db.models import Field, ForeignObject, Lookup, QuerySet
from django.db.models.sql import Query


class InSet(Lookup):
    lookup_name = "in_set"
    prepare_rhs = False

    def get_prep_lookup(self):
        # As ``__in`` does: the subquery's own ordering would only cost a sort.
        if isinstance(self.rhs, QuerySet):
            self.rhs = self.rhs.order_by()
        elif isinstance(self.rhs, Query):
            self.rhs.clear_ordering(force=True)
        return super().get_prep_lookup()

    def _sides(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if not rhs.startswith("("):
            rhs = f"({rhs})"
        return lhs, rhs, (*lhs_params, *rhs_params)

    def as_sql(self, compiler, connection):
        lhs, rhs, params = self._sides(compiler, connection)
        return f"{lhs} IN {rhs}", params

    def as_postgresql(self, compiler, connection):
        lhs, rhs, params = self._sides(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", params


Field.register_lookup(InSet)
ForeignObject.register_lookup(InSet)
