"""Every figure of the dashboard as a table (``cells.Table``): the page shows them, the
exports write them. Each table is built by its own function from a ``Dashboard``,
which holds the user, the period and the scope, so an export builds just the table it
writes.
"""

from functools import partial
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mediation.models import Channel, DisputeType, Tier

from . import figures, keys, sources, warnings
from .cells import Cell, Column, Table
from .figures import Counts, Figures
from .filters import Period


class Dashboard:
    """One user's figures over one period: the scope is worked out once."""

    def __init__(self, user, period: Period):
        self.user = user
        self.period = period

    @cached_property
    def counts(self) -> Counts:
        return Counts(self.user, self.period)

    @cached_property
    def window(self) -> warnings.Window:
        return warnings.Window.ending()

    @cached_property
    def window_cases(self):
        return warnings.window_cases(self.user, self.period, self.window)

    @cached_property
    def repeat_keys(self) -> keys.Reader:
        return keys.Reader(self.user, warnings.window_period(self.period, self.window))

    @cached_property
    def window_counts(self) -> Counts:
        return self.counts.over(warnings.window_period(self.period, self.window))

    def query(self, **extra) -> str:
        return urlencode({**self.period.query(), **extra})


FIGURE_COLUMNS = (
    ("reported", gettext_lazy("Cases reported"), "int"),
    ("accepted", gettext_lazy("Cases accepted"), "int"),
    ("closed", gettext_lazy("Cases closed"), "int"),
    ("closure_rate", gettext_lazy("Closure rate"), "pct"),
    ("agreements", gettext_lazy("Agreements"), "int"),
    ("success_rate", gettext_lazy("Success rate"), "pct"),
    ("overdue", gettext_lazy("Cases overdue"), "int"),
    ("days_to_close", gettext_lazy("Average days to close"), "days"),
)


def _figure_columns(first: str) -> list[Column]:
    return [
        Column(first, "text"),
        *(Column(str(label), kind) for _n, label, kind in FIGURE_COLUMNS),
    ]


def _figure_cells(label: str, figures_: Figures, url: str = "") -> list[Cell]:
    return [
        Cell(label, "text", url),
        *(Cell(getattr(figures_, name), kind) for name, _l, kind in FIGURE_COLUMNS),
    ]


def _bar_chart(labels, rows: list[Figures], horizontal=False) -> dict:
    return {
        "type": "bar",
        "horizontal": horizontal,
        "labels": [str(label) for label in labels],
        "datasets": [
            {"label": _("Cases reported"), "data": [f.reported for f in rows], "axis": "count"},
            {"label": _("Cases closed"), "data": [f.closed for f in rows], "axis": "count"},
            {"label": _("Agreements"), "data": [f.agreements for f in rows], "axis": "count"},
        ],
    }


def _breakdown(slug, title, first, rows: list[tuple[str, Figures]], note="", horizontal=False):
    return Table(
        slug=slug,
        title=title,
        columns=_figure_columns(first),
        rows=[_figure_cells(label, figures_) for label, figures_ in rows],
        note=note,
        chart=_bar_chart([label for label, _f in rows], [f for _l, f in rows], horizontal)
        if rows
        else None,
    )


def overview_table(board: Dashboard) -> Table:
    totals = board.counts.totals()
    rows = [
        (_("Cases reported"), totals.reported, "int"),
        (_("Cases accepted"), totals.accepted, "int"),
        (_("Cases closed"), totals.closed, "int"),
        (_("Cases overdue"), totals.overdue, "int"),
        (_("Closure rate (closed among accepted)"), totals.closure_rate, "pct"),
        (_("Success rate (agreements among closed)"), totals.success_rate, "pct"),
        (_("Average days to close"), totals.days_to_close, "days"),
        (_("Ratings received"), totals.ratings, "int"),
        (_("Five-star share"), totals.five_star_share, "pct"),
        (_("Average rating (stars)"), totals.average_rating, "stars"),
        (_("Parties involved"), totals.parties, "int"),
        (_("Amount in dispute (yuan)"), totals.disputed, "money"),
        (_("Amount in dispute of the agreements (yuan)"), totals.agreed_in_dispute, "money"),
    ]
    # The amounts written on the agreements, from the documents package.
    if sources.agreed_amount() is not None:
        rows.append((_("Amount agreed in the agreements (yuan)"), totals.amount_agreed, "money"))
    return Table(
        slug="overview",
        title=_("Overview"),
        columns=[Column(_("Figure"), "text"), Column(_("Value"), "text")],
        rows=[[Cell(label, "text"), Cell(value, kind)] for label, value, kind in rows],
        note=_(
            "The cases reported in the period that you may see; closed cases and agreements "
            "are their outcomes so far."
        ),
    )


