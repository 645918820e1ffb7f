"""The statistics pages: the dashboard, one repeat warning's cases, and the exports."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from . import exports, warnings
from .access import REFUSAL, request_may_see_statistics
from .filters import DashboardFilterForm
from .tables import TABLES, Dashboard


class StatisticsMixin(LoginRequiredMixin):
    """Signed in, with a post that may see statistics (else 403); the filters read."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request_may_see_statistics(request):
            # A page that says why, rather than the bare 403.
            return render(request, "dashboard/forbidden.html", {"reason": REFUSAL}, status=403)
        return super().dispatch(request, *args, **kwargs)

    def board(self) -> Dashboard:
        self.form = DashboardFilterForm(self.request.GET, user=self.request.user)
        return Dashboard(self.request.user, self.form.period())


class DashboardView(StatisticsMixin, TemplateView):
    template_name = "dashboard/index.html"

    def get_context_data(self, **kwargs):
        board = self.board()
        tables = [build(board) for build in TABLES.values()]
        overview = tables[0]
        return super().get_context_data(
            form=self.form,
            period=board.period,
            query=board.query(),
            cards=overview.rows,
            tables=tables,
            charts={t.slug: t.chart for t in tables if t.chart},
            chart_axes={"count": _("Cases"), "percent": _("Per cent")},
            **kwargs,
        )


class WarningView(StatisticsMixin, TemplateView):
    """The cases of one repeat warning: only those the user may see, in the window."""

    template_name = "dashboard/warning.html"

    def get_context_data(self, **kwargs):
        kind = self.request.GET.get("kind", "party")
        if kind not in warnings.KINDS:
            raise Http404
        board = self.board()
        key = self.request.GET.get("key", "")[:200]
        title, cases = warnings.warning_cases(board.window_cases, kind, key)
        listed = list(
            cases.select_related("handling_org").order_by("-reported_at", "-id")[
                : warnings.CASES_LIMIT
            ]
        )
        return super().get_context_data(
            kind_label=warnings.KINDS[kind],
            title=title,
            cases=listed,
            window=board.window,
            threshold=warnings.THRESHOLD,
            limit=warnings.CASES_LIMIT,
            kind=kind,
            back_query=board.query(),
            **kwargs,
        )


class ExportView(StatisticsMixin, View):
    """One table of the dashboard as CSV or Excel, under the same filters and rules."""

    def get(self, request):
        table = request.GET.get("table", "overview")
        extension = request.GET.get("format", "csv")
        build = TABLES.get(table)
        if build is None or extension not in exports.FORMATS:
            raise Http404
        board = self.board()
        built = build(board)
        if extension == "csv":
            response = StreamingHttpResponse(
                exports.csv_lines(built, get_language()), content_type=exports.FORMATS["csv"]
            )
        else:
            response = HttpResponse(
                exports.xlsx_bytes(built, board.period), content_type=exports.FORMATS["xlsx"]
            )
        response["Content-Disposition"] = exports.content_disposition(
            built, board.period, extension
        )
        patch_cache_control(response, private=True, no_store=True)
        return response
