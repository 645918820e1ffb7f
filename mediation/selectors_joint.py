"""Reads for the joint consultation (会诊): who may report in, who decides, what is open."""

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from .models import (
    Case,
    DepartmentSummons,
    JointConsultation,
    Membership,
    Organisation,
    Role,
)
from .selectors import cases_visible_to, user_organisations
from .services_handling import district_centre_of


def consultation_open_for(case: Case) -> JointConsultation | None:
    """The case's joint consultation still waiting for its joint plan, if any."""
    return JointConsultation.objects.filter(case=case, planned_at__isnull=True).first()


def case_has_open_consultation(case: Case) -> bool:
    return JointConsultation.objects.filter(case=case, planned_at__isnull=True).exists()


def consultation_summonses(consultation: JointConsultation) -> QuerySet[DepartmentSummons]:
    """Every department's part in the consultation, with its opinion once given."""
    return consultation.summonses.select_related("department", "reported_by").order_by("id")


def user_in_department(user, department: Organisation) -> bool:
    """Anyone posted at the summoned department or at a body below it."""
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user, organisation__path__startswith=department.path
    ).exists()


def user_is_district_director(user, case: Case) -> bool:
    """A director of the district centre above the case: who answers for a late department."""
    if not user.is_authenticated:
        return False
    centre = district_centre_of(case)
    return (
        centre is not None
        and Membership.objects.filter(
            user=user, organisation=centre, role=Role.CENTRE_DIRECTOR
        ).exists()
    )


def consultations_visible_to(user) -> QuerySet[JointConsultation]:
    """Consultations on cases ``user`` may see, and those that summon a body ``user`` works in."""
    if not user.is_authenticated:
        return JointConsultation.objects.none()
    if user.is_superuser:
        return JointConsultation.objects.all()
    paths = list(user_organisations(user).values_list("path", flat=True))
    summoned = (
        reduce(or_, (Q(summonses__department__path__startswith=path) for path in paths))
        if paths
        else Q(pk__in=[])
    )
    return JointConsultation.objects.filter(
        Q(case__in=cases_visible_to(user)) | summoned
    ).distinct()