def trend_table(board: Dashboard) -> Table:
    rows = board.counts.trend()
    weekly = figures.trend_unit(board.period) == "week"
    labels = [
        _("Week of %(day)s") % {"day": f"{day:%m-%d}"} if weekly else f"{day:%Y-%m}"
        for day, _f in rows
    ]
    columns = [
        *_figure_columns(_("Week") if weekly else _("Month")),
        Column(_("Ratings"), "int"),
        Column(_("Five-star share"), "pct"),
        Column(_("Average rating (stars)"), "stars"),
    ]
    cells = [
        [
            *_figure_cells(label, figures_),
            Cell(figures_.ratings, "int"),
            Cell(figures_.five_star_share, "pct"),
            Cell(figures_.average_rating, "stars"),
        ]
        for label, (_day, figures_) in zip(labels, rows, strict=True)
    ]
    chart = _bar_chart(labels, [f for _d, f in rows])
    chart["datasets"] += [
        {
            "label": _("Closure rate"),
            "data": [f.closure_rate for _d, f in rows],
            "axis": "percent",
            "line": True,
        },
        {
            "label": _("Five-star share"),
            "data": [f.five_star_share for _d, f in rows],
            "axis": "percent",
            "line": True,
        },
    ]
    return Table(
        slug="trend",
        title=_("Trend by week") if weekly else _("Trend by month"),
        columns=columns,
        rows=cells,
        note=_("By the date each case was reported."),
        chart=chart if rows else None,
    )


def _labelled(rows, choices, blank) -> list[tuple[str, Figures]]:
    labels = dict(choices)
    return [(str(labels.get(key, key)) if key else str(blank), f) for key, f in rows]


def dispute_type_table(board: Dashboard) -> Table:
    rows = _labelled(board.counts.by_value("dispute_type").items(), DisputeType.choices, "")
    rows.sort(key=lambda row: -row[1].reported)
    return _breakdown(
        "dispute_type", _("By dispute type"), _("Dispute type"), rows, horizontal=True
    )


def tier_table(board: Dashboard) -> Table:
    found = board.counts.by_value("tier")
    rows = [(tier, found[tier]) for tier in ["", *Tier.values] if tier in found]
    return _breakdown(
        "tier", _("By tier"), _("Tier"), _labelled(rows, Tier.choices, _("Not assessed yet"))
    )


def channel_table(board: Dashboard) -> Table:
    rows = _labelled(board.counts.by_value("channel").items(), Channel.choices, "")
    rows.sort(key=lambda row: -row[1].reported)
    return _breakdown("channel", _("By channel"), _("Channel"), rows, horizontal=True)


def organisation_table(board: Dashboard) -> Table:
    root = board.period.organisation
    rows = figures.by_organisation(board.counts, root, board.user)
    labelled = []
    for org, figures_ in rows:
        if org is None:
            label = _("Other organisations")
        elif (root is not None and org.pk == root.pk) or not any(
            other is not None and other.path.startswith(org.path) and other != org
            for other, _f in rows
        ):
            label = org.name
        else:
            label = _("%(name)s (itself)") % {"name": org.name}
        labelled.append((label, figures_))
    return _breakdown(
        "organisation",
        _("By organisation"),
        _("Organisation"),
        labelled,
        note=_(
            "Each organisation with those below it; a row marked as itself counts only the "
            "cases it handles itself."
        ),
        horizontal=True,
    )


