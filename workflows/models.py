from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from mediation.models import Case


class CaseProcess(Process):
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
    process_pk = getattr(task_or_process, "process_id", None) or task_or_process.pk
    return Case.objects.select_related("centre", "handling_org").get(loop_process__pk=process_pk)
