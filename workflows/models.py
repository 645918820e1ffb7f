from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from mediation.models import Case

# The columns of viewflow's own process row.
_PROCESS_FIELDS = [f.name for f in Process._meta.concrete_fields if not f.primary_key]


class SubjectFixedProcess(Process):
    """A process whose own row holds only what it is about, set when it starts.

    viewflow saves a process whole at each change of its state (its end, its
    cancelling); only the base row changes then, so only the base row is written,
    not also an UPDATE of the subject that sets it to what it was.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = _PROCESS_FIELDS
        super().save(*args, **kwargs)


class CaseProcess(SubjectFixedProcess):
    """One run of the closed loop for one case."""

    case = models.OneToOneField(
        "mediation.Case",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="loop_process",
    )

    class Meta:
        verbose_name = _("case closed loop")
        verbose_name_plural = _("case closed loops")

    def __str__(self):
        return str(self.case)


def case_of(task_or_process) -> Case:
    """The case of a loop process, or of one of its tasks."""
    cases = Case.objects.select_related("centre", "handling_org")
    if isinstance(task_or_process, CaseProcess):
        if CaseProcess.case.is_cached(task_or_process):
            # Left by the step that has just changed the case under its lock.
            return task_or_process.case
        return cases.get(pk=task_or_process.case_id)
    process_pk = getattr(task_or_process, "process_id", None) or task_or_process.pk
    return cases.get(loop_process__pk=process_pk)


class JointProcess(Process):
    """One joint consultation (会诊) of a case."""

    consultation = models.OneToOneField(
        "mediation.JointConsultation",
        verbose_name=_("joint consultation"),
        on_delete=models.CASCADE,
        related_name="process",
    )

    class Meta:
        verbose_name = _("joint consultation process")
        verbose_name_plural = _("joint consultation processes")

    def __str__(self):
        return str(self.consultation.case)


class LeaderProcess(Process):
    """One leader case (专诊)."""

    leader_case = models.OneToOneField(
        "mediation.LeaderCase",
        verbose_name=_("leader case"),
        on_delete=models.CASCADE,
        related_name="process",
    )

    class Meta:
        verbose_name = _("leader case process")
        verbose_name_plural = _("leader case processes")

    def __str__(self):
        return str(self.leader_case.case)


class FollowUpProcess(SubjectFixedProcess):
    """The return visit (复诊) to one closed case."""

    visit = models.OneToOneField(
        "mediation.ReturnVisit",
        verbose_name=_("return visit"),
        on_delete=models.CASCADE,
        related_name="process",
    )

    class Meta:
        verbose_name = _("follow-up process")
        verbose_name_plural = _("follow-up processes")

    def __str__(self):
        return str(self.visit.case)


class PatrolScheduleProcess(Process):
    """A community's standing patrol schedule: a timer that opens each round when due."""

    schedule = models.OneToOneField(
        "mediation.PatrolSchedule",
        verbose_name=_("patrol schedule"),
        on_delete=models.CASCADE,
        related_name="process",
    )

    class Meta:
        verbose_name = _("patrol schedule process")
        verbose_name_plural = _("patrol schedule processes")

    def __str__(self):
        return str(self.schedule.community)


class PatrolProcess(Process):
    """One patrol round (巡诊)."""

    round = models.OneToOneField(
        "mediation.PatrolRound",
        verbose_name=_("patrol round"),
        on_delete=models.CASCADE,
        related_name="process",
    )

    class Meta:
        verbose_name = _("patrol round process")
        verbose_name_plural = _("patrol round processes")

    def __str__(self):
        return str(self.round)


class ReferralProcess(Process):
    """One court referral (诉调对接: 委派 or 委托)."""

    referral = models.OneToOneField(
        "mediation.Referral",
        verbose_name=_("court referral"),
        on_delete=models.CASCADE,
        related_name="process",
    )

    class Meta:
        verbose_name = _("court referral process")
        verbose_name_plural = _("court referral processes")

    def __str__(self):
        return str(self.referral.case)


class PoliceReferralProcess(Process):
    """One police referral (公调对接): the 24 hours its centre has to accept it."""

    referral = models.OneToOneField(
        "mediation.PoliceReferral",
        verbose_name=_("police referral"),
        on_delete=models.CASCADE,
        related_name="process",
    )

    class Meta:
        verbose_name = _("police referral process")
        verbose_name_plural = _("police referral processes")

    def __str__(self):
        return str(self.referral.case)


class PetitionReferralProcess(Process):
    """One petition referral (访调对接): its handling period under 信访工作条例 art 34."""

    referral = models.OneToOneField(
        "mediation.PetitionReferral",
        verbose_name=_("petition referral"),
        on_delete=models.CASCADE,
        related_name="process",
    )

    class Meta:
        verbose_name = _("petition referral process")
        verbose_name_plural = _("petition referral processes")

    def __str__(self):
        return str(self.referral.case)