def diagnosis_table(board: Dashboard) -> Table:
    rows = board.counts.by_condition("diagnosis")
    return _breakdown(
        "diagnosis",
        _("By five-diagnosis kind"),
        _("Kind"),
        [(str(label), f) for _k, label, f in rows],
        note=_("A case can be of several kinds, so the rows do not add up to the total."),
    )


def referral_table(board: Dashboard) -> Table:
    rows = board.counts.by_condition("referral")
    return _breakdown(
        "referral",
        _("By referral source"),
        _("Referred by"),
        [(str(label), f) for _k, label, f in rows],
    )


def mediator_table(board: Dashboard) -> Table:
    rows = figures.by_mediator(board.counts)
    columns = [
        Column(_("Mediator"), "text"),
        Column(_("Cases handled"), "int"),
        Column(_("Cases closed"), "int"),
        Column(_("Agreements"), "int"),
        Column(_("Success rate"), "pct"),
        Column(_("Average days to close"), "days"),
        Column(_("Ratings"), "int"),
        Column(_("Average rating (stars)"), "stars"),
        Column(_("Five-star share"), "pct"),
    ]
    cells = [
        [
            Cell(row.name, "text"),
            Cell(row.figures.reported, "int"),
            Cell(row.figures.closed, "int"),
            Cell(row.figures.agreements, "int"),
            Cell(row.figures.success_rate, "pct"),
            Cell(row.figures.days_to_close, "days"),
            Cell(row.figures.ratings, "int"),
            Cell(row.figures.average_rating, "stars"),
            Cell(row.figures.five_star_share, "pct"),
        ]
        for row in rows
    ]
    return Table(
        slug="mediators",
        title=_("Mediator performance"),
        columns=columns,
        rows=cells,
        note=_("The cases in the period with a mediator named, the busiest mediator first."),
    )


def _warning_table(board: Dashboard, kind: str) -> Table:
    found = warnings.WARNINGS[kind](board)
    first = {"party": _("Party"), "address": _("Address"), "grid": _("Grid")}[kind]
    columns = [Column(first, "text")]
    if kind == "party":
        columns.append(Column(_("ID number, credit code or phone"), "text"))
    columns += [
        Column(_("Disputes in 90 days"), "int"),
        Column(_("First reported"), "date"),
        Column(_("Last reported"), "date"),
    ]
    base = reverse("dashboard:warning")
    rows = []
    for warning in found:
        url = f"{base}?{board.query(kind=kind, key=warning.key)}"
        row = [Cell(warning.label, "text", url)]
        if kind == "party":
            row.append(Cell(warning.detail, "text"))
        row += [
            Cell(warning.cases, "int"),
            Cell(warning.first, "date"),
            Cell(warning.last, "date"),
        ]
        rows.append(row)
    titles = {
        "party": _("Repeat warnings: the same party"),
        "address": _("Repeat warnings: the same address"),
        "grid": _("Repeat warnings: the same grid"),
    }
    return Table(
        slug=f"warnings_{kind}",
        title=titles[kind],
        columns=columns,
        rows=rows,
        note=_(
            "%(threshold)s or more disputes reported in the last %(days)s days (%(since)s to "
            "%(until)s), whatever the period chosen; the first %(limit)s, the most disputes first."
        )
        % {
            "threshold": warnings.THRESHOLD,
            "days": warnings.WINDOW_DAYS,
            "since": f"{board.window.since:%Y-%m-%d}",
            "until": f"{board.window.until:%Y-%m-%d}",
            "limit": warnings.LIMIT,
        },
    )


# Every table, in the page's order.
TABLES = {
    "overview": overview_table,
    "trend": trend_table,
    "organisation": organisation_table,
    "dispute_type": dispute_type_table,
    "tier": tier_table,
    "channel": channel_table,
    "diagnosis": diagnosis_table,
    "referral": referral_table,
    "mediators": mediator_table,
    **{f"warnings_{kind}": partial(_warning_table, kind=kind) for kind in warnings.KINDS},
}
