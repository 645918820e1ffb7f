"""Reads for the joint consultation (会诊): who may report in, who decides, what is open."""

from django.db.models import QuerySet

from .access import cases_visible_to, user_posts
from .models import (
    Case,
    DepartmentSummons,
    JointConsultation,
    Membership,
    Organisation,
    Role,
)
from .models.organisations import line_paths
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
    """Consultations on cases ``user`` may see. A summoned department sees the case, and
    so the consultation, while it is open; afterwards only its own opinion
    (``department_summonses``)."""
    return JointConsultation.objects.filter(case__in=cases_visible_to(user))


def department_summonses(user) -> QuerySet[DepartmentSummons]:
    """The summonses of the departments ``user`` works in (at or below the summoned
    body), with their own opinions: what a department keeps once the consultation ends."""
    lines = sorted({path for post in user_posts(user) for path in line_paths(post.path)})
    return (
        DepartmentSummons.objects.filter(department__path__in=lines)
        .select_related("department", "reported_by", "consultation__case")
        .order_by("-consultation__summoned_at", "-id")
    )
