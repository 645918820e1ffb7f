"""Reads of the visits made to a case's parties at home (上门问诊)."""

from django.db.models import QuerySet

from .models import Case, HomeVisit


def case_home_visits(case: Case) -> QuerySet[HomeVisit]:
    return case.home_visits.select_related("party__person", "visitor").order_by("visit_on", "id")
