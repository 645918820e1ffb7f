"""A case's flows drawn as charts (viewflow.workflow.chart), for the case page.

Every process working on the case is drawn with the state of its tasks; a node with
an overdue open task is marked ``overdue`` and drawn red. Labels are the nodes'
translated titles, wrapped so that Chinese titles fit their boxes too.
"""

import unicodedata

from django.template.loader import render_to_string
from django.urls import NoReverseMatch
from django.utils.encoding import force_str
from django.utils.safestring import mark_safe
from viewflow.workflow import chart

from mediation.extensions import CaseChart
from mediation.models import Case

from .case_links import processes_of_case
from .open_tasks import is_overdue, open_tasks_of, task_due

# A task box is 150 units wide; at 12px a line holds about 20 Latin letters or 10 Han
# characters (each counted twice).
LINE_WIDTH = 20


def _width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def wrap_label(text: str, width: int = LINE_WIDTH) -> list[str]:
    """Break ``text`` into lines of at most ``width`` units: between words for Latin
    text, between any two characters for Han text."""
    tokens, word = [], ""
    for char in text:
        if char == " " or _width(char) == 2:
            if word:
                tokens.append(word)
                word = ""
            tokens.append(char)
        else:
            word += char
    if word:
        tokens.append(word)

    lines, line = [], ""
    for token in tokens:
        size = sum(_width(c) for c in line + token)
        if line and size > width:
            lines.append(line.rstrip())
            line = "" if token == " " else token
        else:
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines or [text]


def _relabel(grid) -> None:
    """Redo viewflow's ``calc_text`` for box-shaped nodes with a width-aware wrap."""
    for cell in grid.cells:
        if not cell.shape.text:
            continue
        font_size = cell.shape.text[0][2]
        title = force_str(cell.node.task_title) or cell.node.name.replace("_", " ").capitalize()
        lines = wrap_label(title)
        block_height = max(len(lines) - 1, 0) * font_size * 1.2
        x, y = int(cell.shape.width / 2), int((cell.shape.height - block_height) / 2)
        cell.shape.text = [
            (line, "align-middle", font_size, x, y + n * font_size * 1.2)
            for n, line in enumerate(lines)
        ]


def process_chart_svg(process, *, overdue_nodes=(), prefix: str = "chart") -> str:
    flow_class = process.flow_class
    grid = chart.calc_layout_data(flow_class)
    chart.calc_cell_status(flow_class, grid, process.pk)
    _relabel(grid)
    cells = [
        {
            "cell": cell,
            "classes": " ".join(
                filter(
                    None,
                    [
                        (cell.status or "").lower(),
                        "overdue" if cell.node in overdue_nodes else "",
                    ],
                )
            ),
        }
        for cell in grid.cells
    ]
    return render_to_string(
        "workflows/chart.svg",
        {"grid": grid, "cells": cells, "edges": grid.edges, "prefix": prefix},
    )


def case_charts(case: Case, user) -> list[CaseChart]:
    """One chart for each process of every flow that works on ``case``."""
    charts = []
    for process in processes_of_case(case):
        flow_class = process.flow_class
        if flow_class is None:
            continue
        overdue = {
            task.flow_task
            for task in open_tasks_of([process])
            if is_overdue(task_due(task, case.due_at))
        }
        try:
            url = flow_class.instance.reverse("process_detail", args=[process.pk])
        except NoReverseMatch:
            url = ""
        svg = process_chart_svg(process, overdue_nodes=overdue, prefix=f"p{process.pk}")
        charts.append(CaseChart(title=str(flow_class.process_title), svg=mark_safe(svg), url=url))
    return charts
