from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process


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
