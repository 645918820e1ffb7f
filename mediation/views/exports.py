"""The case list as a CSV file, with the list's filters."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View

from .. import exports
from ..forms import CaseFilterForm


class CaseExportView(LoginRequiredMixin, View):
    """The cases the list shows the user, under the same filters, as a CSV file."""

    def get(self, request):
        filters = CaseFilterForm(request.GET, user=request.user).filters()
        cases = exports.export_cases(user=request.user, filters=filters)
        if exports.exceeds_limit(cases):
            messages.error(
                request,
                _(
                    "The list holds more than %(limit)s cases, more than one export takes. "
                    "Narrow the filters and export again."
                )
                % {"limit": number_format(exports.ROW_LIMIT, force_grouping=True)},
            )
            query = request.GET.urlencode()
            return redirect(reverse("cases:list") + (f"?{query}" if query else ""))
        lines = exports.case_export_lines(
            cases=cases,
            user=request.user,
            page=request.resolver_match.view_name[:100],
            path=request.get_full_path()[:500],
            language=get_language(),
        )
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = exports.content_disposition()
        # Personal data: no cache keeps a copy.
        patch_cache_control(response, private=True, no_store=True)
        return response
