"""A summoned department's own part in joint consultations (会诊): what it was asked and
the opinion it gave. The case itself is open to it only while the consultation is."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.translation import gettext_lazy as _
from django.views import generic

from .. import selectors_joint


class DepartmentSummonsListView(LoginRequiredMixin, generic.ListView):
    template_name = "mediation/summonses.html"
    context_object_name = "summonses"
    paginate_by = 25
    title = _("My department's opinions")

    def get_queryset(self):
        return selectors_joint.department_summonses(self.request.user)
